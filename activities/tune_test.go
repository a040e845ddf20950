package activities

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/learners"
	"github.com/mlctl/mlctl/training/lstm"
	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/tuning"
)

func mustSpace(t *testing.T, specs ...string) tuning.Space {
	t.Helper()
	s, err := tuning.ParseSpace(specs)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPlanTuningRungs: halving runs on the learner's units when the space
// does not set them: gbdt's 100 rounds, rf's 100 trees (lstm's epochs:
// TestPlanTuningLSTMEpochs).
func TestPlanTuningRungs(t *testing.T) {
	for _, c := range []struct {
		l           training.Learner
		space       []string
		param, unit string
		rungs       []int
	}{
		{gbdt.Learner{}, []string{"max_depth=3..10", "eta=0.02..0.4:log", "subsample=0.5..1.0"}, "rounds", "trees", []int{11, 33, 100}},
		{gbdt.Learner{}, []string{"max_depth=3..10", "booster=gbtree"}, "rounds", "trees", []int{11, 33, 100}},
		// A fixed count sets the full rung.
		{gbdt.Learner{}, []string{"max_depth=3..10", "rounds=300"}, "rounds", "trees", []int{33, 100, 300}},
		// ... under an alias too: the rungs set the name the space uses.
		{gbdt.Learner{}, []string{"max_depth=3..10", "n_estimators=300"}, "n_estimators", "trees", []int{33, 100, 300}},
		{forest.Learner{}, []string{"max_depth=4..12", "trees=60"}, "trees", "trees", []int{20, 60}},
		{forest.Learner{}, []string{"max_depth=4..12", "min_samples_leaf=1..20"}, "n_estimators", "trees", []int{11, 33, 100}},
	} {
		plan, err := planTuning(c.l, mustSpace(t, c.space...), true)
		if err != nil {
			t.Errorf("%s %v: %v", c.l.Algo(), c.space, err)
			continue
		}
		if plan.UnitParam != c.param || plan.Unit != c.unit || !slices.Equal(plan.Halving.Rungs, c.rungs) ||
			plan.Halving.Eta != tuning.DefaultEta || plan.HalvingOff != "" {
			t.Errorf("%s %v: plan %+v, want %s (%s) rungs %v", c.l.Algo(), c.space, plan, c.param, c.unit, c.rungs)
		}
	}
}

// TestPlanTuningUnitsSearched: a space that searches the units (by any
// of the learner's names for them) trains each trial's own count in one
// rung and says why.
func TestPlanTuningUnitsSearched(t *testing.T) {
	for _, c := range []struct {
		l     training.Learner
		space []string
		name  string
		full  int
	}{
		{gbdt.Learner{}, []string{"max_depth=3..10", "rounds=50..200"}, "rounds", 50},
		{gbdt.Learner{}, []string{"max_depth=3..10", "n_estimators=50..200"}, "n_estimators", 50},
		{gbdt.Learner{}, []string{"num_round=60,120"}, "num_round", 60},
		{forest.Learner{}, []string{"n_estimators=50..200:log"}, "n_estimators", 50},
	} {
		plan, err := planTuning(c.l, mustSpace(t, c.space...), true)
		if err != nil {
			t.Errorf("%s %v: %v", c.l.Algo(), c.space, err)
			continue
		}
		if !slices.Equal(plan.Halving.Rungs, []int{c.full}) {
			t.Errorf("%s %v: rungs %v, want one rung of %d", c.l.Algo(), c.space, plan.Halving.Rungs, c.full)
		}
		if !strings.HasPrefix(plan.HalvingOff, c.name+" sets the "+plan.Unit) {
			t.Errorf("%s %v: halving off %q, want it to name %s", c.l.Algo(), c.space, plan.HalvingOff, c.name)
		}
	}
}

// TestPlanTuningLSTMEpochs: an lstm's rungs are epochs, 20 by default;
// a space that searches epochs trains each trial's own.
func TestPlanTuningLSTMEpochs(t *testing.T) {
	for _, c := range []struct {
		space []string
		rungs []int
		off   string
	}{
		{[]string{"dropout=0.0..0.5", "learning_rate=0.0003..0.01:log"}, []int{2, 7, 20}, ""},
		{[]string{"dropout=0.0..0.5", "epochs=3"}, []int{1, 3}, ""},
		{[]string{"dropout=0.0..0.5", "epochs=5..20"}, []int{5}, "epochs sets the epochs"},
	} {
		plan, err := planTuning(lstm.Learner{}, mustSpace(t, c.space...), true)
		if err != nil {
			t.Errorf("lstm %v: %v", c.space, err)
			continue
		}
		if plan.UnitParam != "epochs" || plan.Unit != "epochs" || !slices.Equal(plan.Halving.Rungs, c.rungs) || !strings.HasPrefix(plan.HalvingOff, c.off) ||
			(c.off == "") != (plan.HalvingOff == "") {
			t.Errorf("lstm %v: plan %+v, want epochs rungs %v, halving off %q", c.space, plan, c.rungs, c.off)
		}
	}
}

// TestPlanTuningHalvingOff: --no-halving gives one rung of the full count
// and no reason, whether or not the space sets the units.
func TestPlanTuningHalvingOff(t *testing.T) {
	for _, c := range []struct {
		space []string
		full  int
	}{{[]string{"max_depth=3..10"}, 100}, {[]string{"max_depth=3..10", "rounds=50..200"}, 50}} {
		plan, err := planTuning(gbdt.Learner{}, mustSpace(t, c.space...), false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(plan.Halving.Rungs, []int{c.full}) || plan.HalvingOff != "" || plan.UnitParam != "rounds" {
			t.Errorf("%v without halving: %+v, want one rung of %d", c.space, plan, c.full)
		}
	}
}

// TestPlanTuningBadValues: a bound or choice the learner refuses is an
// error naming the parameter, at the low corner or at the other bound.
func TestPlanTuningBadValues(t *testing.T) {
	for _, c := range []struct {
		l     training.Learner
		space []string
		says  string
	}{
		{gbdt.Learner{}, []string{"max_depth=0..3"}, "max_depth"},
		{gbdt.Learner{}, []string{"eta=-1..1"}, "eta"},
		{gbdt.Learner{}, []string{"max_depth=3..10", "subsample=0.5..1.5"}, "subsample"}, // fine at the low corner
		{gbdt.Learner{}, []string{"max_depth=3..1000"}, "max_depth"},                     // too deep at the high bound
		{gbdt.Learner{}, []string{"booster=gbtree,dart"}, "booster"},                     // a choice it does not take
		{gbdt.Learner{}, []string{"max_depth=3..10", "colour=red,blue"}, "colour"},       // no such parameter
		{forest.Learner{}, []string{"n_estimators=0..10"}, "n_estimators"},
	} {
		plan, err := planTuning(c.l, mustSpace(t, c.space...), true)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s %v: %+v, %v; want an error naming %s", c.l.Algo(), c.space, plan, err, c.says)
		}
	}
}

// rungData is a small synthetic training set: 600 rows of 6 features
// with a noisy label, some values missing.
func rungData() training.Data {
	r := rand.New(rand.NewPCG(5, 6))
	x := matrix.New(600, 6)
	y := make([]float32, x.Rows)
	for i := range x.Rows {
		row := x.Row(i)
		for f := range row {
			row[f] = float32(r.NormFloat64())
		}
		if r.Float64() < 0.1 {
			row[5] = float32(math.NaN())
		}
		z := row[0] - 0.7*row[1] + row[2]*row[3] + 0.5*float32(r.NormFloat64())
		if z > 0 {
			y[i] = 1
		}
	}
	return training.Data{X: x, Y: y, FeatureNames: []string{"a", "b", "c", "d", "e", "f"}}
}

// TestGBDTRungResumeEqualsStraightRun: TuneFold keeps a trial's model
// after a rung and the next rung resumes from its JSON: 20 rounds then
// resumed to 60 give the bytes of a straight 60-round run with the same
// seed, row and column sampling included.
func TestGBDTRungResumeEqualsStraightRun(t *testing.T) {
	ctx := context.Background()
	var l training.Learner = gbdt.Learner{}
	d := rungData()
	shape := training.Shape{Positives: 300, Negatives: 300}
	params := func(rounds string) training.Params {
		p, err := l.ParseParams(map[string]string{"rounds": rounds, "max_depth": "4", "eta": "0.1",
			"subsample": "0.8", "colsample_bytree": "0.7", "min_child_weight": "2"}, 17, shape)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	train := func(rounds string, h training.Hooks) []byte {
		t.Helper()
		m, err := l.Train(ctx, d, params(rounds), h)
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if n, err := l.ResumePoint(b); err != nil || n != m.Units() {
			t.Fatalf("ResumePoint of a %s-round model: %d, %v; it has %d trees", rounds, n, err, m.Units())
		}
		return b
	}
	state := train("20", training.Hooks{})
	if n, err := l.ResumePoint(state); err != nil || n != 20 {
		t.Fatalf("ResumePoint(20 rounds) = %d, %v; want 20", n, err)
	}
	straight := train("60", training.Hooks{})
	resumed := train("60", training.Hooks{Resume: state})
	if !bytes.Equal(resumed, straight) {
		t.Fatalf("60 rounds resumed from 20 differ from a straight run (%d vs %d bytes)", len(resumed), len(straight))
	}
	if n, _ := l.ResumePoint(resumed); n != 60 {
		t.Errorf("the resumed model has %d trees, want 60", n)
	}
	if other := train("20", training.Hooks{}); !bytes.Equal(other, state) {
		t.Error("the same seed gave another 20-round model")
	}
}

// TestLRUEvictsLeastRecentlyUsed: beyond max, the key least recently put
// or got goes.
func TestLRUEvictsLeastRecentlyUsed(t *testing.T) {
	c := lru[int]{max: 3}
	if _, ok := c.get("a"); ok {
		t.Fatal("an empty cache has a")
	}
	c.put("a", 1)
	c.put("b", 2)
	c.put("c", 3)
	if v, ok := c.get("a"); !ok || v != 1 { // a is now the most recent
		t.Fatalf("get(a) = %d, %v", v, ok)
	}
	c.put("d", 4) // evicts b, the least recently used
	if _, ok := c.get("b"); ok {
		t.Error("b was kept; it was the least recently used")
	}
	for k, want := range map[string]int{"a": 1, "c": 3, "d": 4} {
		if v, ok := c.get(k); !ok || v != want {
			t.Errorf("get(%s) = %d, %v; want %d", k, v, ok, want)
		}
	}
	// The loop above got them in map order: set the order to c, a, d.
	c.get("c")
	c.get("a")
	c.get("d")
	c.put("a", 10) // replaces a's value and makes it the most recent: c, d, a
	if len(c.m) != 3 || len(c.order) != 3 {
		t.Fatalf("%d keys, order %v after putting a again, want 3", len(c.m), c.order)
	}
	c.put("e", 5) // evicts c
	if _, ok := c.get("c"); ok {
		t.Error("c was kept; it was the least recently used")
	}
	if v, ok := c.get("a"); !ok || v != 10 {
		t.Errorf("get(a) = %d, %v; want the value put last, 10", v, ok)
	}
	if !slices.Equal(c.order, []string{"d", "e", "a"}) || len(c.m) != 3 {
		t.Errorf("order %v with %d keys, want d e a", c.order, len(c.m))
	}
}

// TestLRUTuneCacheBounds: the worker's caches keep at most their sizes.
func TestLRUTuneCacheBounds(t *testing.T) {
	var c tuneCache
	for i := range maxCachedStates + 5 {
		c.putState(string(rune('A'+i)), foldState{units: i})
	}
	if len(c.states.m) != maxCachedStates {
		t.Errorf("%d states kept, want %d", len(c.states.m), maxCachedStates)
	}
	if _, ok := c.state("A"); ok {
		t.Error("the first state was kept")
	}
	last := string(rune('A' + maxCachedStates + 4))
	if s, ok := c.state(last); !ok || s.units != maxCachedStates+4 {
		t.Errorf("the last state: %+v, %v", s, ok)
	}
	for i := range maxCachedFolds + 1 {
		c.putFold(string(rune('a'+i)), &foldData{})
	}
	if len(c.folds.m) != maxCachedFolds {
		t.Errorf("%d folds kept, want %d", len(c.folds.m), maxCachedFolds)
	}
}

// TestDefaultSearchSpacesPlan: every learner has a default search space,
// and it plans: every bound and choice is one the learner takes, with
// halving on its units.
func TestDefaultSearchSpacesPlan(t *testing.T) {
	for _, l := range learners.All() {
		s, ok := l.(training.Searchable)
		if !ok {
			t.Errorf("%s has no default search space", l.Algo())
			continue
		}
		space, err := tuning.ParseSpace(s.SearchSpace())
		if err != nil || !space.Searched() {
			t.Errorf("%s's default space %v: %v", l.Algo(), s.SearchSpace(), err)
			continue
		}
		plan, err := planTuning(l, space, true)
		if err != nil || len(plan.Halving.Rungs) < 2 || plan.HalvingOff != "" {
			t.Errorf("%s's default space plans %+v: %v", l.Algo(), plan, err)
		}
	}
}
