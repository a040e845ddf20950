package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/ingest"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// writeCSV writes a feed file of n names labeled label, from name number
// from on.
func writeCSV(t *testing.T, dir, file string, from, n, label int) {
	t.Helper()
	var b strings.Builder
	b.WriteString("domain,label\n")
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&b, "name%04d.example.com,%d\n", i, label)
	}
	if err := os.WriteFile(filepath.Join(dir, file), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNewFilesOfAFeed: the first run starts the dataset from the feed's
// files; a run with no new file returns the newest version; a new file
// extends it, with the window bounding the version and the new rows all
// kept; a retried run of the same workflow returns what it ingested.
func TestNewFilesOfAFeed(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	dir := t.TempDir()
	writeCSV(t, dir, "a.csv", 0, 60, 0)
	writeCSV(t, dir, "b.csv", 60, 40, 1)
	writeCSV(t, dir, ".hidden.csv", 500, 10, 1)
	feed := ingest.Feed{Dataset: "feed", Kind: "dga", Sources: []string{dir}, WindowRows: 120}

	u, err := ingest.NewFiles(ctx, db, feed, "wf-1")
	if err != nil {
		t.Fatal(err)
	}
	if !u.Created || u.Dataset.Ref() != "feed@1" || u.Dataset.Rows != 100 || u.Seen != 2 || len(u.Files) != 2 || u.NewRows != 100 || u.Previous != "" {
		t.Fatalf("first run: %+v", u)
	}
	if u.Files[0].Path != filepath.Join(dir, "a.csv") || u.Files[0].Rows != 60 || u.Files[0].Size == 0 {
		t.Fatalf("first file %+v", u.Files[0])
	}

	u, err = ingest.NewFiles(ctx, db, feed, "wf-1")
	if err != nil || u.Dataset.Ref() != "feed@1" || !u.Created || len(u.Files) != 2 || u.NewRows != 100 {
		t.Fatalf("retried first run: %+v %v", u, err)
	}

	u, err = ingest.NewFiles(ctx, db, feed, "wf-2")
	if err != nil || u.Dataset.Ref() != "feed@1" || u.Created || len(u.Files) != 0 || u.Seen != 2 {
		t.Fatalf("no new file: %+v %v", u, err)
	}

	writeCSV(t, dir, "c.csv", 100, 50, 1)
	u, err = ingest.NewFiles(ctx, db, feed, "wf-3")
	if err != nil {
		t.Fatal(err)
	}
	if !u.Created || u.Dataset.Ref() != "feed@2" || u.Previous != "feed@1" || u.NewRows != 50 || u.Dataset.Rows != 120 || u.Aged != 30 || u.Seen != 3 {
		t.Fatalf("a new file in a window of 120: %+v", u)
	}
	rows, err := db.DatasetRows(ctx, u.Dataset.ID)
	if err != nil {
		t.Fatal(err)
	}
	fresh := 0
	for _, r := range rows {
		var i int
		if _, err := fmt.Sscanf(r.Name, "name%04d.example.com", &i); err == nil && i >= 100 {
			fresh++
		}
	}
	if fresh != 50 {
		t.Fatalf("%d of the 50 new rows kept in the window", fresh)
	}
}

// TestNewFilesRefusesBadData: an unknown kind, a feed with no file to
// start a dataset from and too many bad lines are EINVALID errors.
func TestNewFilesRefusesBadData(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	dir := t.TempDir()
	for _, c := range []struct {
		feed ingest.Feed
		want string
	}{
		{ingest.Feed{Dataset: "x", Kind: "flow", Sources: []string{dir}}, `new data of kind "flow": a retrain reads dga or txt files`},
		{ingest.Feed{Dataset: "x", Kind: "dga", Sources: []string{dir}}, "dataset x does not exist and " + dir + " hold no file to start it from"},
	} {
		_, err := ingest.NewFiles(ctx, db, c.feed, "")
		if mlctl.ErrorCode(err) != mlctl.EINVALID || err.Error() != c.want {
			t.Fatalf("%+v: error %v, want EINVALID %q", c.feed, err, c.want)
		}
	}
	writeCSV(t, dir, "good.csv", 0, 10, 0)
	if err := os.WriteFile(filepath.Join(dir, "bad.csv"), []byte("domain,label\nbad name!,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ingest.NewFiles(ctx, db, ingest.Feed{Dataset: "x", Kind: "dga", Sources: []string{dir}}, "")
	if mlctl.ErrorCode(err) != mlctl.EINVALID || !strings.HasPrefix(err.Error(), "new data for x: 1 of 11 lines are bad (more than 1.00%); first: ") {
		t.Fatalf("bad lines: %v", err)
	}
	if _, err := db.Dataset(ctx, "x", 0); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("a refused feed stored a version: %v", err)
	}
}
