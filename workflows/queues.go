// Package workflows holds mlctl's Temporal workflows. Workflow code is
// deterministic and passes references (dataset, split, model IDs), never data.
package workflows

// Task queues: CPU-heavy training apart from registry and control work.
const (
	TrainingQueue = "mlctl-training"
	ControlQueue  = "mlctl-control"
)

// Search attributes registered on the Temporal namespace (Keyword type).
const (
	SearchModel   = "MlctlModel"
	SearchAlgo    = "MlctlAlgo"
	SearchDataset = "MlctlDataset"
	SearchAlias   = "MlctlAlias"
)
