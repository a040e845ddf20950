package devenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLookup(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, ".dev"), 0o755)
	os.WriteFile(filepath.Join(root, ".dev", "env"), []byte("export MLCTL_DATABASE_URL='postgres://x/y'\nexport TEMPORAL_ADDRESS=\"h:1\"\n"), 0o644)
	if got := Lookup(root, "MLCTL_DATABASE_URL"); got != "postgres://x/y" {
		t.Fatalf("got %q", got)
	}
	if got := Lookup(root, "TEMPORAL_ADDRESS"); got != "h:1" {
		t.Fatalf("got %q", got)
	}
	if got := Lookup(root, "NOPE"); got != "" {
		t.Fatalf("got %q", got)
	}
	if got := Lookup(t.TempDir(), "TEMPORAL_ADDRESS"); got != "" {
		t.Fatalf("missing file gave %q", got)
	}
}
