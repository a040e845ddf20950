package tunebench

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
)

// Subsample keeps a seeded fraction of rows: of each DGA family and of
// the benign rows alike, at least one row of each family, in the rows'
// order.
func Subsample(rows []datasets.Row, fraction float64, seed uint64) []datasets.Row {
	if fraction >= 1 {
		return slices.Clone(rows)
	}
	groups := map[string][]int{}
	for i, r := range rows {
		k := strconv.Itoa(r.Label) + "/" + r.Family
		groups[k] = append(groups[k], i)
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	r := rand.New(rand.NewPCG(seed, 0x7475_6e65))
	var keep []int
	for _, k := range keys {
		idx := slices.Clone(groups[k])
		r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		n := max(1, int(float64(len(idx))*fraction+0.5))
		keep = append(keep, idx[:n]...)
	}
	slices.Sort(keep)
	out := make([]datasets.Row, len(keep))
	for i, j := range keep {
		out[i] = rows[j]
	}
	return out
}

// Vectors are the corpus as both sides train on it: each name's default
// domain feature vector, its label and family.
type Vectors struct {
	Columns []string
	Keys    []string
	Labels  []int
	Family  []string
	// X holds the rows' features, row-major, as float32 (what both
	// learners train on).
	X []float32
}

// Featurize computes the default `domain` feature set, fitted on every
// row and cross-fitted (each name's learned values come from the fits
// without its fold, DGA families kept whole in one fold), as
// mlctl-bench's training comparison does.
func Featurize(rows []datasets.Row, seed uint64) (*Vectors, error) {
	set, err := features.FitDomain(rows, features.DomainOptions{Seed: seed})
	if err != nil {
		return nil, err
	}
	names := make([]string, len(rows))
	v := &Vectors{Columns: slices.Clone(set.Names()), Keys: names, Labels: make([]int, len(rows)), Family: make([]string, len(rows))}
	for i, r := range rows {
		names[i], v.Labels[i], v.Family[i] = r.Name, r.Label, r.Family
	}
	v.X = artifact.FeatureMatrix(set, names).Values
	return v, nil
}

// reservedColumns are the CSV's columns that are not features.
var reservedColumns = []string{"key", "label", "family"}

// WriteCSV writes the vectors as `dataset ingest --kind tabular` reads
// them: key, the features, label, family. Each value is the shortest
// decimal that reads back as the same float32, so the registry's vectors
// and Python's are exactly the matrix's.
func (v *Vectors) WriteCSV(path string) error {
	for _, c := range v.Columns {
		if slices.Contains(reservedColumns, c) {
			return fmt.Errorf("tunebench: a feature is called %q, a column the CSV needs", c)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	header := append(append([]string{"key"}, v.Columns...), "label", "family")
	if err := w.Write(header); err != nil {
		f.Close()
		return err
	}
	cols := len(v.Columns)
	rec := make([]string, len(header))
	for i, k := range v.Keys {
		rec[0] = k
		for j := range cols {
			rec[1+j] = strconv.FormatFloat(float64(v.X[i*cols+j]), 'g', -1, 32)
		}
		rec[1+cols] = strconv.Itoa(v.Labels[i])
		rec[2+cols] = v.Family[i]
		if err := w.Write(rec); err != nil {
			f.Close()
			return err
		}
	}
	w.Flush()
	if err := cmp.Or(w.Error(), bw.Flush()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
