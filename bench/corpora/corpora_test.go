package corpora

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestDGA: the DGA files' names are malicious with their families, the
// Umbrella names benign of family umbrella; a directory without them is
// ErrMissing.
func TestDGA(t *testing.T) {
	dir := t.TempDir()
	if _, err := DGA(dir); !errors.Is(err, ErrMissing) {
		t.Fatalf("empty dir: %v", err)
	}
	os.MkdirAll(filepath.Join(dir, "dga"), 0o755)
	os.MkdirAll(filepath.Join(dir, "benign"), 0o755)
	os.WriteFile(filepath.Join(dir, "dga", "g.csv"), []byte("source,family,domain\nx,necurs,qwpzlrmvtyxk.com\nx,ramnit,abcdefgh.net\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "benign", "umbrella-top-100k.txt"), []byte("www.google.com\nexample.org\n"), 0o644)
	rows, err := DGA(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.Name] = r.Family + "/" + string(rune('0'+r.Label))
	}
	want := map[string]string{"qwpzlrmvtyxk.com": "necurs/1", "abcdefgh.net": "ramnit/1", "www.google.com": "umbrella/0", "example.org": "umbrella/0"}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("rows %v, want %v", got, want)
		}
	}
}
