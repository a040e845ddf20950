package features

import (
	"bytes"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/internal/pyref"
)

const (
	heidgafNames    = "testdata/heidgaf44/names.txt"
	heidgafExpected = "testdata/heidgaf44/expected.tsv"
)

// readGoldenNames splits names.txt on "\n" only, as gen.py does.
func readGoldenNames(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(heidgafNames)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func TestHeidgaf44Golden(t *testing.T) {
	names := readGoldenNames(t)
	if len(names) < 200 {
		t.Fatalf("names.txt has %d names, want at least 200", len(names))
	}
	data, err := os.ReadFile(heidgafExpected)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	set := Heidgaf44()
	header := strings.Split(rows[0], "\t")
	if got, want := strings.Join(set.Names(), ","), strings.Join(header[1:], ","); got != want {
		t.Fatalf("feature names differ from gen.py's:\n got %s\nwant %s", got, want)
	}
	if len(rows)-1 != len(names) {
		t.Fatalf("expected.tsv has %d rows, names.txt %d names", len(rows)-1, len(names))
	}
	dst := make([]float64, Heidgaf44Len)
	compared := 0
	for i, row := range rows[1:] {
		cols := strings.Split(row, "\t")
		if len(cols) != Heidgaf44Len+1 || cols[0] != strconv.Itoa(i+1) {
			t.Fatalf("row %d malformed: %q", i+1, row)
		}
		set.Extract(names[i], dst)
		for j, col := range cols[1:] {
			want, err := strconv.ParseFloat(col, 64)
			if err != nil {
				t.Fatalf("row %d col %d: %v", i+1, j, err)
			}
			if math.Abs(dst[j]-want) > 1e-12 {
				t.Errorf("name %q (line %d) %s = %.17g, want %.17g", names[i], i+1, header[j+1], dst[j], want)
			}
			compared++
		}
	}
	if compared != len(names)*Heidgaf44Len {
		t.Fatalf("compared %d values, want %d", compared, len(names)*Heidgaf44Len)
	}
}

func TestHeidgaf44GeneratorReproduces(t *testing.T) {
	input, err := os.ReadFile(heidgafNames)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(heidgafExpected)
	if err != nil {
		t.Fatal(err)
	}
	pyref.Require(t, "numpy")
	got := pyref.Run(t, input, "testdata/heidgaf44/gen.py")
	if !bytes.Equal(got, want) {
		t.Fatalf("gen.py output differs from %s (%d vs %d bytes); regenerate with\n"+
			"  cd features/testdata/heidgaf44 && /usr/bin/python3 gen.py < names.txt > expected.tsv",
			heidgafExpected, len(got), len(want))
	}
}

func TestPyCharTableReproduces(t *testing.T) {
	want, err := os.ReadFile("pychar_table.go")
	if err != nil {
		t.Fatal(err)
	}
	pyref.Require(t) // the standard library is enough
	got := pyref.Run(t, nil, "testdata/pychar/gen_table.py")
	if !bytes.Equal(got, want) {
		t.Fatalf("pychar_table.go differs from gen_table.py output; regenerate with\n" +
			"  /usr/bin/python3 features/testdata/pychar/gen_table.py > features/pychar_table.go")
	}
}

func TestHeidgaf44HandChecked(t *testing.T) {
	dst := make([]float64, Heidgaf44Len)
	Heidgaf44().Extract("..B.aa.C..", dst)
	// labels B, aa, C: 3 labels; string max is "aa" (lower case sorts after upper).
	if dst[0] != 3 || dst[1] != 2 || dst[2] != 6 {
		t.Fatalf("label_length, label_max, label_average = %v, %v, %v; want 3, 2, 6", dst[0], dst[1], dst[2])
	}
	if dst[3] != 2.0/6 || dst[4] != 1.0/6 || dst[5] != 1.0/6 {
		t.Fatalf("freq_a, freq_b, freq_c = %v, %v, %v", dst[3], dst[4], dst[5])
	}
	// third "B", second "aa", fqdn "B.aa.C"
	if dst[29] != 1 || dst[30] != 1 || dst[33] != 1 || dst[37] != 1 || dst[40] != 2.0/6 {
		t.Fatalf("level counts wrong: %v", dst[29:41])
	}
	if dst[43] != 0 || dst[42] != 0 {
		t.Fatalf("entropy of one repeated character = %v, %v; want 0", dst[42], dst[43])
	}
}

func TestHeidgaf44NoAlloc(t *testing.T) {
	dst := make([]float64, Heidgaf44Len)
	set := Heidgaf44()
	for _, name := range []string{"mail.example.com", "münchen.de", "a..b", "\xff.com"} {
		if n := testing.AllocsPerRun(100, func() { set.Extract(name, dst) }); n != 0 {
			t.Errorf("Extract(%q) allocates %v times", name, n)
		}
	}
}

func BenchmarkHeidgaf44(b *testing.B) {
	dst := make([]float64, Heidgaf44Len)
	set := Heidgaf44()
	b.ReportAllocs()
	for b.Loop() {
		set.Extract("mail.examplecorp.com", dst)
	}
}
