package registry_test

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	db := registrytest.Open(t)
	applied, err := db.Migrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("second migrate applied %v", applied)
	}
}

func sampleRows() []datasets.Row {
	return []datasets.Row{
		{Name: "a.example.com", Label: 0, Family: "umbrella"},
		{Name: "b.example.com", Label: 0, Family: "umbrella"},
		{Name: "xkqjz.biz", Label: 1, Family: "conficker"},
	}
}

func TestCreateDatasetReturnsExistingVersionForIdenticalContent(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	rows := sampleRows()
	in := registry.NewDataset{Name: "dga", Kind: "dga", SHA256: datasets.Hash(rows), Rows: rows,
		SourceFiles: []registry.SourceFile{{Path: "x.csv", SHA256: "00", Lines: 3, Rows: 3}}}
	d1, created, err := db.CreateDataset(ctx, in)
	if err != nil || !created {
		t.Fatalf("first ingest: created=%v err=%v", created, err)
	}
	if d1.Version != 1 || d1.Rows != 3 || d1.LabelCounts["0"] != 2 || d1.LabelCounts["1"] != 1 || d1.FamilyCounts["conficker"] != 1 {
		t.Fatalf("dataset %+v", d1)
	}
	d2, created, err := db.CreateDataset(ctx, in)
	if err != nil || created || d2.ID != d1.ID {
		t.Fatalf("re-ingest: created=%v id=%d err=%v, want the existing version %d", created, d2.ID, err, d1.ID)
	}
	more := append(sampleRows(), datasets.Row{Name: "zzz.net", Label: 1, Family: "ramnit"})
	in.Rows, in.SHA256 = more, datasets.Hash(more)
	d3, created, err := db.CreateDataset(ctx, in)
	if err != nil || !created || d3.Version != 2 {
		t.Fatalf("changed content: version %d created=%v err=%v, want version 2", d3.Version, created, err)
	}
	got, err := db.DatasetRows(ctx, d3.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || !reflect.DeepEqual(got[3], more[3]) {
		t.Fatalf("rows %+v", got)
	}
	newest, err := db.Dataset(ctx, "dga", 0)
	if err != nil || newest.Version != 2 {
		t.Fatalf("newest: %+v %v", newest, err)
	}
	if _, err := db.Dataset(ctx, "dga", 9); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("missing version: %v, want not found", err)
	}
	in.Kind = "txt"
	if _, _, err := db.CreateDataset(ctx, in); mlctl.ErrorCode(err) != mlctl.ECONFLICT {
		t.Fatalf("kind change: %v, want conflict", err)
	}
}

func TestPublishModelIsIdempotentPerWorkflow(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	art := []byte(`{"format":"mlctl-model"}`)
	sha := "7a0b7a8ba0e2a9bd3ebc2c7a3c7ab9f5b9c6a8d8cdbf7a5f61b4a1d4c3c2a1e0"
	in := registry.NewModel{Name: "dga-gbdt", Algo: "gbdt", Artifact: art, SHA256: sha, Manifest: json.RawMessage(`{}`),
		DatasetVersions: []string{"dga@1"}, WorkflowID: "train-1"}
	if _, _, err := db.PublishModel(ctx, in); mlctl.ErrorCode(err) != mlctl.ECORRUPT {
		t.Fatalf("wrong checksum accepted: %v", err)
	}
	in.SHA256 = sha256hex(art)
	in.Evaluations = []registry.Evaluation{{DatasetIDs: []int64{1}, Part: "test", Threshold: 0.5,
		Confusion: json.RawMessage(`{"tp":1}`), Metrics: json.RawMessage(`{}`), FamilyRecall: json.RawMessage(`[]`), Rows: 4}}
	m1, created, err := db.PublishModel(ctx, in)
	if err != nil || !created || m1.Version != 1 {
		t.Fatalf("publish: %+v created=%v err=%v", m1, created, err)
	}
	m2, created, err := db.PublishModel(ctx, in)
	if err != nil || created || m2.ID != m1.ID {
		t.Fatalf("retried publish made a new version: %+v created=%v err=%v", m2, created, err)
	}
	in.WorkflowID = "train-2"
	m3, _, err := db.PublishModel(ctx, in)
	if err != nil || m3.Version != 2 {
		t.Fatalf("second workflow: %+v %v", m3, err)
	}
	evs, err := db.Evaluations(ctx, m1.ID)
	if err != nil || len(evs) != 1 || evs[0].Rows != 4 {
		t.Fatalf("evaluations %+v %v", evs, err)
	}
	data, gotSHA, err := db.Artifact(ctx, m1.ID)
	if err != nil || string(data) != string(art) || gotSHA != in.SHA256 {
		t.Fatalf("artifact %q %s %v", data, gotSHA, err)
	}
}

func TestCheckpointsKeepOnlyTheNewest(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	id1, err := db.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: "w", Kind: registry.KindCheckpoint, Progress: 10, SHA256: "a", Artifact: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := db.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: "w", Kind: registry.KindCheckpoint, Progress: 20, SHA256: "b", Artifact: []byte("y")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckpointByID(ctx, id1); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("old checkpoint kept: %v", err)
	}
	c, err := db.CheckpointByID(ctx, id2)
	if err != nil || c.Progress != 20 || string(c.Artifact) != "y" {
		t.Fatalf("checkpoint %+v %v", c, err)
	}
	if err := db.DeleteCheckpoints(ctx, "w"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CheckpointByID(ctx, id2); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("checkpoint survived delete: %v", err)
	}
}

func TestSplitIsStoredOnce(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	s := registry.Split{DatasetIDs: []int64{1, 2}, Seed: 3, HoldoutFamilies: []string{"x"}, Assignment: []byte{0, 1, 2}, Train: 1, Validation: 1, Test: 1}
	a, err := db.SaveSplit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := db.SaveSplit(ctx, s)
	if err != nil || a != b {
		t.Fatalf("same split stored twice: %d %d %v", a, b, err)
	}
	got, err := db.SplitByID(ctx, a)
	if err != nil || string(got.Assignment) != string([]byte{0, 1, 2}) || got.Seed != 3 {
		t.Fatalf("split %+v %v", got, err)
	}
}

func TestVectorDatasetRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	cols := []string{"flows", "dst_ports", "bytes_out"}
	vecs := []datasets.VectorRow{
		{Key: "10.0.0.1@2023-11-14T22:13:20Z", Label: 0, Values: []float64{3, 1, 1500}},
		{Key: "10.0.0.9@2023-11-14T22:13:20Z", Label: 1, Family: "scan", Values: []float64{120, 118, math.NaN()}},
	}
	d, created, err := db.CreateDataset(ctx, registry.NewDataset{Name: "flows", Kind: "flow", SHA256: datasets.VectorHash(cols, vecs), Columns: cols, Vectors: vecs})
	if err != nil || !created || d.Rows != 2 || len(d.Columns) != 3 || d.LabelCounts["1"] != 1 {
		t.Fatalf("create %+v %v %v", d, created, err)
	}
	gotCols, got, err := db.DatasetVectors(ctx, d.ID)
	if err != nil || len(gotCols) != 3 || len(got) != 2 || got[1].Family != "scan" || got[1].Values[0] != 120 || !math.IsNaN(got[1].Values[2]) {
		t.Fatalf("read back %v %+v %v", gotCols, got, err)
	}
	if datasets.VectorHash(gotCols, got) != d.SHA256 {
		t.Fatal("hash of the rows read back differs")
	}
	bad := []datasets.VectorRow{{Key: "x", Values: []float64{1}}}
	if _, _, err := db.CreateDataset(ctx, registry.NewDataset{Name: "flows2", Kind: "flow", SHA256: "h", Columns: cols, Vectors: bad}); mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Fatalf("a short row was accepted: %v", err)
	}
}
