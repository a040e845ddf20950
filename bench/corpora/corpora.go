// Package corpora reads the shared corpora the benchmarks run on
// (../shared/data, or MLCTL_SHARED_DATA): the DGA families and the
// Umbrella top 100k as one labeled set of names.
package corpora

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mlctl/mlctl/datasets"
)

// ErrMissing says the directory lacks the corpora.
var ErrMissing = errors.New("the shared corpora are missing (set MLCTL_SHARED_DATA, or -data, to them)")

// Describe says what DGA reads under dir, for reports.
func Describe(dir string) string { return dir + " (dga/ + benign/umbrella-top-100k.txt)" }

// DGA reads dga/*.csv (label 1, each row's family) and
// benign/umbrella-top-100k.txt (label 0, family umbrella) under dir,
// merged as `dataset ingest` merges files. Without them it returns an
// error wrapping ErrMissing.
func DGA(dir string) ([]datasets.Row, error) {
	dga, _ := filepath.Glob(filepath.Join(dir, "dga", "*.csv"))
	umbrella := filepath.Join(dir, "benign", "umbrella-top-100k.txt")
	if _, err := os.Stat(umbrella); err != nil || len(dga) == 0 {
		return nil, fmt.Errorf("%s: need dga/*.csv and benign/umbrella-top-100k.txt: %w", dir, ErrMissing)
	}
	one, zero := 1, 0
	var reads []*datasets.Read
	for _, f := range dga {
		r, err := datasets.ReadDGA(f, datasets.ReadOptions{Label: &one})
		if err != nil {
			return nil, err
		}
		reads = append(reads, r)
	}
	r, err := datasets.ReadDGA(umbrella, datasets.ReadOptions{Label: &zero, Family: "umbrella"})
	if err != nil {
		return nil, err
	}
	rows, _, _ := datasets.Merge(append(reads, r)...)
	return rows, nil
}
