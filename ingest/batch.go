package ingest

import (
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// Batch is files of names or TXT records read together: what each held,
// and their rows to merge into one dataset version.
type Batch struct {
	Reads []*datasets.Read
	// Sources are the files as a dataset version records them.
	Sources []registry.SourceFile
	// Lines and Skipped add up the files' (datasets.Read).
	Lines   int
	Skipped int
}

// Add reads the file at path, whose SHA-256 is sum, with opt into the
// batch and returns what it read.
func (b *Batch) Add(path, sum string, opt datasets.ReadOptions) (*datasets.Read, error) {
	r, err := datasets.ReadDGA(path, opt)
	if err != nil {
		return nil, err
	}
	b.AddRead(r, path, sum)
	return r, nil
}

// AddRead adds r, what was read from the file at path (standard input,
// say) whose SHA-256 is sum, to the batch.
func (b *Batch) AddRead(r *datasets.Read, path, sum string) {
	b.Reads = append(b.Reads, r)
	b.Lines += r.Lines
	b.Skipped += r.Skipped
	b.Sources = append(b.Sources, registry.SourceFile{Path: path, SHA256: sum, Lines: r.Lines, Rows: len(r.Rows), Bad: len(r.Bad), Duplicates: r.Duplicates})
}

// Merge returns the batch's rows, de-duplicated across its files, the bad
// lines and how many duplicates were dropped (datasets.Merge).
func (b *Batch) Merge() (rows []datasets.Row, bad []datasets.BadRow, dups int) {
	return datasets.Merge(b.Reads...)
}
