package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// sourceFiles expands directories (their regular files, not recursing and
// not hidden ones) and glob patterns into sorted, distinct absolute paths.
// A source that matches nothing is not an error: the feed may be empty;
// no source at all means the retrain trains on the newest version as it is.
func sourceFiles(sources []string) ([]string, error) {
	var out []string
	for _, s := range sources {
		if fi, err := os.Stat(s); err == nil && fi.IsDir() {
			s = filepath.Join(s, "*")
		}
		m, err := filepath.Glob(s)
		if err != nil {
			return nil, fmt.Errorf("new-data source %q: %w", s, err)
		}
		for _, p := range m {
			fi, err := os.Stat(p)
			if err != nil || !fi.Mode().IsRegular() || strings.HasPrefix(filepath.Base(p), ".") {
				continue
			}
			if abs, err := filepath.Abs(p); err == nil {
				p = abs
			}
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
