package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/evaluation"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/learners"
	"github.com/mlctl/mlctl/trainingdata"
	"github.com/mlctl/mlctl/tuning"
)

// PlanTuningInput is a tuning run as `mlctl tune` asked for it.
type PlanTuningInput struct {
	RunID    string       `json:"run_id"`
	Algo     string       `json:"algo"`
	Datasets []string     `json:"datasets"` // resolved versions
	Space    tuning.Space `json:"space"`
	// Halving asks for successive halving on the learner's units.
	Halving bool `json:"halving"`
	// Spec is what the run records about itself (tune show prints it).
	Spec json.RawMessage `json:"spec"`
}

// TuningPlan is how the trials of a run train: the parameter that sets
// their units and the rungs of successive halving.
type TuningPlan struct {
	// UnitParam is the parameter that sets a trial's units: the learner's
	// (rounds, n_estimators, epochs) or the space's alias of it; Unit
	// names them (trees, epochs).
	UnitParam string `json:"unit_param"`
	Unit      string `json:"unit"`
	// Halving holds the rungs; one rung when halving is off.
	Halving tuning.Halving `json:"halving"`
	// HalvingOff says why there is one rung, when halving was asked for.
	HalvingOff string `json:"halving_off,omitempty"`
}

// Smallest rung of successive halving, in units: a few trees tell little,
// one epoch does.
const (
	minRungTrees  = 10
	minRungEpochs = 1
	maxRungs      = 3
)

// PlanTuning checks the space against the learner (every parameter at
// its bounds and every choice must be one the learner takes), works out
// the rungs, and records the run. Errors in the space are final.
func (a *Activities) PlanTuning(ctx context.Context, in PlanTuningInput) (TuningPlan, error) {
	l, err := learners.Lookup(mlctl.Algo(in.Algo))
	if err != nil {
		return TuningPlan{}, nonRetryable(invalid(err))
	}
	plan, err := planTuning(l, in.Space, in.Halving)
	if err != nil {
		return TuningPlan{}, nonRetryable(invalid(err))
	}
	if err := a.DB.CreateTuningRun(ctx, registry.TuningRun{ID: in.RunID, Algo: in.Algo, Datasets: in.Datasets, Spec: in.Spec}); err != nil {
		return TuningPlan{}, err
	}
	return plan, nil
}

// planTuning is PlanTuning without the registry.
func planTuning(l training.Learner, space tuning.Space, halving bool) (TuningPlan, error) {
	need := l.Needs()
	plan := TuningPlan{UnitParam: need.UnitParam, Unit: need.Unit}
	base := corner(space, nil)
	units := func(params map[string]string, what string) (int, error) {
		spec, err := training.ParseSpec(l, params)
		if err != nil {
			return 0, fmt.Errorf("--param %s: %w", what, err)
		}
		p, err := l.ParseParams(spec.Learner, 0, training.Shape{})
		if err != nil {
			return 0, fmt.Errorf("--param %s: %w", what, err)
		}
		return strconv.Atoi(p.Map()[need.UnitParam])
	}
	full, err := units(base, strings.Join(space.Specs(), " "))
	if err != nil {
		return TuningPlan{}, err
	}
	for _, p := range space.Params {
		if setsUnits(l, p.Name) {
			// The space names the units (maybe by an alias: n_estimators
			// for gbdt's rounds): rungs set that name.
			plan.UnitParam = p.Name
			if !p.Fixed() {
				plan.HalvingOff = fmt.Sprintf("%s sets the %s, so each trial trains its own count", p.Name, need.Unit)
			}
		}
		if p.Fixed() {
			continue
		}
		for _, v := range values(p) {
			if _, err := units(corner(space, map[string]string{p.Name: v}), p.Name+"="+v); err != nil {
				return TuningPlan{}, err
			}
		}
	}
	min := minRungTrees
	if need.Unit == "epochs" {
		min = minRungEpochs
	}
	switch {
	case !halving:
		plan.Halving = tuning.Halving{Rungs: []int{full}, Eta: tuning.DefaultEta}
		plan.HalvingOff = ""
	case plan.HalvingOff != "":
		plan.Halving = tuning.Halving{Rungs: []int{full}, Eta: tuning.DefaultEta}
	default:
		plan.Halving = tuning.NewHalving(full, min, maxRungs, tuning.DefaultEta)
	}
	return plan, nil
}

// setsUnits says whether the parameter called name sets the learner's
// units (its UnitParam or an alias of it).
func setsUnits(l training.Learner, name string) bool {
	p, err := l.ParseParams(map[string]string{name: "7"}, 0, training.Shape{})
	return err == nil && p.Map()[l.Needs().UnitParam] == "7"
}

// corner is the space at its low bounds and first choices, with set
// overriding.
func corner(space tuning.Space, set map[string]string) map[string]string {
	out := map[string]string{}
	for _, p := range space.Params {
		if p.Numeric() {
			out[p.Name] = p.Format(p.Lo)
		} else {
			out[p.Name] = p.Choices[0]
		}
	}
	maps.Copy(out, set)
	return out
}

// values are the values of p worth checking: its bounds or its choices.
func values(p tuning.Param) []string {
	if p.Numeric() {
		return []string{p.Format(p.Lo), p.Format(p.Hi)}
	}
	return p.Choices
}

// TuneFoldInput is one fold of one trial at one rung.
type TuneFoldInput struct {
	RunID      string  `json:"run_id"`
	Trial      int     `json:"trial"`
	Rung       int     `json:"rung"`
	Fold       int     `json:"fold"`
	Folds      int     `json:"folds"`
	Group      string  `json:"group"`
	Seed       uint64  `json:"seed"`
	DatasetIDs []int64 `json:"dataset_ids"`
	SplitID    int64   `json:"split_id"`
	Algo       string  `json:"algo"`
	// Params are the trial's parameters with the unit parameter at the
	// rung's units.
	Params    map[string]string `json:"params"`
	Units     int               `json:"units"`
	Objective tuning.Objective  `json:"objective"`
	// Last says no rung follows: the model is not kept to grow.
	Last bool `json:"last,omitempty"`
}

// TuneFoldResult is the objective on the held-out fold.
type TuneFoldResult struct {
	// Value is the objective; Scored is false when the fold held one
	// class only (no ROC-AUC), and Value means nothing then.
	Value  float64 `json:"value"`
	Scored bool    `json:"scored"`
	// Train and Rows count the rows trained on and scored.
	Train   int     `json:"train_rows"`
	Rows    int     `json:"rows"`
	Seconds float64 `json:"seconds"`
	Worker  string  `json:"worker"`
	// ResumedFrom is the units a previous rung's model brought.
	ResumedFrom int `json:"resumed_from"`
}

// TuneFold trains a trial's model on every fold but one and scores the
// one held out. The rows not in the run's test part are folded
// (tuning.Folds, grouped by family by default); features are fitted on
// the training folds, with the default recipe's generated names where the
// learner trains with them, as TrainModel does on its training part. A
// worker keeps the folds' data and the trial's models between rungs; a
// fold that lands elsewhere is rebuilt with the same result.
func (a *Activities) TuneFold(ctx context.Context, in TuneFoldInput) (TuneFoldResult, error) {
	start := time.Now()
	hb := newHeartbeater(ctx)
	defer hb.stop()
	l, err := learners.Lookup(mlctl.Algo(in.Algo))
	if err != nil {
		return TuneFoldResult{}, nonRetryable(invalid(err))
	}
	spec, err := training.ParseSpec(l, in.Params)
	if err != nil {
		return TuneFoldResult{}, nonRetryable(invalid(err))
	}
	fd, err := a.foldData(ctx, in, l, spec)
	if err != nil {
		return TuneFoldResult{}, err
	}
	p, err := l.ParseParams(spec.Learner, in.Seed, fd.td.shape)
	if err != nil {
		return TuneFoldResult{}, nonRetryable(invalid(err))
	}
	stateKey := foldStateKey(in.RunID, in.Trial, in.Fold)
	var h training.Hooks
	resumed := 0
	if in.Rung > 0 { // a first rung has nothing to grow: no lookup
		if st, ok := a.foldState(ctx, stateKey); ok && st.units < in.Units {
			if n, err := l.ResumePoint(st.state); err == nil && n == st.units {
				h.Resume, resumed = st.state, n
			}
		}
	}
	h.Progress = func(training.Progress) error { return ctx.Err() }
	m, err := l.Train(ctx, fd.data, p, h)
	if err != nil && h.Resume != nil && ctx.Err() == nil {
		h.Resume, resumed = nil, 0 // a state this learner cannot grow: start over
		m, err = l.Train(ctx, fd.data, p, h)
	}
	if err != nil {
		return TuneFoldResult{}, trainError(ctx, err)
	}
	if !in.Last {
		a.keepFoldState(ctx, l, m, stateKey)
	}
	scores, err := fd.score(l, m, p)
	if err != nil {
		return TuneFoldResult{}, nonRetryable(invalid(err))
	}
	v := in.Objective.Score(scores, fd.evalLabels)
	res := TuneFoldResult{Value: v, Scored: v == v, Train: trainRows(fd.data), Rows: len(fd.eval),
		Seconds: time.Since(start).Seconds(), Worker: workerName(), ResumedFrom: resumed}
	if !res.Scored {
		res.Value = 0
	}
	return res, nil
}

// foldStateKey names a trial's model on a fold, in the worker's cache
// and the registry's checkpoints: "<run>/<trial>/<fold>".
func foldStateKey(run string, trial, fold int) string {
	return fmt.Sprintf("%s/%d/%d", run, trial, fold)
}

// foldState is the model a trial's previous rung left on a fold: this
// worker's, else the one another worker saved in the registry.
func (a *Activities) foldState(ctx context.Context, key string) (foldState, bool) {
	if st, ok := a.tune.state(key); ok {
		return st, true
	}
	c, err := a.DB.LatestCheckpoint(ctx, key, registry.KindCheckpoint)
	if err != nil || artifact.SHA256(c.Artifact) != c.SHA256 {
		return foldState{}, false
	}
	return foldState{units: c.Progress, state: c.Artifact}, true
}

// keepFoldState keeps a model the learner can resume from (gbdt's trees)
// for the trial's next rung: in this worker's cache, and in the registry
// for a rung that lands on another worker. A failed save costs that
// worker a training from the start, nothing else.
func (a *Activities) keepFoldState(ctx context.Context, l training.Learner, m training.Model, key string) {
	state, err := m.MarshalJSON()
	if err != nil {
		return
	}
	n, err := l.ResumePoint(state)
	if err != nil || n != m.Units() {
		return
	}
	a.tune.putState(key, foldState{units: n, state: state})
	if _, err := a.DB.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: key, Kind: registry.KindCheckpoint, Progress: n,
		SHA256: artifact.SHA256(state), Artifact: state}); err != nil {
		activity.GetLogger(ctx).Warn("keep the fold's trees for the next rung", "key", key, "error", err)
	}
}

// trainRows counts the rows a learner trains on.
func trainRows(d training.Data) int {
	if d.X != nil {
		return d.X.Rows
	}
	return len(d.Train.Labels)
}

// foldData returns the fold's data from the worker's cache, or builds it.
func (a *Activities) foldData(ctx context.Context, in TuneFoldInput, l training.Learner, spec training.Spec) (*foldData, error) {
	recipe := map[string]string{}
	for k, v := range spec.Params {
		if training.RecipeParams[k] && k != "threshold_fpr" && k != "threshold_rule" && k != "keep_versions" {
			recipe[k] = v
		}
	}
	rk, _ := json.Marshal(recipe) // sorted keys
	key := fmt.Sprintf("%v/%d/%d/%s/%d/%d/%s/%s", in.DatasetIDs, in.SplitID, in.Folds, in.Group, in.Seed, in.Fold, in.Algo, rk)
	if fd, ok := a.tune.fold(key); ok {
		return fd, nil
	}
	rows, lay, split, err := trainingdata.LoadSplit(ctx, a.DB, in.DatasetIDs, in.SplitID)
	if err != nil {
		return nil, nonRetryable(err)
	}
	if kinds := l.Needs().Kinds; kinds != nil && !slices.Contains(kinds, mlctl.Kind(lay.Kind)) {
		return nil, nonRetryable(mlctl.Errorf(mlctl.EINVALID, "%s trains on %s datasets, not %s ones", l.Algo(), kindList(kinds), lay.Kind))
	}
	fd, err := buildFold(lay, rows, split, in, l, spec, a)
	if err != nil {
		return nil, nonRetryable(invalid(err))
	}
	a.tune.putFold(key, fd)
	return fd, nil
}

// buildFold folds the rows outside the split's test part and builds fold
// in.Fold: training on the others and scoring on it.
func buildFold(lay trainingdata.Layout, rows []datasets.Row, split *registry.Split, in TuneFoldInput, l training.Learner, spec training.Spec, a *Activities) (*foldData, error) {
	var idx []int
	var tuned []datasets.Row
	for i, p := range split.Assignment {
		if p != registry.PartTest {
			idx = append(idx, i)
			tuned = append(tuned, rows[i])
		}
	}
	folds := tuning.Folds(tuned, in.Folds, tuning.Grouping(in.Group), in.Seed)
	// The fold's own parts: the held-out fold is its test part; a learner
	// that stops early watches every tenth training row (its validation
	// part), never the rows it is scored on; the run's test part is in
	// none.
	const outside = 0xff
	assign := make([]byte, len(rows))
	for i := range assign {
		assign[i] = outside
	}
	needValid := l.Needs().Validation
	for j, i := range idx {
		switch {
		case folds[j] == in.Fold:
			assign[i] = registry.PartTest
		case needValid && j%10 == 9:
			assign[i] = registry.PartValidation
		default:
			assign[i] = registry.PartTrain
		}
	}
	fsplit := &registry.Split{Assignment: assign}
	td, err := a.trainingData(lay, fsplit, rows, l, spec, spec.FeatureSet, in.Seed)
	if err != nil {
		return nil, fmt.Errorf("fold %d of %d: %w", in.Fold+1, in.Folds, err)
	}
	data, err := td.build(lay)
	if err != nil {
		return nil, fmt.Errorf("fold %d of %d: %w", in.Fold+1, in.Folds, err)
	}
	data.Memo = new(training.Memo) // trials on this fold quantise it once
	fd := &foldData{lay: lay, td: td, data: data}
	fd.eval = trainingdata.Labeled(trainingdata.Part(rows, fsplit, registry.PartTest))
	if lay.Kind == string(mlctl.KindDGA) && lay.Columns == nil {
		fd.eval, _ = evaluation.PrefilterNames(fd.eval)
	}
	fd.evalLabels = make([]int, len(fd.eval))
	for i, r := range fd.eval {
		fd.evalLabels[i] = r.Label
	}
	if td.need.Input == training.Vectors {
		fz, err := featurizerOf(td.fs, lay)
		if err != nil {
			return nil, err
		}
		fd.evalX = fz.matrix(fd.eval)
	}
	return fd, nil
}

// score scores the held-out fold with a model trained on the others.
func (fd *foldData) score(l training.Learner, m training.Model, p training.Params) ([]float64, error) {
	scores := make([]float64, len(fd.eval))
	if fd.evalX != nil {
		var c training.Classifier
		switch mm := m.(type) {
		case training.Anomaly:
			c = mm.Classifier()
		case training.Classifier:
			c = mm
		default:
			return nil, fmt.Errorf("a %s model does not score vectors", l.Algo())
		}
		return scores, c.Predict(fd.evalX, scores)
	}
	sc, err := artifact.NewScorer(&artifact.Artifact{Algo: l.Algo(), FeatureSet: fd.td.fs, Params: p.Map(), Model: m})
	if err != nil {
		return nil, err
	}
	s, _, _, err := evaluation.Score(sc, fd.eval, fd.lay.Columns)
	return s, err
}

// workerName names this worker process in trial records: host:pid.
func workerName() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", h, os.Getpid())
}

// RecordTrial stores a trial as it stands.
func (a *Activities) RecordTrial(ctx context.Context, t mlctl.Trial) error {
	return a.DB.RecordTrial(ctx, t)
}

// FinishTuningInput is how a tuning run ended.
type FinishTuningInput struct {
	RunID     string `json:"run_id"`
	Status    string `json:"status"` // done, failed
	BestTrial int    `json:"best_trial"`
	Model     string `json:"model"`
	Version   int    `json:"version"`
	Error     string `json:"error"`
}

// FinishTuning records how a tuning run ended and drops the models its
// folds kept between rungs.
func (a *Activities) FinishTuning(ctx context.Context, in FinishTuningInput) error {
	if err := a.DB.FinishTuningRun(ctx, in.RunID, in.Status, in.BestTrial, in.Model, in.Version, in.Error); err != nil {
		return nonRetryable(err)
	}
	return a.DB.DeleteCheckpointsUnder(ctx, in.RunID+"/")
}
