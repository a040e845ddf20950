package datasets

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedData is the folder of real corpora beside the checkout (see
// ../../shared/data/README.md); MLCTL_SHARED_DATA overrides it.
func sharedData() string {
	if d := os.Getenv("MLCTL_SHARED_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "data")
}

// BenchmarkReadDGASharedData reads the real DGA and benign corpora (about
// 165,000 rows) and merges them, as `mlctl dataset ingest` would.
func BenchmarkReadDGASharedData(b *testing.B) {
	dir := sharedData()
	files := []struct {
		path  string
		label int
	}{
		{"dga/baderj_generated.csv", 1},
		{"benign/umbrella-top-100k.txt", 0},
		{"benign/opendns-top-10k.txt", 0},
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f.path)); err != nil {
			b.Fatalf("real corpora not here (%v): set MLCTL_SHARED_DATA to the shared data folder, or run BenchmarkReadDGAGenerated", err)
		}
	}
	for b.Loop() {
		var reads []*Read
		for _, f := range files {
			l := f.label
			r, err := ReadDGA(filepath.Join(dir, f.path), ReadOptions{Label: &l})
			if err != nil {
				b.Fatal(err)
			}
			reads = append(reads, r)
		}
		rows, bad, dups := Merge(reads...)
		if len(rows) < 150000 {
			b.Fatalf("%d rows, %d bad, %d dups", len(rows), len(bad), dups)
		}
		b.ReportMetric(float64(len(rows)), "rows")
	}
}

// BenchmarkReadDGAGenerated reads a 165,000-row demo CSV: the same work
// without the real corpora.
func BenchmarkReadDGAGenerated(b *testing.B) {
	path := filepath.Join(b.TempDir(), "demo.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := WriteCSV(f, GenerateDemo(1, 165000)); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		r, err := ReadDGA(path, ReadOptions{})
		if err != nil || len(r.Rows) != 165000 {
			b.Fatalf("%v, %d rows", err, len(r.Rows))
		}
	}
}
