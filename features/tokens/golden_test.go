package tokens

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/mlctl/mlctl/internal/pyref"
)

const (
	txtFixture = "testdata/txt/fixture.json"
	txtGolden  = "testdata/txt/golden.json"
)

func readFixture(t testing.TB) []string {
	t.Helper()
	data, err := os.ReadFile(txtFixture)
	if err != nil {
		t.Fatal(err)
	}
	var records []string
	if err := json.Unmarshal(data, &records); err != nil {
		t.Fatal(err)
	}
	return records
}

// TestTXTGolden compares the tokenizer with scikit-learn's output for the
// hand-written fixture, stored in golden.json; it needs no Python.
func TestTXTGolden(t *testing.T) {
	data, err := os.ReadFile(txtGolden)
	if err != nil {
		t.Fatal(err)
	}
	checkReference(t, readFixture(t), parseReference(t, data))
}

// TestTXTGoldenReproduces checks that gen.py still makes golden.json.
func TestTXTGoldenReproduces(t *testing.T) {
	fixture, err := os.ReadFile(txtFixture)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(txtGolden)
	if err != nil {
		t.Fatal(err)
	}
	pyref.Require(t, "sklearn", "numpy")
	if got := pyref.Run(t, fixture, "testdata/txt/gen.py"); !bytes.Equal(got, want) {
		t.Fatalf("gen.py output differs from %s (%d vs %d bytes); regenerate with\n"+
			"  cd features/tokens/testdata/txt && /usr/bin/python3 gen.py < fixture.json > golden.json",
			txtGolden, len(got), len(want))
	}
}
