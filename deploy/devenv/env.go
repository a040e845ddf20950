// Package devenv reads the settings the dev stack's up.sh writes to
// .dev/env (MLCTL_DATABASE_URL, TEMPORAL_ADDRESS, MLCTL_TEMPORAL_UI, ...).
package devenv

import (
	"bufio"
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
