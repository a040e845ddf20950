package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestDriftIsRecordedAndShown: `mlctl drift` compares recent names with a
// model's training data; a sample like the training data does not drift,
// one of another shape does, and `models show` reports the newest check.
func TestDriftIsRecordedAndShown(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	s.trainModels("dga", 1)
	var res struct {
		Report struct {
			Tested       int     `json:"tested"`
			DriftedShare float64 `json:"drifted_share"`
			Drifted      bool    `json:"drifted"`
		} `json:"report"`
	}
	mustJSON(t, s.run("drift", "dga@1", "--file", filepath.Join(s.dir, "corpus.csv"), "--json"), &res)
	if res.Report.Drifted || res.Report.Tested < 40 {
		t.Fatalf("the training corpus itself drifted: %+v", res.Report)
	}
	var odd strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&odd, "srv-%04d.rack%02d.internal.corp.example.com\n", i, i%40)
	}
	mustJSON(t, s.run("drift", "dga@1", "--file", s.writeFile("odd.txt", odd.String()), "--json"), &res)
	if !res.Report.Drifted || res.Report.DriftedShare <= 0.3 {
		t.Fatalf("hostnames of another shape did not drift: %+v", res.Report)
	}
	var show struct {
		Drift struct {
			Drifted      bool    `json:"drifted"`
			DriftedShare float64 `json:"drifted_share"`
			SampleRows   int     `json:"sample_rows"`
		} `json:"drift"`
	}
	mustJSON(t, s.run("models", "show", "dga@1", "--json"), &show)
	if !show.Drift.Drifted || show.Drift.SampleRows != 2000 {
		t.Fatalf("models show drift %+v", show.Drift)
	}
	if out := s.run("models", "show", "dga@1"); !strings.Contains(out, "drift      DRIFTED") {
		t.Fatalf("models show says:\n%s", out)
	}
}
