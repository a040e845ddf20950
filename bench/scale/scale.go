// Package scale measures how mlctl scales with rows: a tabular dataset of
// real DGA feature vectors resampled with noise (see Generator), ingested
// with the real CLI at 1×, 4× and 16× rows (wall time, rows/s, PostgreSQL
// bytes per row, the CLI's peak RSS), read back as a training run reads it
// (trainingdata.Load, then the float32 matrix), and gbdt and rf trained on
// the same rows in child processes that report their peak RSS beyond the
// raw matrix. From the bytes per row it computes where one machine's
// memory ends.
package scale

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/mlctl/mlctl/bench/mlctlproc"
	"github.com/mlctl/mlctl/internal/procstat"
)

// Options say what to measure.
type Options struct {
	// Data is the shared corpora (LoadBase); Bin the mlctl binary; Dir a
	// scratch directory for the CSV files (removed by the caller).
	Data, Bin, Dir string
	// ServerURL is a PostgreSQL server; the run creates a database of its
	// own there and drops it at the end.
	ServerURL string
	// Rows is 1× for ingest and loading, TrainRows 1× for training;
	// Multiples the sizes measured (1, 4, 16).
	Rows, TrainRows int
	Multiples       []int
	// LoadMultiples are the sizes whose loading path is measured.
	LoadMultiples []int
	// Algos are the learners trained at every size, with Params each.
	Algos  []string
	Params map[string]map[string]string
	Seed   uint64
	// Log receives progress lines.
	Log io.Writer
}

// DefaultOptions: ingest 625,000 rows at 1× (10M at 16×), the loading
// path at 1× and 4×, training 156,250 rows at 1× (2.5M at 16×, so that
// the section takes about 15 minutes on 2 cores), gbdt with mlctl's
// defaults (100 rounds, depth 6) and rf with mlctl's defaults but 25
// trees and max_depth 20 (an unlimited forest's size grows with the rows).
func DefaultOptions(data, bin, dir, server string) Options {
	return Options{Data: data, Bin: bin, Dir: dir, ServerURL: server, Rows: 625_000, TrainRows: 156_250, Multiples: []int{1, 4, 16},
		LoadMultiples: []int{1, 4}, Algos: []string{"gbdt", "rf"},
		Params: map[string]map[string]string{"rf": {"n_estimators": "25", "max_depth": "20"}}, Seed: 1, Log: os.Stdout}
}

// Result is the scale table and what follows from it.
type Result struct {
	Dataset     string  `json:"dataset"`
	Features    int     `json:"features"`
	MemoryBytes int64   `json:"memory_bytes"`
	Sizes       []Size  `json:"sizes"`
	Limits      []Limit `json:"limits"`
	// Linearity is, per learner, train s at the largest size over
	// (multiple × train s at 1×).
	Linearity map[string]float64 `json:"linearity"`
}

// Size is one row count's measurements.
type Size struct {
	Multiple int `json:"multiple"`
	// Rows are ingested and loaded; TrainRows trained on.
	Rows      int                    `json:"rows"`
	TrainRows int                    `json:"train_rows"`
	CSVBytes  int64                  `json:"csv_bytes"`
	Ingest    Ingest                 `json:"ingest"`
	Load      *ChildResult           `json:"load,omitempty"`
	Train     map[string]ChildResult `json:"train"`
}

// Ingest is one `mlctl dataset ingest --kind tabular`.
type Ingest struct {
	Seconds    float64 `json:"seconds"`
	RowsPerSec float64 `json:"rows_per_second"`
	// PGBytes is the growth of the registry's tables (dataset_rows and
	// datasets, with their indexes and TOAST); DBBytes the database's.
	PGBytes int64 `json:"pg_bytes"`
	DBBytes int64 `json:"db_bytes"`
	// MaxRSS is the CLI's peak RSS (it holds every row before COPY).
	MaxRSS int64 `json:"max_rss"`
}

// PerRow is b over rows.
func PerRow(b int64, rows int) float64 { return float64(b) / float64(rows) }

// Run measures every size: writes the CSV files, ingests each into a
// database of its own, measures the loading path, then trains.
func Run(ctx context.Context, o Options) (*Result, error) {
	base, err := LoadBase(o.Data)
	if err != nil {
		return nil, err
	}
	g, err := NewGenerator(base, o.Seed)
	if err != nil {
		return nil, err
	}
	mem, err := memTotal()
	if err != nil {
		return nil, err
	}
	res := &Result{Features: len(base.Columns), MemoryBytes: mem, Linearity: map[string]float64{},
		Dataset: fmt.Sprintf("heidgaf44 vectors of %d real names (%s), resampled with noise (bench/scale Generator, seed %d)", base.Rows(), o.Data, o.Seed)}
	paths := make([]string, len(o.Multiples))
	sizes := make([]int, len(o.Multiples))
	for i, m := range o.Multiples {
		sizes[i] = m * o.Rows
		paths[i] = filepath.Join(o.Dir, fmt.Sprintf("scale-%dx.csv", m))
		res.Sizes = append(res.Sizes, Size{Multiple: m, Rows: sizes[i], TrainRows: m * o.TrainRows, Train: map[string]ChildResult{}})
	}
	fmt.Fprintf(o.Log, "scale: writing %d rows of %d features (%s)\n", sizes[len(sizes)-1], len(base.Columns), strings.Join(paths, ", "))
	csvBytes, err := g.WriteCSV(paths, sizes, runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, err
	}
	base, g = nil, nil
	dbName := fmt.Sprintf("mlctl_scale_%d", os.Getpid())
	dbURL, err := mlctlproc.CreateDatabase(ctx, o.ServerURL, dbName)
	if err != nil {
		return nil, err
	}
	defer mlctlproc.DropDatabase(o.ServerURL, dbName)
	cli := mlctlproc.CLI{Bin: o.Bin, Dir: o.Dir, Env: mlctlproc.Env(dbURL, "")}
	if _, err := cli.Run(ctx, "migrate"); err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	for i := range res.Sizes {
		s := &res.Sizes[i]
		s.CSVBytes = csvBytes[i]
		fmt.Fprintf(o.Log, "scale: ingest %d rows (%.0f MB CSV)\n", s.Rows, float64(s.CSVBytes)/1e6)
		name := fmt.Sprintf("scale-%dx", s.Multiple)
		if s.Ingest, err = ingest(ctx, cli, conn, name, paths[i]); err != nil {
			return nil, err
		}
		os.Remove(paths[i])
		if !slices.Contains(o.LoadMultiples, s.Multiple) {
			continue
		}
		var id int64
		if err := conn.QueryRow(ctx, `SELECT id FROM datasets WHERE name = $1`, name).Scan(&id); err != nil {
			return nil, fmt.Errorf("dataset %s: %w", name, err)
		}
		fmt.Fprintf(o.Log, "scale: load %d rows as training does\n", s.Rows)
		l, err := runChild(ctx, childJob{Mode: "load", DB: dbURL, DatasetID: id, Rows: s.Rows})
		if err != nil {
			return nil, err
		}
		s.Load = &l
	}
	conn.Close(ctx)
	mlctlproc.DropDatabase(o.ServerURL, dbName)
	for _, algo := range o.Algos {
		for i := range res.Sizes {
			s := &res.Sizes[i]
			fmt.Fprintf(o.Log, "scale: train %s on %d rows\n", algo, s.TrainRows)
			t, err := runChild(ctx, childJob{Mode: "train", Data: o.Data, Seed: o.Seed, Rows: s.TrainRows, Algo: algo, Params: o.Params[algo]})
			if err != nil {
				return nil, err
			}
			s.Train[algo] = t
		}
		first, last := res.Sizes[0], res.Sizes[len(res.Sizes)-1]
		k := float64(last.TrainRows) / float64(first.TrainRows)
		res.Linearity[algo] = last.Train[algo].Seconds / (k * first.Train[algo].Seconds)
	}
	res.Limits = limits(res)
	return res, nil
}

// ingest runs the CLI's tabular ingest of path as dataset name and
// measures it and what the registry grew by.
func ingest(ctx context.Context, cli mlctlproc.CLI, conn *pgx.Conn, name, path string) (Ingest, error) {
	size := func() (tables, db int64, err error) {
		err = conn.QueryRow(ctx, `SELECT pg_total_relation_size('dataset_rows') + pg_total_relation_size('datasets'), pg_database_size(current_database())`).Scan(&tables, &db)
		return tables, db, err
	}
	t0, d0, err := size()
	if err != nil {
		return Ingest{}, err
	}
	_, u, err := cli.RunMeasured(ctx, "dataset", "ingest", name, "--kind", "tabular", "--file", path,
		"--label-column", "label", "--family-column", "family", "--key-column", "key")
	if err != nil {
		return Ingest{}, err
	}
	t1, d1, err := size()
	if err != nil {
		return Ingest{}, err
	}
	var rows int64
	if err := conn.QueryRow(ctx, `SELECT row_count FROM datasets WHERE name = $1`, name).Scan(&rows); err != nil {
		return Ingest{}, err
	}
	return Ingest{Seconds: u.Seconds, RowsPerSec: float64(rows) / u.Seconds, PGBytes: t1 - t0, DBBytes: d1 - d0, MaxRSS: u.MaxRSS}, nil
}

// memTotal is the machine's memory (MemTotal of /proc/meminfo), in bytes.
func memTotal() (int64, error) {
	return procstat.MemInfo("MemTotal")
}
