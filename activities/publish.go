package activities

import (
	"cmp"
	"context"
	"encoding/json"

	"github.com/mlctl/mlctl"

	"go.temporal.io/sdk/activity"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/evaluation"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/registry"
)

// PublishInput carries everything the manifest records.
type PublishInput struct {
	WorkflowID      string            `json:"workflow_id"`
	Model           string            `json:"model"`
	Algo            string            `json:"algo"`
	CandidateID     int64             `json:"candidate_id"`
	Datasets        []DatasetRef      `json:"datasets"`
	Split           SplitResult       `json:"split"`
	Seed            uint64            `json:"seed"`
	HoldoutFamilies []string          `json:"holdout_families"`
	Params          map[string]string `json:"params"`
	Evaluation      EvaluateResult    `json:"evaluation"`
	// KeepVersions is how many of the model's newest versions keep their
	// artifact bytes (0: registry.DefaultKeepVersions).
	KeepVersions int `json:"keep_versions,omitempty"`
	// Tuned is the tuning run that chose the parameters, for the manifest.
	Tuned *mlctl.Tuned `json:"tuned,omitempty"`
}

// PublishResult names the published version.
type PublishResult struct {
	ModelID int64  `json:"model_id"`
	Name    string `json:"name"`
	Version int    `json:"version"`
	SHA256  string `json:"sha256"`
	Created bool   `json:"created"`
	// FeatureFit is the manifest's feature_fit ("" or
	// artifact.FeatureFitBenignOnly).
	FeatureFit string `json:"feature_fit,omitempty"`
}

// Publish stores the candidate as a new model version with its manifest and
// evaluations. It is idempotent: a retry returns the version the first
// attempt created.
func (a *Activities) Publish(ctx context.Context, in PublishInput) (PublishResult, error) {
	if m, err := a.DB.ModelByWorkflow(ctx, in.WorkflowID); err == nil {
		man, err := published.ParseManifest(m)
		if err != nil {
			return PublishResult{}, nonRetryable(err)
		}
		return PublishResult{ModelID: m.ID, Name: m.Name, Version: m.Version, SHA256: m.SHA256, FeatureFit: man.FeatureFit}, nil
	}
	c, err := a.DB.CheckpointByID(ctx, in.CandidateID)
	if err != nil {
		return PublishResult{}, nonRetryable(err)
	}
	art, err := artifact.Decode(c.Artifact, c.SHA256)
	if err != nil {
		return PublishResult{}, nonRetryable(mlctl.Errorf(mlctl.ECORRUPT, "candidate %d: %v", in.CandidateID, err))
	}
	refs := make([]string, len(in.Datasets))
	ids := make([]int64, len(in.Datasets))
	for i, d := range in.Datasets {
		refs[i], ids[i] = d.Ref, d.ID
	}
	metrics, err := json.Marshal(in.Evaluation.Test.Metrics)
	if err != nil {
		return PublishResult{}, err
	}
	fit, err := featureFit(art.FeatureSet)
	if err != nil {
		return PublishResult{}, nonRetryable(mlctl.Errorf(mlctl.ECORRUPT, "candidate %d: %v", in.CandidateID, err))
	}
	holdout := in.HoldoutFamilies
	if holdout == nil {
		holdout = []string{}
	}
	man := artifact.Manifest{
		FormatVersion: artifact.FormatVersion, Algo: string(art.Algo),
		FeatureSet: art.FeatureSet.Name, FeatureVersion: art.FeatureSet.Version, FeatureNames: art.FeatureSet.Names, FeatureFit: fit,
		Threshold: in.Evaluation.Threshold, ThresholdRule: cmp.Or(in.Evaluation.ThresholdRule, evaluation.BestF1Rule),
		ClientThreshold: in.Evaluation.ClientThreshold,
		Params:          art.Params, Metrics: metrics, DatasetVersions: refs,
		Split: artifact.SplitInfo{Seed: in.Seed, HoldoutFamilies: holdout,
			Train: in.Split.Train, Validation: in.Split.Validation, Test: in.Split.Test},
		WorkflowID: in.WorkflowID, SHA256: c.SHA256, SizeBytes: len(c.Artifact), Tuned: in.Tuned,
	}
	manJSON, err := json.Marshal(man)
	if err != nil {
		return PublishResult{}, err
	}
	var evals []registry.Evaluation
	for _, e := range []struct {
		part string
		rep  mlctl.Report
	}{{"validation", in.Evaluation.Validation}, {"test", in.Evaluation.Test}} {
		if e.rep.Rows > 0 {
			evals = append(evals, evaluation.Record(0, ids, e.part, e.rep))
		}
	}
	m, created, err := a.DB.PublishModel(ctx, registry.NewModel{
		Name: in.Model, Algo: string(art.Algo), Artifact: c.Artifact, SHA256: c.SHA256, Manifest: manJSON,
		DatasetVersions: refs, WorkflowID: in.WorkflowID, Evaluations: evals,
	})
	if err != nil {
		return PublishResult{}, nonRetryable(err)
	}
	if err := a.DB.DeleteCheckpoints(ctx, in.WorkflowID); err != nil {
		return PublishResult{}, err
	}
	// Model history: only the newest versions keep their bytes (and any an
	// alias uses or used). A failure here leaves extra bytes, not a bad model.
	keep := registry.DefaultKeepVersions
	if in.KeepVersions > 0 {
		keep = in.KeepVersions
	}
	if pruned, err := a.DB.PruneModelHistory(ctx, in.Model, keep); err != nil {
		activity.GetLogger(ctx).Warn("prune model history", "model", in.Model, "error", err)
	} else if len(pruned) > 0 {
		activity.GetLogger(ctx).Info("pruned the artifacts of old versions", "model", in.Model, "versions", pruned, "keep", keep)
	}
	return PublishResult{ModelID: m.ID, Name: m.Name, Version: m.Version, SHA256: m.SHA256, Created: created, FeatureFit: fit}, nil
}

// featureFit is the manifest's feature_fit of a feature set:
// artifact.FeatureFitBenignOnly for a domain set fitted on benign rows
// only, else "" (the other sets are stateless, a dataset's columns, or an
// LSTM's tokenizer, none of which learns from labels).
func featureFit(fs artifact.FeatureSet) (string, error) {
	if fs.Name != "domain" {
		return "", nil
	}
	set, err := features.Lookup(fs.Name, fs.State)
	if err != nil {
		return "", err
	}
	if d, ok := set.(*features.Domain); ok && d.BenignOnly() {
		return artifact.FeatureFitBenignOnly, nil
	}
	return "", nil
}
