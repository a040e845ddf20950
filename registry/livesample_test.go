package registry_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

func TestLiveSampleRoundTripAndReplace(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	ms := publishN(t, db, "dga", 2)
	before := time.Now().Add(-time.Minute)
	cols := []string{"length", "entropy"}
	s := registry.LiveSample{ModelID: ms[0].ID, ScorerID: "a", Columns: cols, Rows: [][]float64{{12, 3.5}, {7, math.NaN()}}, Seen: 40}
	if err := db.SaveLiveSample(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveLiveSample(ctx, registry.LiveSample{ModelID: ms[0].ID, ScorerID: "b", Columns: cols, Rows: [][]float64{{1, 2}}, Seen: 1}); err != nil {
		t.Fatal(err)
	}
	got, err := db.LiveSamples(ctx, ms[0].ID, before)
	if err != nil || len(got) != 2 {
		t.Fatalf("samples %+v %v", got, err)
	}
	byScorer := map[string]registry.LiveSample{}
	for _, g := range got {
		byScorer[g.ScorerID] = g
	}
	a := byScorer["a"]
	if !slices.Equal(a.Columns, cols) || a.Seen != 40 || len(a.Rows) != 2 || a.Rows[0][0] != 12 || a.Rows[0][1] != 3.5 || a.Rows[1][0] != 7 || !math.IsNaN(a.Rows[1][1]) {
		t.Fatalf("sample of scorer a read back as %+v", a)
	}
	// A later save replaces the scorer's sample.
	s.Rows, s.Seen = [][]float64{{1, 1}, {2, 2}, {3, 3}}, 90
	if err := db.SaveLiveSample(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err = db.LiveSamples(ctx, ms[0].ID, before)
	if err != nil || len(got) != 2 || got[0].ScorerID != "a" || got[0].Seen != 90 || len(got[0].Rows) != 3 || got[0].Rows[2][1] != 3 {
		t.Fatalf("after replacing: %+v %v", got, err)
	}
	if got, err := db.LiveSamples(ctx, ms[0].ID, time.Now().Add(time.Hour)); err != nil || len(got) != 0 {
		t.Fatalf("samples since an hour ahead: %+v %v", got, err)
	}
	if got, err := db.LiveSamples(ctx, ms[1].ID, before); err != nil || len(got) != 0 {
		t.Fatalf("samples of another model: %+v %v", got, err)
	}
	// An empty sample (a model without named features, or nothing scored yet).
	if err := db.SaveLiveSample(ctx, registry.LiveSample{ModelID: ms[1].ID, ScorerID: "a"}); err != nil {
		t.Fatalf("empty sample: %v", err)
	}
	if got, err := db.LiveSamples(ctx, ms[1].ID, before); err != nil || len(got) != 1 || len(got[0].Rows) != 0 || len(got[0].Columns) != 0 {
		t.Fatalf("empty sample read back as %+v %v", got, err)
	}
	short := registry.LiveSample{ModelID: ms[0].ID, ScorerID: "c", Columns: cols, Rows: [][]float64{{1}}}
	if err := db.SaveLiveSample(ctx, short); mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Fatalf("a short row: %v, want invalid", err)
	}
	// Bytes that do not make the rows it claims are corrupt.
	if _, err := db.Pool().Exec(ctx, `UPDATE live_samples SET sample = substring(sample FROM 2) WHERE scorer_id = 'a' AND model_id = $1`, ms[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LiveSamples(ctx, ms[0].ID, before); mlctl.ErrorCode(err) != mlctl.ECORRUPT {
		t.Fatalf("truncated sample: %v, want corrupt", err)
	}
}
