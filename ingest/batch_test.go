package ingest_test

import (
	"testing"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/ingest"
)

// TestBatchMergesFiles: files read into one batch add up their lines and
// record each file; a name in both is one row.
func TestBatchMergesFiles(t *testing.T) {
	dir := t.TempDir()
	writeCSV(t, dir, "a.csv", 0, 30, 0)
	writeCSV(t, dir, "b.csv", 20, 30, 0)
	var b ingest.Batch
	for _, f := range []string{"a.csv", "b.csv"} {
		if _, err := b.Add(dir+"/"+f, "sum-"+f, datasets.ReadOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	rows, bad, dups := b.Merge()
	if len(rows) != 50 || len(bad) != 0 || dups != 10 || b.Lines != 60 || len(b.Sources) != 2 ||
		b.Sources[1].SHA256 != "sum-b.csv" || b.Sources[1].Rows != 30 {
		t.Fatalf("%d rows, %d bad, %d duplicates, %d lines, sources %+v", len(rows), len(bad), dups, b.Lines, b.Sources)
	}
	if _, err := b.Add(dir+"/missing.csv", "", datasets.ReadOptions{}); err == nil {
		t.Fatal("read a missing file")
	}
}
