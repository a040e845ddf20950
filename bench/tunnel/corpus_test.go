package tunnelbench

import (
	"context"
	"testing"

	"github.com/mlctl/mlctl/training/gbdt"
)

// TestLeaveOneToolOutOnASmallCorpus runs the benchmark's table on one
// generated network (no shared corpora, no captures): a row per tool,
// every window ranked, and the model ahead of RITA's rule on ROC-AUC.
func TestLeaveOneToolOutOnASmallCorpus(t *testing.T) {
	c, err := Build(Options{Data: t.TempDir(), Captures: t.TempDir(), Networks: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := gbdt.DefaultParams()
	p.Rounds = 30
	res, err := LeaveOneToolOut(context.Background(), c.Windows, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 6 {
		t.Fatalf("%d tools in the table, want the 6 generated", len(res))
	}
	ahead := 0
	for _, r := range res {
		if r.Windows == 0 || r.Benign < 1000 || r.AUC <= 0.5 {
			t.Errorf("row %+v", r)
		}
		if r.AUC > r.RITAAUC {
			ahead++
		}
	}
	if ahead < 5 {
		t.Errorf("ahead of RITA's rule on %d of 6 tools: %+v", ahead, res)
	}
}
