package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/gbdt"
)

// ProgressSignal is the signal a training activity sends its workflow.
const ProgressSignal = "train-progress"

// TrainProgress is what a training activity reports (signal and heartbeat).
type TrainProgress struct {
	Stage       string  `json:"stage"` // features, trees, epochs
	Done        int     `json:"done"`
	Total       int     `json:"total"`
	Elapsed     float64 `json:"elapsed_seconds"`
	ETA         float64 `json:"eta_seconds"`
	ResumedFrom int     `json:"resumed_from"`
	// An LSTM reports its epochs as Done of Total, and the batch of the
	// epoch, the epoch's mean training loss so far and the validation
	// ROC-AUC after the last finished epoch.
	Batch    int     `json:"batch,omitempty"`
	Batches  int     `json:"batches,omitempty"`
	Loss     float64 `json:"loss,omitempty"`
	ValidAUC float64 `json:"validation_auc,omitempty"`
}

// TrainHeartbeat is recorded with every heartbeat; a retried attempt resumes
// from its checkpoint instead of from tree 0.
type TrainHeartbeat struct {
	CheckpointID int64 `json:"checkpoint_id"`
	Trees        int   `json:"trees"`
}

// TrainInput says what to train on and how.
type TrainInput struct {
	WorkflowID string            `json:"workflow_id"`
	DatasetIDs []int64           `json:"dataset_ids"`
	SplitID    int64             `json:"split_id"`
	Algo       string            `json:"algo"`
	FeatureSet string            `json:"feature_set"`
	Params     map[string]string `json:"params"`
	Seed       uint64            `json:"seed"`
	// CheckpointEvery is the shortest time between checkpoints (default 5s).
	CheckpointEvery time.Duration `json:"checkpoint_every"`
}

// TrainResult identifies the unpublished candidate model.
type TrainResult struct {
	CandidateID int64             `json:"candidate_id"`
	SHA256      string            `json:"sha256"`
	Trees       int               `json:"trees"`
	ResumedFrom int               `json:"resumed_from"`
	Params      map[string]string `json:"params"`
	Seconds     float64           `json:"seconds"`
}

// Train fits the feature set on the training part, trains the model with
// heartbeats, checkpoints to the registry and stores the finished model as a
// candidate. After a worker dies it resumes from the last checkpoint.
func (a *Activities) Train(ctx context.Context, in TrainInput) (TrainResult, error) {
	start := time.Now()
	if in.Algo == "lstm" {
		hb := newHeartbeater(ctx)
		defer hb.stop()
		return a.trainLSTM(ctx, in, start, hb)
	}
	if in.Algo != "gbdt" {
		hb := newHeartbeater(ctx)
		defer hb.stop()
		return a.trainForest(ctx, in, start)
	}
	if in.CheckpointEvery <= 0 {
		in.CheckpointEvery = 5 * time.Second
	}
	hb := newHeartbeater(ctx)
	defer hb.stop()

	rows, lay, split, err := a.loadSplitRows(ctx, in.DatasetIDs, in.SplitID)
	if err != nil {
		return TrainResult{}, nonRetryable(err)
	}
	train := labeled(partRows(rows, split, registry.PartTrain))
	if err := checkTwoClasses(train, "training part"); err != nil {
		return TrainResult{}, nonRetryable(err)
	}
	if in.Params["baseline_column"] != "" {
		return TrainResult{}, nonRetryable(&BadInputError{"baseline_column: only isolation forests (--algo iforest) learn from a baseline"})
	}
	train, augmented, err := augmentTraining(lay, in.Algo, in.Params, train, in.Seed)
	if err != nil {
		return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	params, resolved, err := GBDTParams(in.Params, in.Seed, train)
	if err != nil {
		return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	maps.Copy(resolved, augmented)

	// Resume: a checkpoint carries the fitted features and the partial model.
	setName := featureSetName(in.FeatureSet)
	if lay.Columns != nil {
		setName = lay.Kind
	}
	art, resumed := a.resumePoint(ctx, in, resolved, setName)
	if resumed > 0 {
		hb.set(TrainHeartbeat{Trees: resumed})
	}

	a.progress(ctx, TrainProgress{Stage: "features", Total: params.Rounds, ResumedFrom: resumed, Elapsed: time.Since(start).Seconds()})
	var fz *featurizer
	if art != nil {
		fz, err = featurizerOf(art.FeatureSet, lay)
	} else {
		fz, err = newFeaturizer(lay, in.FeatureSet, "", train, in.Seed)
	}
	if err != nil {
		return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	if art == nil {
		art = &artifact.Artifact{Algo: in.Algo, Params: resolved, FeatureSet: fz.fs}
	}
	x := fz.matrix(train)
	y := make([]float32, len(train))
	for i, r := range train {
		y[i] = float32(r.Label)
	}

	treesStart := time.Now()
	lastSave := time.Now()
	opt := gbdt.Options{
		Progress: func(done int, partial *gbdt.Model) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			el := time.Since(treesStart).Seconds()
			eta := 0.0
			if done > resumed {
				eta = el / float64(done-resumed) * float64(params.Rounds-done)
			}
			if time.Since(lastSave) >= in.CheckpointEvery && done < params.Rounds {
				art.GBDT = partial
				data, sha, err := artifact.Encode(art)
				if err != nil {
					return err
				}
				id, err := a.DB.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: in.WorkflowID, Kind: registry.KindCheckpoint, Progress: done, SHA256: sha, Artifact: data})
				if err != nil {
					return err
				}
				hb.set(TrainHeartbeat{CheckpointID: id, Trees: done})
				lastSave = time.Now()
			}
			a.progress(ctx, TrainProgress{Stage: "trees", Done: done, Total: params.Rounds, Elapsed: time.Since(start).Seconds(), ETA: eta, ResumedFrom: resumed})
			return nil
		},
	}
	if resumed > 0 {
		opt.Resume = art.GBDT
	}
	model, err := gbdt.Train(ctx, x, y, params, opt)
	if err != nil {
		if ctx.Err() != nil {
			return TrainResult{}, ctx.Err()
		}
		return TrainResult{}, fmt.Errorf("train: %w", err)
	}
	art.GBDT = model
	data, sha, err := artifact.Encode(art)
	if err != nil {
		return TrainResult{}, err
	}
	id, err := a.DB.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: in.WorkflowID, Kind: registry.KindCandidate, Progress: model.NumTrees(), SHA256: sha, Artifact: data})
	if err != nil {
		return TrainResult{}, err
	}
	a.progress(ctx, TrainProgress{Stage: "trees", Done: params.Rounds, Total: params.Rounds, Elapsed: time.Since(start).Seconds(), ResumedFrom: resumed})
	return TrainResult{CandidateID: id, SHA256: sha, Trees: model.NumTrees(), ResumedFrom: resumed, Params: resolved, Seconds: time.Since(start).Seconds()}, nil
}

// resumePoint finds where a retried attempt can continue: the checkpoint
// named by the last heartbeat, or a newer one this workflow saved after it
// (heartbeats are throttled, checkpoints are not). A checkpoint made with
// other parameters or an unreadable one is ignored.
func (a *Activities) resumePoint(ctx context.Context, in TrainInput, params map[string]string, setName string) (*artifact.Artifact, int) {
	var best *registry.Checkpoint
	var last TrainHeartbeat
	if activity.HasHeartbeatDetails(ctx) && activity.GetHeartbeatDetails(ctx, &last) == nil && last.CheckpointID > 0 {
		if c, err := a.DB.CheckpointByID(ctx, last.CheckpointID); err == nil {
			best = c
		}
	}
	if c, err := a.DB.LatestCheckpoint(ctx, in.WorkflowID, registry.KindCheckpoint); err == nil && (best == nil || c.Progress > best.Progress) {
		best = c
	}
	if best == nil {
		return nil, 0
	}
	art, err := artifact.Decode(best.Artifact, best.SHA256)
	if err == nil && !maps.Equal(art.Params, params) {
		err = fmt.Errorf("made with other parameters")
	}
	if err == nil && (art.GBDT == nil || art.FeatureSet.Name != setName) {
		err = fmt.Errorf("made for another model")
	}
	if err != nil {
		activity.GetLogger(ctx).Warn("checkpoint unusable, training from the start", "checkpoint", best.ID, "error", err)
		return nil, 0
	}
	activity.GetLogger(ctx).Info("resuming from checkpoint", "checkpoint", best.ID, "trees", art.GBDT.NumTrees())
	return art, art.GBDT.NumTrees()
}

func featureSetName(name string) string {
	if name == "" {
		return "domain"
	}
	return name
}

// progress signals the workflow at most once a second (and always at the end).
func (a *Activities) progress(ctx context.Context, p TrainProgress) {
	if a.Client == nil {
		return
	}
	info := activity.GetInfo(ctx)
	key := info.WorkflowExecution.ID
	progressMu.Lock()
	lastAt := progressLast[key]
	final := p.Total > 0 && p.Done == p.Total
	if !final && time.Since(lastAt) < time.Second && p.Stage == "trees" {
		progressMu.Unlock()
		return
	}
	if final {
		delete(progressLast, key)
	} else {
		progressLast[key] = time.Now()
	}
	progressMu.Unlock()
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := a.Client.SignalWorkflow(sctx, key, info.WorkflowExecution.RunID, ProgressSignal, p); err != nil {
		activity.GetLogger(ctx).Debug("progress signal failed", "error", err)
	}
}

var (
	progressMu   sync.Mutex
	progressLast = map[string]time.Time{}
)

// heartbeater records heartbeats every second in the background, so feature
// fitting and checkpoint writes never starve the heartbeat timeout.
type heartbeater struct {
	mu     sync.Mutex
	detail TrainHeartbeat
	done   chan struct{}
	wg     sync.WaitGroup
}

func newHeartbeater(ctx context.Context) *heartbeater {
	h := &heartbeater{done: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			h.mu.Lock()
			d := h.detail
			h.mu.Unlock()
			activity.RecordHeartbeat(ctx, d)
			select {
			case <-t.C:
			case <-h.done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return h
}

func (h *heartbeater) set(d TrainHeartbeat) {
	h.mu.Lock()
	h.detail = d
	h.mu.Unlock()
}

func (h *heartbeater) stop() {
	close(h.done)
	h.wg.Wait()
}

func checkTwoClasses(rows []datasets.Row, what string) error {
	var pos, neg int
	for _, r := range rows {
		if r.Label == 1 {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return &BadInputError{fmt.Sprintf("%s has %d malicious and %d benign rows; training needs both (ingest a benign list with --label 0 and a DGA list with --label 1)", what, pos, neg)}
	}
	return nil
}

func names(rows []datasets.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Name
	}
	return out
}

// fitFeatures builds the named feature set, fitting any learned state on the training rows.
func fitFeatures(name string, train []datasets.Row, seed uint64) (features.Set, error) {
	switch name {
	case "", "domain":
		return features.FitDomain(train, features.DomainOptions{Seed: seed})
	default:
		set, err := features.Lookup(name, nil)
		if err != nil {
			return nil, fmt.Errorf("feature set %q: %w", name, err)
		}
		return set, nil
	}
}

// featureState returns the JSON state of fitted sets, nil for stateless ones.
func featureState(set features.Set) (json.RawMessage, error) {
	m, ok := set.(json.Marshaler)
	if !ok {
		return nil, nil
	}
	b, err := m.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("encode feature state: %w", err)
	}
	return b, nil
}

// RecipeParams are the --param keys that shape a training run around the
// algorithm (the feature set, the threshold rule, an isolation forest's
// baseline column, how many versions keep their artifact) rather than the
// trees.
var RecipeParams = map[string]bool{"feature_set": true, "threshold_fpr": true, "threshold_rule": true, "baseline_column": true, "keep_versions": true,
	"gen_dga": true, "gen_benign": true, "benign_registrable": true}

// GBDTParams parses user parameters over mlctl's defaults for DGA models and
// returns them with the fully resolved key=value map that goes in the manifest.
func GBDTParams(kv map[string]string, seed uint64, train []datasets.Row) (gbdt.Params, map[string]string, error) {
	p := DefaultGBDTParams()
	user := map[string]string{}
	for k, v := range kv {
		if RecipeParams[k] {
			continue
		}
		user[k] = v
	}
	if _, ok := user["scale_pos_weight"]; !ok {
		// heiDGAF's recipe: weight positives by neg/pos.
		var pos, neg int
		for _, r := range train {
			if r.Label == 1 {
				pos++
			} else {
				neg++
			}
		}
		if pos > 0 {
			p.ScalePosWeight = float64(neg) / float64(pos)
		}
	}
	if err := gbdt.ParseParams(user, &p); err != nil {
		return p, nil, err
	}
	if _, ok := user["seed"]; !ok {
		p.Seed = seed
	}
	if err := p.Validate(); err != nil {
		return p, nil, err
	}
	resolved := map[string]string{
		"rounds":           strconv.Itoa(p.Rounds),
		"max_depth":        strconv.Itoa(p.MaxDepth),
		"eta":              fmtFloat(p.Eta),
		"lambda":           fmtFloat(p.Lambda),
		"alpha":            fmtFloat(p.Alpha),
		"gamma":            fmtFloat(p.Gamma),
		"min_child_weight": fmtFloat(p.MinChildWeight),
		"subsample":        fmtFloat(p.Subsample),
		"colsample_bytree": fmtFloat(p.ColsampleByTree),
		"scale_pos_weight": fmtFloat(p.ScalePosWeight),
		"base_score":       fmtFloat(p.BaseScore),
		"max_bin":          strconv.Itoa(p.MaxBin),
		"seed":             strconv.FormatUint(p.Seed, 10),
	}
	return p, resolved, nil
}

// DefaultGBDTParams are mlctl's defaults for domain models (depth 6, 100
// rounds, eta 0.2, min_child_weight 20); any of them can be overridden with
// --param. min_child_weight 20 (instead of 1) keeps leaves from fitting a few
// hundred confidently scored training names: with DGA families held out it
// raised ROC-AUC on unseen families and on an unseen benign source (mlctl-bench
// generalisation runs). 100 rounds at eta 0.2 generalise as well as 200 at
// 0.1 there (mean AUC 0.9860 / 0.9264 vs 0.9860 / 0.9275) and score twice as
// fast, which keeps features + trees above a million names/s on 2 cores.
func DefaultGBDTParams() gbdt.Params {
	p := gbdt.DefaultParams()
	p.Rounds = 100
	p.MaxDepth = 6
	p.Eta = 0.2
	p.MinChildWeight = 20
	return p
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
