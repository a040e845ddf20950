package driftcheck

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/drift"
)

// Defaults of a live drift check (LiveInput's zero values).
const (
	// DefaultWindow: the samples scorers updated in the last hour.
	DefaultWindow = time.Hour
	// DefaultMinRows: fewer live rows than this are not checked.
	DefaultMinRows = 200
	// DefaultSample: rows compared from each side, at most.
	DefaultSample = 5000
)

// topFeatures is how many features a LiveResult lists.
const topFeatures = 5

// LiveInput says which model to check for drift, and how. Zero values
// take the defaults.
type LiveInput struct {
	// Alias names the model: the one it points at now.
	Alias string `json:"alias"`
	// Window: the live samples scorers updated within it (default 1h).
	Window time.Duration `json:"window,omitempty"`
	// Alpha: a feature drifted when its KS p-value is below it (default
	// drift.DefaultAlpha).
	Alpha float64 `json:"alpha,omitempty"`
	// Threshold: the model drifted when more than this share of its
	// features drifted (default drift.DefaultThreshold, the bot detector's 0.30).
	Threshold float64 `json:"threshold,omitempty"`
	// MinRows: with fewer live rows the model is not checked (default 200).
	MinRows int `json:"min_rows,omitempty"`
	// Sample: at most this many rows of each side are compared, a seeded
	// choice, as `mlctl drift --sample` (default 5000).
	Sample int `json:"sample,omitempty"`
	// Baseline is which training rows live traffic is compared with:
	// "benign" (default; label 0) or "all". Live traffic is nearly all
	// benign, so against a training set of both classes it always looks
	// drifted (see BaselineRows).
	Baseline string `json:"baseline,omitempty"`
}

// LiveResult is a live drift check: the verdict and a sentence a user
// reads. When there were too few live rows nothing is compared or
// recorded: Drifted is false, ReportID 0, and Reason says so.
type LiveResult struct {
	Alias   string `json:"alias"`
	Model   string `json:"model"` // MODEL@V
	ModelID int64  `json:"model_id"`
	// ReportID is the registry.DriftReport recorded (source "live").
	ReportID int64 `json:"report_id,omitempty"`
	// LiveRows counts the rows of the samples in the window, Scorers the
	// scorers that recorded them (sorted).
	LiveRows int      `json:"live_rows"`
	Scorers  []string `json:"scorers"`
	// Tested and DriftedFeatures count features; DriftedShare is their
	// ratio, and Drifted is DriftedShare > Threshold.
	Tested          int     `json:"tested"`
	DriftedFeatures int     `json:"drifted_features"`
	DriftedShare    float64 `json:"drifted_share"`
	Threshold       float64 `json:"threshold"`
	Drifted         bool    `json:"drifted"`
	// MaxPSI is the largest PSI of a feature (drift.Report.MaxPSI).
	MaxPSI float64 `json:"max_psi"`
	Reason string  `json:"reason"`
	// TopFeatures are the features with the largest KS statistic, at most 5.
	TopFeatures []drift.FeatureDrift `json:"top_features,omitempty"`
}

// WithDefaults fills in the zero values and checks the rest: an invalid
// alias name or setting is an EINVALID error.
func (in LiveInput) WithDefaults() (LiveInput, error) {
	if err := registry.ValidAliasName(in.Alias); err != nil {
		return in, err
	}
	if in.Window == 0 {
		in.Window = DefaultWindow
	}
	if in.Alpha == 0 {
		in.Alpha = drift.DefaultAlpha
	}
	if in.Threshold == 0 {
		in.Threshold = drift.DefaultThreshold
	}
	if in.MinRows == 0 {
		in.MinRows = DefaultMinRows
	}
	if in.Sample == 0 {
		in.Sample = DefaultSample
	}
	if in.Baseline == "" {
		in.Baseline = BaselineBenign
	}
	switch {
	case in.Baseline != BaselineBenign && in.Baseline != BaselineAll:
		return in, mlctl.Errorf(mlctl.EINVALID, "drift baseline %q: want %s or %s", in.Baseline, BaselineBenign, BaselineAll)
	case in.Window < 0:
		return in, mlctl.Errorf(mlctl.EINVALID, "drift window %v is negative", in.Window)
	case !(in.Alpha > 0 && in.Alpha < 1):
		return in, mlctl.Errorf(mlctl.EINVALID, "drift alpha %v is not in (0, 1)", in.Alpha)
	case !(in.Threshold > 0 && in.Threshold <= 1):
		return in, mlctl.Errorf(mlctl.EINVALID, "drift threshold %v is not in (0, 1]", in.Threshold)
	case in.MinRows < 1:
		return in, mlctl.Errorf(mlctl.EINVALID, "drift min rows %d is below 1", in.MinRows)
	case in.Sample < 2:
		return in, mlctl.Errorf(mlctl.EINVALID, "drift sample %d is below 2", in.Sample)
	}
	return in, nil
}

// Unserved is the result of a check of an alias that is not set: nothing
// to check, and the reason says so. A schedule may check an alias before
// its first model goes live.
func Unserved(in LiveInput) LiveResult {
	return LiveResult{Alias: in.Alias, Threshold: in.Threshold,
		Reason: fmt.Sprintf("alias %s is not set: no model in service to check", in.Alias)}
}

// Live compares the live samples the alias's model l was scored on
// (registry.LiveSamples of every scorer, updated within the window) with
// the model's training rows, feature by feature, as `mlctl drift` compares
// a file: KS test and PSI per feature, the model drifted when more than
// Threshold of its features did. The report is recorded with source
// "live" and workflowID. With too few live rows nothing is compared (the
// reason says so). A model without named features (an LSTM), a sample
// lacking the model's columns or an invalid input is an EINVALID error.
func Live(ctx context.Context, st Store, in LiveInput, l *published.Loaded, workflowID string) (LiveResult, error) {
	in, err := in.WithDefaults()
	if err != nil {
		return LiveResult{}, err
	}
	m := l.Model
	sc, err := artifact.NewScorer(l.Artifact)
	if err != nil {
		return LiveResult{}, mlctl.Errorf(mlctl.EINVALID, "model %s: %v", m.Ref(), err)
	}
	if len(sc.Names()) == 0 {
		return LiveResult{}, mlctl.Errorf(mlctl.EINVALID,
			"alias %s serves %s (%s), which reads token sequences, not named features: it has no feature samples to check for drift", in.Alias, m.Ref(), m.Algo)
	}
	res := LiveResult{Alias: in.Alias, Model: m.Ref(), ModelID: m.ID, Threshold: in.Threshold}
	samples, err := st.LiveSamples(ctx, m.ID, time.Now().Add(-in.Window))
	if err != nil {
		return LiveResult{}, err
	}
	live, err := mergeLiveSamples(m.Ref(), sc.Names(), samples, !sc.TakesVectors())
	if err != nil {
		return LiveResult{}, err
	}
	res.LiveRows = len(live)
	res.Scorers = make([]string, len(samples))
	for i, s := range samples {
		res.Scorers[i] = s.ScorerID
	}
	slices.Sort(res.Scorers)
	if len(live) < in.MinRows {
		res.Reason = tooFewLiveRows(res, in)
		return res, nil
	}
	base, err := ModelBaseline(ctx, st, l, sc, in.Baseline, in.Sample)
	if err != nil {
		return LiveResult{}, err
	}
	recent := Sample(live, in.Sample, RecentSeed)
	rep, err := base.Compare(recent, in.Alpha, in.Threshold)
	if err != nil {
		return LiveResult{}, mlctl.Errorf(mlctl.EINVALID, "drift check of %s: %v", m.Ref(), err)
	}
	if res.ReportID, err = Record(ctx, st, m, rep, len(recent), "live", workflowID); err != nil {
		return LiveResult{}, err
	}
	res.Tested, res.DriftedFeatures, res.DriftedShare = rep.Tested, rep.DriftedFeatures, rep.DriftedShare
	res.Drifted, res.MaxPSI = rep.Drifted, rep.MaxPSI
	res.TopFeatures = topByD(rep.Features, topFeatures)
	res.Reason = liveDriftReason(res, rep, in)
	return res, nil
}

// mergeLiveSamples returns the rows of every sample, scorer by scorer in
// the order of their IDs, as the model reads them: columns in the order of
// names (picked by name when a scorer recorded them in another order). A
// model of names reads its features in float32, as its training side of
// the baseline is computed (FeatureRows), so live features are rounded
// alike: a sample of float64 features would otherwise differ from its own
// training values in the last bits, and the KS test would see it.
func mergeLiveSamples(ref string, names []string, samples []registry.LiveSample, float32Features bool) ([][]float64, error) {
	samples = slices.Clone(samples)
	slices.SortFunc(samples, func(a, b registry.LiveSample) int { return cmp.Compare(a.ScorerID, b.ScorerID) })
	var rows [][]float64
	for _, s := range samples {
		if slices.Equal(s.Columns, names) {
			rows = append(rows, s.Rows...)
			continue
		}
		idx, err := artifact.ColumnMap(names, s.Columns)
		if err != nil {
			return nil, mlctl.Errorf(mlctl.EINVALID, "live sample of %s from scorer %s: %v", ref, s.ScorerID, err)
		}
		rows = append(rows, PickColumns(idx, s.Rows)...)
	}
	if float32Features {
		for _, r := range rows {
			for j, v := range r {
				r[j] = float64(float32(v))
			}
		}
	}
	return rows, nil
}

// topByD returns at most k features, largest KS statistic first (ties in
// feature order).
func topByD(fs []drift.FeatureDrift, k int) []drift.FeatureDrift {
	fs = slices.Clone(fs)
	slices.SortStableFunc(fs, func(a, b drift.FeatureDrift) int { return cmp.Compare(b.D, a.D) })
	return fs[:min(k, len(fs))]
}
