package dga

import (
	"fmt"
	"path/filepath"

	"github.com/mlctl/mlctl/datasets"
)

// Corpus is the real data the protocols draw from: DGA names with their
// families and two benign sources.
type Corpus struct {
	DGA      []datasets.Row // label 1, family set
	Umbrella []datasets.Row // label 0, family "umbrella": full hostnames
	OpenDNS  []datasets.Row // label 0, family "opendns": registered domains; a DGA name in both is left out
}

// LoadCorpus reads dir laid out like ../shared/data.
func LoadCorpus(dir string) (*Corpus, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "dga", "*.csv"))
	if len(files) == 0 {
		return nil, fmt.Errorf("dga corpus: no %s", filepath.Join(dir, "dga", "*.csv"))
	}
	one, zero := 1, 0
	c := &Corpus{}
	var reads []*datasets.Read
	for _, f := range files {
		r, err := datasets.ReadDGA(f, datasets.ReadOptions{Label: &one})
		if err != nil {
			return nil, err
		}
		reads = append(reads, r)
	}
	rows, _, _ := datasets.Merge(reads...)
	c.DGA = rows
	dga := map[string]bool{}
	for _, r := range rows {
		dga[r.Name] = true
	}
	for _, src := range []struct {
		file, family string
		dst          *[]datasets.Row
	}{{"umbrella-top-100k.txt", "umbrella", &c.Umbrella}, {"opendns-top-10k.txt", "opendns", &c.OpenDNS}} {
		r, err := datasets.ReadDGA(filepath.Join(dir, "benign", src.file), datasets.ReadOptions{Label: &zero, Family: src.family})
		if err != nil {
			return nil, err
		}
		for _, row := range r.Rows {
			if !dga[row.Name] {
				*src.dst = append(*src.dst, row)
			}
		}
	}
	return c, nil
}
