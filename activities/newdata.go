package activities

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// NewDataInput says where a Retrain finds new labeled files and how to read
// them into the next version of a dataset.
type NewDataInput struct {
	// Dataset is the name whose next version the new rows extend.
	Dataset string `json:"dataset"`
	// Kind is dga (names) or txt (TXT records).
	Kind string `json:"kind"`
	// Sources are directories (every regular file in them) or glob
	// patterns, e.g. /feeds/dga/*.csv.
	Sources []string `json:"sources"`
	// How to read the files: as `mlctl dataset ingest` does.
	Format       string `json:"format,omitempty"`
	Label        *int   `json:"label,omitempty"`
	LabelColumn  string `json:"label_column,omitempty"`
	Family       string `json:"family,omitempty"`
	FamilyColumn string `json:"family_column,omitempty"`
	Column       string `json:"column,omitempty"`
	// WindowRows bounds the new version (0: no bound): every new row is
	// kept, and the previous version's rows fill what is left, a seeded
	// uniform sample of them, so old data fades over retrains.
	WindowRows int `json:"window_rows,omitempty"`
	// MaxBadFraction aborts when more of the new lines are bad (default 0.01).
	MaxBadFraction float64 `json:"max_bad_fraction,omitempty"`
}

// NewDataResult is the dataset version a Retrain trains on.
type NewDataResult struct {
	Dataset DatasetRef `json:"dataset"`
	// Previous is the version the new one extends ("" for the first).
	Previous string `json:"previous,omitempty"`
	// Files are the new files read; Seen counts every file the sources
	// matched (the others were ingested before).
	Files   []registry.IngestedFile `json:"files"`
	Seen    int                     `json:"seen"`
	NewRows int                     `json:"new_rows"`
	Bad     int                     `json:"bad"`
	// Aged counts previous rows left out by the window.
	Aged int `json:"aged,omitempty"`
	// Created is false when the merged rows equal an existing version.
	Created bool `json:"created"`
}

// IngestNewData reads the files of the sources that were never ingested
// into the dataset (the watermark in PostgreSQL: path and content), adds
// their rows to the newest version (within the window) and stores the next
// version, recording the files in the same transaction. With no new file,
// it returns the newest version and no files. A retry after the commit
// finds this run's files and returns the version they went into.
func (a *Activities) IngestNewData(ctx context.Context, in NewDataInput) (NewDataResult, error) {
	var input *datasets.Input
	switch in.Kind {
	case "dga":
	case "txt":
		input = datasets.TXTRecords
	default:
		return NewDataResult{}, nonRetryable(&BadInputError{fmt.Sprintf("new data of kind %q: a retrain reads dga or txt files", in.Kind)})
	}
	wf := workflowID(ctx)
	done, err := a.DB.IngestedFiles(ctx, in.Dataset)
	if err != nil {
		return NewDataResult{}, err
	}
	if res, ok, err := a.alreadyIngested(ctx, done, wf); ok || err != nil {
		return res, err
	}
	paths, err := sourceFiles(in.Sources)
	if err != nil {
		return NewDataResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	res := NewDataResult{Seen: len(paths)}
	var reads []*datasets.Read
	var sources []registry.SourceFile
	opt := datasets.ReadOptions{Input: input, Format: in.Format, Label: in.Label, LabelColumn: in.LabelColumn,
		Family: in.Family, FamilyColumn: in.FamilyColumn, Column: in.Column}
	lines := 0
	for _, p := range paths {
		sum, size, err := datasets.FileSHA256(p)
		if err != nil {
			return NewDataResult{}, err
		}
		if _, ok := done[registry.FileKey(p, sum)]; ok {
			continue
		}
		r, err := datasets.ReadDGA(p, opt)
		if err != nil {
			return NewDataResult{}, nonRetryable(&BadInputError{err.Error()})
		}
		reads = append(reads, r)
		lines += r.Lines
		res.Files = append(res.Files, registry.IngestedFile{Path: p, SHA256: sum, Size: size, Lines: r.Lines, Rows: len(r.Rows), Bad: len(r.Bad)})
		sources = append(sources, registry.SourceFile{Path: p, SHA256: sum, Lines: r.Lines, Rows: len(r.Rows), Bad: len(r.Bad), Duplicates: r.Duplicates})
	}
	prev, err := a.DB.Dataset(ctx, in.Dataset, 0)
	switch {
	case mlctl.ErrorCode(err) == mlctl.ENOTFOUND:
		prev = nil
	case err != nil:
		return NewDataResult{}, err
	}
	if len(reads) == 0 {
		if prev == nil {
			return NewDataResult{}, nonRetryable(&BadInputError{fmt.Sprintf("dataset %s does not exist and %s hold no file to start it from", in.Dataset, strings.Join(in.Sources, ", "))})
		}
		res.Dataset = datasetRef(prev)
		return res, nil
	}
	fresh, bad, _ := datasets.Merge(reads...)
	res.NewRows, res.Bad = len(fresh), len(bad)
	maxBad := in.MaxBadFraction
	if maxBad == 0 {
		maxBad = 0.01
	}
	if lines > 0 && float64(len(bad))/float64(lines) > maxBad {
		return NewDataResult{}, nonRetryable(&BadInputError{fmt.Sprintf("new data for %s: %d of %d lines are bad (more than %.2f%%); first: %s",
			in.Dataset, len(bad), lines, 100*maxBad, bad[0])})
	}
	var old []datasets.Row
	if prev != nil {
		res.Previous = prev.Ref()
		if old, err = a.DB.DatasetRows(ctx, prev.ID); err != nil {
			return NewDataResult{}, err
		}
		// A name in the new files takes its new label and family.
		renamed := make(map[string]bool, len(fresh))
		for _, r := range fresh {
			renamed[r.Name] = true
		}
		old = slices.DeleteFunc(old, func(r datasets.Row) bool { return renamed[r.Name] })
		if in.WindowRows > 0 && len(old)+len(fresh) > in.WindowRows {
			keep := max(in.WindowRows-len(fresh), 0)
			res.Aged = len(old) - keep
			old = sampleRows(old, keep, uint64(prev.Version))
		}
	}
	rows, _, _ := datasets.Merge(&datasets.Read{Rows: old}, &datasets.Read{Rows: fresh})
	if len(rows) == 0 {
		return NewDataResult{}, nonRetryable(&BadInputError{"new data for " + in.Dataset + ": no usable rows"})
	}
	d, created, err := a.DB.CreateDatasetFromFiles(ctx, registry.NewDataset{
		Name: in.Dataset, Kind: in.Kind, SHA256: datasets.Hash(rows), Rows: rows, SourceFiles: sources, BadRows: len(bad),
	}, res.Files, wf)
	if err != nil {
		return NewDataResult{}, nonRetryable(err)
	}
	res.Dataset, res.Created = datasetRef(d), created
	return res, nil
}

// alreadyIngested answers a retried IngestNewData whose first attempt
// committed: the files this workflow recorded and their version.
func (a *Activities) alreadyIngested(ctx context.Context, done map[string]registry.IngestedFile, wf string) (NewDataResult, bool, error) {
	if wf == "" {
		return NewDataResult{}, false, nil
	}
	var res NewDataResult
	for _, f := range done {
		if f.WorkflowID == wf {
			res.Files = append(res.Files, f)
			res.NewRows += f.Rows
			res.Bad += f.Bad
		}
	}
	if len(res.Files) == 0 {
		return NewDataResult{}, false, nil
	}
	slices.SortFunc(res.Files, func(x, y registry.IngestedFile) int { return strings.Compare(x.Path, y.Path) })
	d, err := a.DB.DatasetByID(ctx, res.Files[0].DatasetID)
	if err != nil {
		return NewDataResult{}, false, err
	}
	res.Dataset, res.Seen, res.Created = datasetRef(d), len(res.Files), true
	return res, true, nil
}

func datasetRef(d *registry.Dataset) DatasetRef {
	return DatasetRef{ID: d.ID, Ref: d.Ref(), Kind: d.Kind, Rows: d.Rows, SHA256: d.SHA256}
}

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

// sampleRows keeps k of rows, a seeded uniform choice in their order.
func sampleRows(rows []datasets.Row, k int, seed uint64) []datasets.Row {
	if len(rows) <= k {
		return rows
	}
	idx := rand.New(rand.NewPCG(seed, seed^0x5eed)).Perm(len(rows))[:k]
	slices.Sort(idx)
	out := make([]datasets.Row, k)
	for i, j := range idx {
		out[i] = rows[j]
	}
	return out
}
