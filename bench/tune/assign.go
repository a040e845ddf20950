package tunebench

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/tuning"
)

// Assignment is where each row of a tuning run's datasets went: its part
// of the split and, outside the test part, its fold.
type Assignment struct {
	Keys  []string
	Parts []byte
	// Folds are the rows' folds, -1 for test rows.
	Folds []int
}

// Assign folds the rows as the Tune workflow's folds do
// (activities.buildFold): the rows outside the split's test part, in
// dataset order, through tuning.Folds with k, g and seed.
func Assign(rows []datasets.Row, split *registry.Split, k int, g tuning.Grouping, seed uint64) (*Assignment, error) {
	if len(split.Assignment) != len(rows) {
		return nil, fmt.Errorf("tunebench: split covers %d rows, datasets have %d", len(split.Assignment), len(rows))
	}
	a := &Assignment{Keys: make([]string, len(rows)), Parts: split.Assignment, Folds: make([]int, len(rows))}
	var idx []int
	var tuned []datasets.Row
	for i, p := range split.Assignment {
		a.Keys[i] = rows[i].Name
		a.Folds[i] = -1
		if p != registry.PartTest {
			idx = append(idx, i)
			tuned = append(tuned, rows[i])
		}
	}
	for j, f := range tuning.Folds(tuned, k, g, seed) {
		a.Folds[idx[j]] = f
	}
	return a, nil
}

// WriteCSV writes key,part,fold a row (what optuna_xgb.py reads).
func (a *Assignment) WriteCSV(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	w := csv.NewWriter(bw)
	w.Write([]string{"key", "part", "fold"})
	for i, k := range a.Keys {
		w.Write([]string{k, strconv.Itoa(int(a.Parts[i])), strconv.Itoa(a.Folds[i])})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
