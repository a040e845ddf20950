package datasets

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFileErrorsSayTheirPrefixOnce: an error about a file names the
// operation and the path once ("open X: open X: …" before).
func TestFileErrorsSayTheirPrefixOnce(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.csv")
	dir := t.TempDir()
	_, _, err := FileSHA256(missing)
	wantOnce(t, err, "open "+missing)
	_, _, err = FileSHA256(dir)
	wantOnce(t, err, "read "+dir)
	_, err = ReadDGA(dir, ReadOptions{Label: label(1)})
	wantOnce(t, err, "read "+dir)
	_, err = ReadInputs(dir, "auto")
	wantOnce(t, err, "read "+dir)
	_, _, err = ReadConn(dir)
	wantOnce(t, err, "read "+dir)
	_, err = ReadTabular(dir, TabularOptions{})
	wantOnce(t, err, "read "+dir)
	_, _, err = ReadFlows(dir, FormatAuto)
	wantOnce(t, err, "read "+dir)
	if !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("ReadFlows(dir) = %v; want the cause kept", err)
	}
}

func wantOnce(t *testing.T, err error, prefix string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one with %q", prefix)
	}
	if n := strings.Count(err.Error(), prefix); n != 1 {
		t.Errorf("%q says %q %d times; want once", err, prefix, n)
	}
}
