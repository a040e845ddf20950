package evaluation

import (
	"encoding/json"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
)

// Record is the registry row of an evaluation report of a model (modelID
// 0 when the model is not published yet) on a part ("all", "validation",
// "test") of the dataset versions ids.
func Record(modelID int64, ids []int64, part string, rep mlctl.Report) registry.Evaluation {
	c, _ := json.Marshal(rep.Confusion)
	m, _ := json.Marshal(rep.Metrics)
	f, _ := json.Marshal(rep.FamilyRecall)
	return registry.Evaluation{ModelID: modelID, DatasetIDs: ids, Part: part, Threshold: rep.Threshold,
		Confusion: c, Metrics: m, FamilyRecall: f, Rows: int64(rep.Rows)}
}
