package devenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkout lays out a repository at <tmp>/repo (with a package directory
// repo/pkg as the working directory) and, when withShared is set, the
// corpora beside it at <tmp>/shared/data; it returns <tmp>.
func checkout(t *testing.T, withShared bool) string {
	t.Helper()
	tmp := t.TempDir()
	for _, d := range []string{"repo/pkg", "elsewhere/data"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if withShared {
		if err := os.MkdirAll(filepath.Join(tmp, "shared", "data"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "repo", "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(tmp, "repo", "pkg"))
	return tmp
}

func TestSharedData(t *testing.T) {
	t.Run("default beside the checkout", func(t *testing.T) {
		tmp := checkout(t, true)
		t.Setenv(SharedDataEnv, "")
		got, err := SharedData()
		if want := filepath.Join(tmp, "shared", "data"); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	})
	t.Run("absolute setting", func(t *testing.T) {
		tmp := checkout(t, false)
		want := filepath.Join(tmp, "elsewhere", "data")
		t.Setenv(SharedDataEnv, want)
		if got, err := SharedData(); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	})
	t.Run("relative setting is from the repository root", func(t *testing.T) {
		tmp := checkout(t, false)
		t.Setenv(SharedDataEnv, "../elsewhere/data")
		got, err := SharedData()
		if want := filepath.Join(tmp, "elsewhere", "data"); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	})
	for name, setting := range map[string]string{"unset": "", "set": "/nonexistent/corpora"} {
		t.Run("missing corpora name the variable, "+name, func(t *testing.T) {
			checkout(t, false)
			t.Setenv(SharedDataEnv, setting)
			_, err := SharedData()
			if err == nil || !strings.Contains(err.Error(), "set "+SharedDataEnv) {
				t.Fatalf("error %v does not say to set %s", err, SharedDataEnv)
			}
		})
	}
}
