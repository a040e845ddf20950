package datasets

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReadInputsKeepsOrderAndDuplicates(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "names.txt")
	if err := os.WriteFile(p, []byte("# names\nWWW.Example.COM.\nb..c\nexample.org\nwww.example.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := ReadInputs(p, "auto")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"www.example.com", "example.org", "www.example.com"}
	if len(in.Inputs) != len(want) {
		t.Fatalf("inputs %v, want %v", in.Inputs, want)
	}
	for i := range want {
		if in.Inputs[i] != want[i] {
			t.Fatalf("inputs %v, want %v", in.Inputs, want)
		}
	}
	if len(in.Bad) != 1 || in.Bad[0].Line != 3 || in.Bad[0].File != p {
		t.Fatalf("bad rows %+v, want line 3", in.Bad)
	}
}

func TestReadInputsTakesLabelsFromCSV(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "names.csv")
	if err := os.WriteFile(p, []byte("domain,label\na.com,0\nxkq.biz,1\na.com,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := ReadInputs(p, "auto")
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Inputs) != 3 || in.Labels[1] != 1 || in.Labels[2] != 1 || in.Labels[0] != 0 {
		t.Fatalf("inputs %v labels %v", in.Inputs, in.Labels)
	}
}
