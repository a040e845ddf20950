package soak

import (
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/mlctl/mlctl/bench/corpora"
	"github.com/mlctl/mlctl/datasets"
)

// corpus is the real names of the shared corpora, split into the rows the
// model is trained on and the benign and DGA names the feeds send.
type corpus struct {
	train       []datasets.Row
	benign, dga []string
	source      string
}

// loadCorpus reads dga/*.csv (label 1) and benign/umbrella-top-100k.txt
// (label 0) under dir, shuffles them with seed and keeps trainRows of
// them, half of each label, for training; the rest are the feeds' names.
func loadCorpus(dir string, trainRows int, seed uint64) (*corpus, error) {
	rows, err := corpora.DGA(dir)
	if err != nil {
		return nil, fmt.Errorf("soak: %w", err)
	}

	var benign, dga []datasets.Row
	for _, row := range rows {
		if row.Label == 0 {
			benign = append(benign, row)
		} else {
			dga = append(dga, row)
		}
	}
	half := trainRows / 2
	if len(benign) < 2*half || len(dga) < 2*half {
		return nil, fmt.Errorf("soak: %d benign and %d DGA names in %s: too few to train on %d and feed the rest (lower -train-rows)", len(benign), len(dga), dir, trainRows)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x50a4))
	rng.Shuffle(len(benign), func(i, j int) { benign[i], benign[j] = benign[j], benign[i] })
	rng.Shuffle(len(dga), func(i, j int) { dga[i], dga[j] = dga[j], dga[i] })
	c := &corpus{source: dir + " (dga/*.csv, benign/umbrella-top-100k.txt)"}
	c.train = append(append(c.train, benign[:half]...), dga[:half]...)
	for _, row := range benign[half:] {
		c.benign = append(c.benign, row.Name)
	}
	for _, row := range dga[half:] {
		c.dga = append(c.dga, row.Name)
	}
	return c, nil
}

// writeTraining writes the training rows as CSV for `mlctl dataset ingest`.
func (c *corpus) writeTraining(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := datasets.WriteCSV(f, c.train); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
