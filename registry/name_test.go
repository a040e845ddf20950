package registry_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// badNames are names no command could address afterwards ('@' is the
// version separator) or that would escape a directory or a terminal.
var badNames = []string{"m@1", "../../etc/m", "a/b", "line\nbreak", "\x1b[31mred", "two words", ""}

// TestRegistryRefusesBadNames: datasets, models and aliases are all held
// to mlctl.ValidateName where they enter the registry, and nothing is stored.
func TestRegistryRefusesBadNames(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	rows := sampleRows()
	art := []byte(`{"format":"mlctl-model"}`)
	for _, name := range badNames {
		_, _, err := db.CreateDataset(ctx, registry.NewDataset{Name: name, Kind: "dga", SHA256: datasets.Hash(rows), Rows: rows})
		wantInvalid(t, "CreateDataset", name, err, "dataset name ")
		_, _, err = db.CreateDatasetFromFiles(ctx, registry.NewDataset{Name: name, Kind: "dga", SHA256: datasets.Hash(rows), Rows: rows},
			[]registry.IngestedFile{{Path: "x.csv", SHA256: "00"}}, "ingest-"+name)
		wantInvalid(t, "CreateDatasetFromFiles", name, err, "dataset name ")
		_, _, err = db.PublishModel(ctx, registry.NewModel{Name: name, Algo: "gbdt", Artifact: art, SHA256: sha256hex(art),
			Manifest: json.RawMessage(`{}`), DatasetVersions: []string{"dga@1"}, WorkflowID: "train-" + name})
		wantInvalid(t, "PublishModel", name, err, "model name ")
	}
	ds, err := db.Datasets(ctx)
	if err != nil || len(ds) != 0 {
		t.Errorf("datasets stored: %v, %v", ds, err)
	}

	m := publishN(t, db, "demo-flows-rf", 1)[0]
	for _, name := range append(badNames, "1st", "-x") {
		_, err := db.SetAlias(ctx, registry.MoveAlias{Alias: name, ModelID: m.ID, Action: mlctl.ActionPromote, WorkflowID: "p-" + name})
		wantInvalid(t, "SetAlias", name, err, "alias name ")
	}
	if _, err := db.SetAlias(ctx, registry.MoveAlias{Alias: "prod_2.eu-west", ModelID: m.ID, Action: mlctl.ActionPromote, WorkflowID: "p"}); err != nil {
		t.Errorf("a valid alias was refused: %v", err)
	}
}

func wantInvalid(t *testing.T, op, name string, err error, prefix string) {
	t.Helper()
	if mlctl.ErrorCode(err) != mlctl.EINVALID || !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), mlctl.NameRule) {
		t.Errorf("%s(%q) = %v; want an EINVALID error starting %q that states the rule", op, name, err, prefix)
	}
}
