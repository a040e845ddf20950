package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestFlowWindows: `dataset ingest --kind flow` turns a labeled Zeek
// conn.log into one row per source IP and 10 s window with the flow feature
// set's 48 values; bad lines are counted with file:line, and re-ingesting
// identical content makes no new version.
func TestIngestFlowWindows(t *testing.T) {
	s := newStack(t)
	conn, err := filepath.Abs("../features/flow/testdata/windows.conn.log")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Name        string         `json:"name"`
		Version     int            `json:"version"`
		Kind        string         `json:"kind"`
		Rows        int            `json:"rows"`
		Columns     []string       `json:"columns"`
		LabelCounts map[string]int `json:"label_counts"`
		Created     bool           `json:"created"`
		Bad         int            `json:"bad"`
		FirstBad    []struct {
			Line int `json:"line"`
		} `json:"first_bad"`
	}
	args := []string{"dataset", "ingest", "flows", "--kind", "flow", "--file", conn, "--max-bad-fraction", "0.2", "--json"}
	mustJSON(t, s.run(args...), &rep)
	if !rep.Created || rep.Kind != "flow" || rep.Rows != 5 || len(rep.Columns) != 48 || rep.Bad != 2 || rep.FirstBad[0].Line != 12 ||
		rep.LabelCounts["1"] != 2 || rep.LabelCounts["0"] != 2 {
		t.Fatalf("ingest %+v", rep)
	}
	mustJSON(t, s.run(args...), &rep)
	if rep.Created || rep.Version != 1 {
		t.Fatalf("re-ingest made version %d (created %v)", rep.Version, rep.Created)
	}
	if _, _, err := s.try("dataset", "ingest", "strict", "--kind", "flow", "--file", conn); exitCode(err) != 1 {
		t.Fatalf("2 bad lines of 15 passed --max-bad-fraction 0.01: %v", err)
	}
}

// TestIngestTabular: `dataset ingest --kind tabular` keeps numeric columns
// as the vector, with the baseline marks last, keys from the named
// columns, and counts bad lines.
func TestIngestTabular(t *testing.T) {
	s := newStack(t)
	table, err := filepath.Abs("../datasets/testdata/tabular/bot_features.csv")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Kind        string         `json:"kind"`
		Rows        int            `json:"rows"`
		Columns     []string       `json:"columns"`
		LabelCounts map[string]int `json:"label_counts"`
	}
	mustJSON(t, s.run("dataset", "ingest", "bots", "--kind", "tabular", "--file", table, "--key-column", "src_ip", "--key-column", "window_start",
		"--ignore-column", "ja4", "--ignore-column", "asn_label", "--json"), &rep)
	// 15 features, then the baseline marks as the column "baseline".
	if rep.Kind != "tabular" || rep.Rows != 6 || len(rep.Columns) != 16 || rep.Columns[15] != "baseline" || rep.LabelCounts["0"] != 3 || rep.LabelCounts["1"] != 2 {
		t.Fatalf("ingest %+v", rep)
	}
	bad, _ := filepath.Abs("../datasets/testdata/tabular/bad.csv")
	if _, stderr, err := s.try("dataset", "ingest", "badtable", "--kind", "tabular", "--file", bad); exitCode(err) != 1 || !strings.Contains(stderr, "bad.csv:3") {
		t.Fatalf("bad table: %v %s", err, stderr)
	}
}
