package evaluation_test

import (
	"encoding/json"
	"testing"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/evaluation"
	"github.com/mlctl/mlctl/training/eval"
)

// TestRecord: the registry row of a report carries its threshold, rows
// and figures as JSON that reads back the same.
func TestRecord(t *testing.T) {
	rep := eval.Evaluate([]float64{0.1, 0.9, 0.8, 0.2}, []int{0, 1, 1, 0}, []string{"", "a", "b", ""}, 0.5)
	r := evaluation.Record(7, []int64{1, 2}, "test", rep)
	if r.ModelID != 7 || len(r.DatasetIDs) != 2 || r.Part != "test" || r.Threshold != 0.5 || r.Rows != 4 {
		t.Fatalf("record %+v", r)
	}
	var c mlctl.Confusion
	if err := json.Unmarshal(r.Confusion, &c); err != nil || c != rep.Confusion || c.TP != 2 {
		t.Fatalf("confusion %s: %+v %v", r.Confusion, c, err)
	}
	var fr []mlctl.FamilyRecall
	if err := json.Unmarshal(r.FamilyRecall, &fr); err != nil || len(fr) != 2 {
		t.Fatalf("family recall %s: %v", r.FamilyRecall, err)
	}
}
