// Package devenv is for the tests, benchmarks and dev tools: it reads the
// settings the dev stack's up.sh writes to .dev/env (MLCTL_DATABASE_URL,
// TEMPORAL_ADDRESS, MLCTL_TEMPORAL_UI, ...) and finds the shared corpora.
// The mlctl binary does not import it: it reads only its flags and
// environment.
package devenv

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Lookup returns one setting from <root>/.dev/env, or "" when the file or
// the key is missing.
func Lookup(root, key string) string {
	f, err := os.Open(filepath.Join(root, ".dev", "env"))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export ")
		if v, ok := strings.CutPrefix(line, key+"="); ok {
			return strings.Trim(v, `'"`)
		}
	}
	return ""
}

// RepoRoot finds the module root (the directory holding go.mod).
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}
