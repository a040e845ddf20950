package ingest

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/dnslog"
	"github.com/mlctl/mlctl/registry"
)

// Feed says where a Retrain finds new labeled files and how to read them
// into the next version of a dataset.
type Feed struct {
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

// Update is the dataset version a feed's new files went into.
type Update struct {
	Dataset *registry.Dataset
	// Previous is the version the new one extends ("" for the first).
	Previous string
	// Files are the new files read; Seen counts every file the sources
	// matched (the others were ingested before).
	Files   []registry.IngestedFile
	Seen    int
	NewRows int
	Bad     int
	// Aged counts previous rows left out by the window.
	Aged int
	// Created is false when the merged rows equal an existing version.
	Created bool
}

// NewFiles reads the files of the feed's sources that were never ingested
// into its dataset (the watermark in the registry: path and content), adds
// their rows to the newest version (within the window) and stores the next
// version, recording the files, as the workflow workflowID, in the same
// transaction. With no new file it returns the newest version and no
// files. A retry after the commit finds the workflow's files and returns
// the version they went into. Data no retry can fix (an unknown kind, bad
// files, too many bad lines, no rows) is an EINVALID error.
func NewFiles(ctx context.Context, st Store, f Feed, workflowID string) (Update, error) {
	var input *datasets.Input
	switch f.Kind {
	case "dga":
	case "txt":
		input = datasets.TXTRecords
	default:
		return Update{}, mlctl.Errorf(mlctl.EINVALID, "new data of kind %q: a retrain reads dga or txt files", f.Kind)
	}
	done, err := st.IngestedFiles(ctx, f.Dataset)
	if err != nil {
		return Update{}, err
	}
	if res, ok, err := alreadyIngested(ctx, st, done, workflowID); ok || err != nil {
		return res, err
	}
	paths, err := sourceFiles(f.Sources)
	if err != nil {
		return Update{}, mlctl.Errorf(mlctl.EINVALID, "%v", err)
	}
	res := Update{Seen: len(paths)}
	var b Batch
	opt := datasets.ReadOptions{Input: input, Format: f.Format, Label: f.Label, LabelColumn: f.LabelColumn,
		Family: f.Family, FamilyColumn: f.FamilyColumn, Column: f.Column}
	// A DNS server's log (a dnslog preset or format file) gives the names
	// of its queries.
	if log, ok, err := dnslog.Lookup(f.Format); err != nil {
		return Update{}, mlctl.Errorf(mlctl.EINVALID, "new data of %s: --format: %v", f.Dataset, err)
	} else if ok {
		opt.Log = log
	}
	for _, p := range paths {
		sum, size, err := datasets.FileSHA256(p)
		if err != nil {
			return Update{}, err
		}
		if _, ok := done[registry.FileKey(p, sum)]; ok {
			continue
		}
		r, err := b.Add(p, sum, opt)
		if err != nil {
			return Update{}, mlctl.Errorf(mlctl.EINVALID, "%v", err)
		}
		res.Files = append(res.Files, registry.IngestedFile{Path: p, SHA256: sum, Size: size, Lines: r.Lines, Rows: len(r.Rows), Bad: len(r.Bad)})
	}
	prev, err := st.Dataset(ctx, f.Dataset, 0)
	switch {
	case mlctl.ErrorCode(err) == mlctl.ENOTFOUND:
		prev = nil
	case err != nil:
		return Update{}, err
	}
	if len(b.Reads) == 0 {
		if prev == nil {
			return Update{}, mlctl.Errorf(mlctl.EINVALID, "dataset %s does not exist and %s hold no file to start it from", f.Dataset, strings.Join(f.Sources, ", "))
		}
		res.Dataset = prev
		return res, nil
	}
	fresh, bad, _ := b.Merge()
	res.NewRows, res.Bad = len(fresh), len(bad)
	maxBad := f.MaxBadFraction
	if maxBad == 0 {
		maxBad = 0.01
	}
	if b.Lines > 0 && float64(len(bad))/float64(b.Lines) > maxBad {
		return Update{}, mlctl.Errorf(mlctl.EINVALID, "new data for %s: %d of %d lines are bad (more than %.2f%%); first: %s",
			f.Dataset, len(bad), b.Lines, 100*maxBad, bad[0])
	}
	var old []datasets.Row
	if prev != nil {
		res.Previous = prev.Ref()
		if old, err = st.DatasetRows(ctx, prev.ID); err != nil {
			return Update{}, err
		}
		// A name in the new files takes its new label and family.
		renamed := make(map[string]bool, len(fresh))
		for _, r := range fresh {
			renamed[r.Name] = true
		}
		old = slices.DeleteFunc(old, func(r datasets.Row) bool { return renamed[r.Name] })
		if f.WindowRows > 0 && len(old)+len(fresh) > f.WindowRows {
			keep := max(f.WindowRows-len(fresh), 0)
			res.Aged = len(old) - keep
			old = sampleRows(old, keep, uint64(prev.Version))
		}
	}
	rows, _, _ := datasets.Merge(&datasets.Read{Rows: old}, &datasets.Read{Rows: fresh})
	if len(rows) == 0 {
		return Update{}, mlctl.Errorf(mlctl.EINVALID, "new data for %s: no usable rows", f.Dataset)
	}
	d, created, err := st.CreateDatasetFromFiles(ctx, registry.NewDataset{
		Name: f.Dataset, Kind: f.Kind, SHA256: datasets.Hash(rows), Rows: rows, SourceFiles: b.Sources, BadRows: len(bad),
	}, res.Files, workflowID)
	if err != nil {
		return Update{}, err
	}
	res.Dataset, res.Created = d, created
	return res, nil
}

// alreadyIngested answers a retried NewFiles whose first attempt
// committed: the files the workflow recorded and their version.
func alreadyIngested(ctx context.Context, st Store, done map[string]registry.IngestedFile, workflowID string) (Update, bool, error) {
	if workflowID == "" {
		return Update{}, false, nil
	}
	var res Update
	for _, f := range done {
		if f.WorkflowID == workflowID {
			res.Files = append(res.Files, f)
			res.NewRows += f.Rows
			res.Bad += f.Bad
		}
	}
	if len(res.Files) == 0 {
		return Update{}, false, nil
	}
	slices.SortFunc(res.Files, func(x, y registry.IngestedFile) int { return strings.Compare(x.Path, y.Path) })
	d, err := st.DatasetByID(ctx, res.Files[0].DatasetID)
	if err != nil {
		return Update{}, false, err
	}
	res.Dataset, res.Seen, res.Created = d, len(res.Files), true
	return res, true, nil
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
