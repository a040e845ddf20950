package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/tokens"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/lstm"
)

// trainLSTM trains a sequence model: domain names character by character
// (dga datasets) or TXT records as seed 002's n-grams (txt datasets, the
// vocabulary fitted on the training part), with early stopping on the
// validation part. After every epoch it saves the training state as a
// checkpoint and names it in the heartbeat, so a retried attempt resumes
// after the last finished epoch and ends with the same bytes.
func (a *Activities) trainLSTM(ctx context.Context, in TrainInput, start time.Time, hb *heartbeater) (TrainResult, error) {
	rows, lay, split, err := a.loadSplitRows(ctx, in.DatasetIDs, in.SplitID)
	if err != nil {
		return TrainResult{}, nonRetryable(err)
	}
	if lay.Kind != "dga" && lay.Kind != "txt" {
		return TrainResult{}, nonRetryable(&BadInputError{fmt.Sprintf("lstm trains on dga or txt datasets (token sequences), not %s ones", lay.Kind)})
	}
	train := labeled(partRows(rows, split, registry.PartTrain))
	valid := labeled(partRows(rows, split, registry.PartValidation))
	if err := checkTwoClasses(train, "training part"); err != nil {
		return TrainResult{}, nonRetryable(err)
	}
	if err := checkTwoClasses(valid, "validation part (early stopping watches it)"); err != nil {
		return TrainResult{}, nonRetryable(err)
	}
	a.progress(ctx, TrainProgress{Stage: "features", Elapsed: time.Since(start).Seconds()})
	tok, fs, err := fitTokenizer(lay.Kind, train)
	if err != nil {
		return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	p := lstm.DefaultParams()
	p.Vocab, p.Seed = tok.VocabSize(), in.Seed
	user := map[string]string{}
	for k, v := range in.Params {
		if !RecipeParams[k] {
			user[k] = v
		}
	}
	if err := lstm.ParseParams(user, &p); err != nil {
		return TrainResult{}, nonRetryable(&BadInputError{err.Error()})
	}
	if p.Vocab != tok.VocabSize() {
		return TrainResult{}, nonRetryable(&BadInputError{fmt.Sprintf("vocab %d: the %s tokenizer has %d ids", p.Vocab, tok.Name(), tok.VocabSize())})
	}
	opt := lstm.Options{
		Progress: func(pr lstm.Progress) error {
			tp := TrainProgress{Stage: "epochs", Done: pr.Epoch, Total: pr.Epochs, Batch: pr.Batch, Batches: pr.Batches,
				Loss: pr.Loss, Elapsed: time.Since(start).Seconds()}
			if !math.IsNaN(pr.ValidAUC) {
				tp.ValidAUC = pr.ValidAUC
			}
			a.progress(ctx, tp)
			return ctx.Err()
		},
		Checkpoint: func(epoch int, state []byte) error {
			id, err := a.DB.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: in.WorkflowID, Kind: registry.KindCheckpoint, Progress: epoch,
				SHA256: artifact.SHA256(state), Artifact: state})
			if err != nil {
				return err
			}
			hb.set(TrainHeartbeat{CheckpointID: id, Trees: epoch})
			return nil
		},
	}
	resumed := 0
	if state, epoch := a.lstmResumePoint(ctx, in); state != nil {
		opt.Resume, resumed = state, epoch
		hb.set(TrainHeartbeat{Trees: epoch})
	}
	m, err := lstm.Train(ctx, sequences(tok, train), sequences(tok, valid), p, opt)
	if err != nil && opt.Resume != nil && ctx.Err() == nil {
		// A state this run cannot use (other parameters): start over.
		activity.GetLogger(ctx).Warn("lstm checkpoint unusable, training from the start", "error", err)
		opt.Resume, resumed = nil, 0
		m, err = lstm.Train(ctx, sequences(tok, train), sequences(tok, valid), p, opt)
	}
	if err != nil {
		return TrainResult{}, trainError(ctx, err)
	}
	art := &artifact.Artifact{Algo: "lstm", FeatureSet: fs, Params: p.Map(), LSTM: m}
	data, sha, err := artifact.Encode(art)
	if err != nil {
		return TrainResult{}, err
	}
	epochs := len(m.History())
	id, err := a.DB.SaveCheckpoint(ctx, registry.Checkpoint{WorkflowID: in.WorkflowID, Kind: registry.KindCandidate, Progress: epochs, SHA256: sha, Artifact: data})
	if err != nil {
		return TrainResult{}, err
	}
	return TrainResult{CandidateID: id, SHA256: sha, Trees: epochs, ResumedFrom: resumed, Params: maps.Clone(art.Params), Seconds: time.Since(start).Seconds()}, nil
}

// fitTokenizer builds the tokenizer of a dataset kind, fitted on the
// training rows where it learns a vocabulary, and its artifact feature set.
func fitTokenizer(kind string, train []datasets.Row) (tokens.Tokenizer, artifact.FeatureSet, error) {
	var tok tokens.Tokenizer
	version := 0
	switch kind {
	case "dga":
		d, err := tokens.NewDomain(0)
		if err != nil {
			return nil, artifact.FeatureSet{}, err
		}
		tok, version = d, tokens.DomainVersion
	case "txt":
		t, err := tokens.FitTXT(names(train), tokens.TXTOptions{})
		if err != nil {
			return nil, artifact.FeatureSet{}, fmt.Errorf("fit the TXT vocabulary: %w", err)
		}
		tok, version = t, tokens.TXTVersion
	}
	state, err := json.Marshal(tok)
	if err != nil {
		return nil, artifact.FeatureSet{}, fmt.Errorf("encode the tokenizer: %w", err)
	}
	return tok, artifact.FeatureSet{Name: tok.Name(), Version: version, State: state}, nil
}

// sequences encodes rows' inputs as the LSTM's labeled token sequences.
func sequences(tok tokens.Tokenizer, rows []datasets.Row) lstm.Examples {
	var b tokens.Batch
	b.Encode(tok, names(rows))
	labels := make([]float32, len(rows))
	for i, r := range rows {
		labels[i] = float32(r.Label)
	}
	return lstm.Examples{Sequences: lstm.Sequences{IDs: b.IDs, Lengths: b.Lengths, Width: b.Width}, Labels: labels}
}

// lstmResumePoint returns the newest training state this workflow saved
// (the one the last heartbeat named, or a newer one) and its epoch.
func (a *Activities) lstmResumePoint(ctx context.Context, in TrainInput) ([]byte, int) {
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
	if best == nil || artifact.SHA256(best.Artifact) != best.SHA256 {
		return nil, 0
	}
	epoch, err := lstm.ResumeEpoch(best.Artifact)
	if err != nil {
		activity.GetLogger(ctx).Warn("lstm checkpoint unreadable, training from the start", "checkpoint", best.ID, "error", err)
		return nil, 0
	}
	activity.GetLogger(ctx).Info("resuming lstm training", "checkpoint", best.ID, "after_epoch", epoch)
	return best.Artifact, epoch
}
