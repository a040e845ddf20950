package activities

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/drift"
)

// Defaults of a live drift check (LiveDriftInput's zero values).
const (
	// DefaultDriftWindow: the samples scorers updated in the last hour.
	DefaultDriftWindow = time.Hour
	// DefaultDriftMinRows: fewer live rows than this are not checked.
	DefaultDriftMinRows = 200
	// DefaultDriftSample: rows compared from each side, at most.
	DefaultDriftSample = 5000
)

// topDriftFeatures is how many features a LiveDriftResult lists.
const topDriftFeatures = 5

// LiveDriftInput says which model to check for drift, and how. Zero values
// take the defaults.
type LiveDriftInput struct {
	// Alias names the model: the one it points at now.
	Alias string `json:"alias"`
	// Window: the live samples scorers updated within it (default 1h).
	Window time.Duration `json:"window,omitempty"`
	// Alpha: a feature drifted when its KS p-value is below it (default
	// drift.DefaultAlpha).
	Alpha float64 `json:"alpha,omitempty"`
	// Threshold: the model drifted when more than this share of its
	// features drifted (default drift.DefaultThreshold, seed 001's 0.30).
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

// LiveDriftResult is a live drift check: the verdict and a sentence a user
// reads. When there were too few live rows nothing is compared or
// recorded: Drifted is false, ReportID 0, and Reason says so.
type LiveDriftResult struct {
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

// CheckLiveDrift compares the live samples the alias's model was scored on
// (registry.LiveSamples of every scorer, updated within the window) with
// the model's training rows, feature by feature, as `mlctl drift` compares
// a file: KS test and PSI per feature, the model drifted when more than
// Threshold of its features did. The report is recorded with source
// "live" and the running workflow's ID. An unset alias is not checked
// (the reason says so); a model without named features (an LSTM) or a
// sample lacking the model's columns is a non-retryable error.
func (a *Activities) CheckLiveDrift(ctx context.Context, in LiveDriftInput) (LiveDriftResult, error) {
	in, err := in.withDefaults()
	if err != nil {
		return LiveDriftResult{}, nonRetryable(err)
	}
	al, err := a.DB.GetAlias(ctx, in.Alias)
	if mlctl.ErrorCode(err) == mlctl.ENOTFOUND {
		// A schedule may check an alias before its first model goes live.
		return LiveDriftResult{Alias: in.Alias, Threshold: in.Threshold,
			Reason: fmt.Sprintf("alias %s is not set: no model in service to check", in.Alias)}, nil
	}
	if err != nil {
		return LiveDriftResult{}, err
	}
	m := al.Model
	l, err := artifact.Load(ctx, a.DB, m)
	if err != nil {
		return LiveDriftResult{}, nonRetryable(err)
	}
	sc, err := artifact.NewScorer(l.Artifact)
	if err != nil {
		return LiveDriftResult{}, nonRetryable(&BadInputError{"model " + m.Ref() + ": " + err.Error()})
	}
	if len(sc.Names()) == 0 {
		return LiveDriftResult{}, nonRetryable(&BadInputError{fmt.Sprintf(
			"alias %s serves %s (%s), which reads token sequences, not named features: it has no feature samples to check for drift", in.Alias, m.Ref(), m.Algo)})
	}
	res := LiveDriftResult{Alias: in.Alias, Model: m.Ref(), ModelID: m.ID, Threshold: in.Threshold}
	samples, err := a.DB.LiveSamples(ctx, m.ID, time.Now().Add(-in.Window))
	if err != nil {
		return LiveDriftResult{}, err
	}
	live, err := mergeLiveSamples(m.Ref(), sc.Names(), samples, !sc.TakesVectors())
	if err != nil {
		return LiveDriftResult{}, nonRetryable(err)
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
	train, columns, err := TrainingRows(ctx, a.DB, m, l.Manifest)
	if err != nil {
		return LiveDriftResult{}, nonRetryable(err)
	}
	train = BaselineRows(train, in.Baseline)
	if len(train) == 0 {
		return LiveDriftResult{}, nonRetryable(&BadInputError{"model " + m.Ref() + " has no training rows to compare with"})
	}
	base, err := DriftBaseline(sc, train, columns, in.Sample)
	if err != nil {
		return LiveDriftResult{}, nonRetryable(&BadInputError{"drift baseline of " + m.Ref() + ": " + err.Error()})
	}
	recent := DriftSample(live, in.Sample, DriftRecentSeed)
	rep, err := base.Compare(recent, in.Alpha, in.Threshold)
	if err != nil {
		return LiveDriftResult{}, nonRetryable(&BadInputError{"drift check of " + m.Ref() + ": " + err.Error()})
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		return LiveDriftResult{}, fmt.Errorf("drift report of %s: %w", m.Ref(), err)
	}
	if res.ReportID, err = a.DB.AddDriftReport(ctx, registry.DriftReport{ModelID: m.ID, SampleRows: int64(len(recent)),
		DriftedShare: rep.DriftedShare, Drifted: rep.Drifted, Report: raw, Source: "live", WorkflowID: workflowID(ctx)}); err != nil {
		return LiveDriftResult{}, err
	}
	res.Tested, res.DriftedFeatures, res.DriftedShare = rep.Tested, rep.DriftedFeatures, rep.DriftedShare
	res.Drifted, res.MaxPSI = rep.Drifted, rep.MaxPSI
	res.TopFeatures = topByD(rep.Features, topDriftFeatures)
	res.Reason = liveDriftReason(res, rep, in)
	return res, nil
}

// withDefaults fills in the zero values and checks the rest.
func (in LiveDriftInput) withDefaults() (LiveDriftInput, error) {
	if err := registry.ValidAliasName(in.Alias); err != nil {
		return in, err
	}
	if in.Window == 0 {
		in.Window = DefaultDriftWindow
	}
	if in.Alpha == 0 {
		in.Alpha = drift.DefaultAlpha
	}
	if in.Threshold == 0 {
		in.Threshold = drift.DefaultThreshold
	}
	if in.MinRows == 0 {
		in.MinRows = DefaultDriftMinRows
	}
	if in.Sample == 0 {
		in.Sample = DefaultDriftSample
	}
	if in.Baseline == "" {
		in.Baseline = BaselineBenign
	}
	switch {
	case in.Baseline != BaselineBenign && in.Baseline != BaselineAll:
		return in, &BadInputError{fmt.Sprintf("drift baseline %q: want %s or %s", in.Baseline, BaselineBenign, BaselineAll)}
	case in.Window < 0:
		return in, &BadInputError{fmt.Sprintf("drift window %v is negative", in.Window)}
	case !(in.Alpha > 0 && in.Alpha < 1):
		return in, &BadInputError{fmt.Sprintf("drift alpha %v is not in (0, 1)", in.Alpha)}
	case !(in.Threshold > 0 && in.Threshold <= 1):
		return in, &BadInputError{fmt.Sprintf("drift threshold %v is not in (0, 1]", in.Threshold)}
	case in.MinRows < 1:
		return in, &BadInputError{fmt.Sprintf("drift min rows %d is below 1", in.MinRows)}
	case in.Sample < 2:
		return in, &BadInputError{fmt.Sprintf("drift sample %d is below 2", in.Sample)}
	}
	return in, nil
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
			return nil, &BadInputError{fmt.Sprintf("live sample of %s from scorer %s: %v", ref, s.ScorerID, err)}
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

// tooFewLiveRows is the reason a model was not checked.
func tooFewLiveRows(res LiveDriftResult, in LiveDriftInput) string {
	if len(res.Scorers) == 0 {
		return fmt.Sprintf("%s: no scorer of alias %s recorded a live sample in the last %s; not checked for drift",
			res.Model, in.Alias, shortDuration(in.Window))
	}
	return fmt.Sprintf("%s: not enough live rows: %d from %s in the last %s, fewer than the %d a drift check needs; not checked",
		res.Model, res.LiveRows, plural(len(res.Scorers), "scorer"), shortDuration(in.Window), in.MinRows)
}

// liveDriftReason is the verdict in a sentence, e.g. "dga@3: 12 of 44
// features drifted (27%), below 30%; max PSI 0.08 (ngram_x, stable); 1200
// live rows from 2 scorers in the last 1h".
func liveDriftReason(res LiveDriftResult, rep drift.Report, in LiveDriftInput) string {
	from := fmt.Sprintf("%d live rows from %s in the last %s", res.LiveRows, plural(len(res.Scorers), "scorer"), shortDuration(in.Window))
	if rep.Tested == 0 {
		return fmt.Sprintf("%s: no feature could be tested (every live value is missing); %s", res.Model, from)
	}
	side := "below"
	switch {
	case rep.Drifted:
		side = "above"
	case rep.DriftedShare == rep.Threshold:
		side = "at"
	}
	share, limit := percent(rep.DriftedShare, rep.Threshold)
	s := fmt.Sprintf("%s: %d of %d features drifted (%s), %s %s", res.Model, rep.DriftedFeatures, rep.Tested, share, side, limit)
	for _, f := range rep.Features {
		if f.Tested && f.PSI == rep.MaxPSI {
			s += fmt.Sprintf("; max PSI %.2f (%s, %s)", f.PSI, f.Name, drift.PSILevel(f.PSI))
			break
		}
	}
	return s + "; " + from
}

// percent formats a share and the threshold it is compared with, with a
// decimal when whole percents would make them look equal.
func percent(share, threshold float64) (string, string) {
	s, t := fmt.Sprintf("%.0f%%", 100*share), fmt.Sprintf("%.0f%%", 100*threshold)
	if s == t && share != threshold {
		s, t = fmt.Sprintf("%.1f%%", 100*share), fmt.Sprintf("%.1f%%", 100*threshold)
	}
	return s, t
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// shortDuration is d without its zero trailing units: "1h", "30m", "1h30m".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
