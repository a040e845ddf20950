package trainingdata_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/trainingdata"
)

// TestResolveAndLoad: references resolve to fixed versions, rows load
// in dataset order, and versions of another kind or layout do not mix.
func TestResolveAndLoad(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	names := datasets.GenerateDemo(3, 200)
	more := datasets.GenerateDemo(4, 100)
	cols := []string{"bytes", "packets"}
	var vecs []datasets.VectorRow
	for i := range 20 {
		vecs = append(vecs, datasets.VectorRow{Key: fmt.Sprintf("k%d", i), Label: i % 2, Values: []float64{float64(i), 1}})
	}
	for _, d := range []registry.NewDataset{
		{Name: "demo", Kind: "dga", SHA256: datasets.Hash(names), Rows: names},
		{Name: "demo", Kind: "dga", SHA256: datasets.Hash(more), Rows: more},
		{Name: "tab", Kind: "tabular", SHA256: datasets.VectorHash(cols, vecs), Columns: cols, Vectors: vecs},
	} {
		if _, _, err := db.CreateDataset(ctx, d); err != nil {
			t.Fatal(err)
		}
	}

	ds, err := trainingdata.Resolve(ctx, db, []string{"demo@1", "demo"})
	if err != nil || len(ds) != 2 || ds[0].Ref() != "demo@1" || ds[1].Ref() != "demo@2" {
		t.Fatalf("resolved %v %v", ds, err)
	}
	rows, lay, err := trainingdata.Load(ctx, db, trainingdata.IDs(ds))
	if err != nil || lay.Kind != "dga" || lay.Columns != nil || len(rows) != int(ds[0].Rows+ds[1].Rows) || rows[0].Values != nil {
		t.Fatalf("loaded %d rows, layout %+v: %v", len(rows), lay, err)
	}
	for _, c := range []struct {
		refs []string
		want string
	}{
		{nil, "no dataset given"},
		{[]string{"demo@x"}, "dataset "},
		{[]string{"demo", "tab"}, "datasets mix kinds dga and tabular"},
	} {
		if _, err := trainingdata.Resolve(ctx, db, c.refs); mlctl.ErrorCode(err) != mlctl.EINVALID || len(err.Error()) < len(c.want) || err.Error()[:len(c.want)] != c.want {
			t.Fatalf("resolve %v: %v, want EINVALID %q", c.refs, err, c.want)
		}
	}
	if _, err := trainingdata.Resolve(ctx, db, []string{"demo@9"}); mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		t.Fatalf("resolve demo@9: %v", err)
	}

	tab, err := trainingdata.Resolve(ctx, db, []string{"tab"})
	if err != nil {
		t.Fatal(err)
	}
	rows, lay, err = trainingdata.Load(ctx, db, trainingdata.IDs(tab))
	if err != nil || lay.Kind != "tabular" || len(lay.Columns) != 2 || len(rows) != 20 || rows[3].Values[0] != 3 {
		t.Fatalf("tabular rows %v, layout %+v: %v", rows[:1], lay, err)
	}
	_, _, err = trainingdata.Load(ctx, db, []int64{ds[0].ID, tab[0].ID})
	if mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Fatalf("names and vectors loaded together: %v", err)
	}
}

// TestSplitParts: a stored split's parts come back in dataset order, and
// a split of other rows is corrupt.
func TestSplitParts(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	rows := datasets.GenerateDemo(5, 300)
	d, _, err := db.CreateDataset(ctx, registry.NewDataset{Name: "demo", Kind: "dga", SHA256: datasets.Hash(rows), Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	all, _, err := trainingdata.Load(ctx, db, []int64{d.ID})
	if err != nil {
		t.Fatal(err)
	}
	assign := make([]byte, len(all))
	for i := range assign {
		assign[i] = []byte{registry.PartTrain, registry.PartValidation, registry.PartTest}[i%3]
	}
	id, err := db.SaveSplit(ctx, registry.Split{DatasetIDs: []int64{d.ID}, Seed: 1, Assignment: assign, Train: 100, Validation: 100, Test: 100})
	if err != nil {
		t.Fatal(err)
	}
	got, _, s, err := trainingdata.LoadSplit(ctx, db, []int64{d.ID}, id)
	if err != nil {
		t.Fatal(err)
	}
	test := trainingdata.Part(got, s, registry.PartTest)
	if len(test) != 100 || test[0].Name != got[2].Name || test[1].Name != got[5].Name {
		t.Fatalf("test part of %d rows starts %v", len(test), test[:2])
	}
	other, _, err := db.CreateDataset(ctx, registry.NewDataset{Name: "other", Kind: "dga", SHA256: datasets.Hash(rows[:10]), Rows: rows[:10]})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := trainingdata.LoadSplit(ctx, db, []int64{other.ID}, id); mlctl.ErrorCode(err) != mlctl.ECORRUPT {
		t.Fatalf("a split of 300 rows over 10: %v", err)
	}
}

// TestLabeledRowsOfTwoClasses: rows of unknown label are left out; rows
// of one class are an EINVALID error that counts them.
func TestLabeledRowsOfTwoClasses(t *testing.T) {
	rows := []datasets.Row{{Name: "a", Label: 0}, {Name: "b", Label: -1}, {Name: "c", Label: 0}}
	got := trainingdata.Labeled(rows)
	if len(got) != 2 || got[1].Name != "c" {
		t.Fatalf("labeled %v", got)
	}
	err := trainingdata.TwoClasses(got, "validation part")
	if mlctl.ErrorCode(err) != mlctl.EINVALID || err.Error()[:57] != "validation part has 0 malicious and 2 benign rows; traini" {
		t.Fatalf("one class: %v", err)
	}
	if err := trainingdata.TwoClasses(append(got, datasets.Row{Label: 1}), "rows"); err != nil {
		t.Fatal(err)
	}
	if n := trainingdata.Names(got); len(n) != 2 || n[0] != "a" {
		t.Fatalf("names %v", n)
	}
}
