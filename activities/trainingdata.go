package activities

import (
	"encoding/json"
	"fmt"
	"maps"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/tokens"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/trainingdata"
)

// trainingData is a run's rows as its learner needs them, before and after
// the features are fitted.
type trainingData struct {
	need training.Needs
	// train are the labeled rows of the training part (with the default
	// recipe's generated names); valid the validation part's; part the
	// whole training part (a baseline learner's features fit on it).
	train, valid, part []datasets.Row
	baselineColumn     string
	featureSet         string
	seed               uint64
	// shape is what the learner's parameters may depend on; params the
	// recipe's additions to the manifest's parameters.
	shape  training.Shape
	params map[string]string
	// fs is the fitted feature set or tokenizer (set by build, or taken
	// from a checkpoint); tok the tokenizer of a sequence learner.
	fs  artifact.FeatureSet
	tok tokens.Tokenizer
}

// rows counts the rows the learner trains on: the training part's
// labeled rows, or the whole part for a learner of a baseline (0 before
// they are picked).
func (d *trainingData) rows() int {
	switch {
	case d == nil:
		return 0
	case d.need.Rows == training.Baseline:
		return len(d.part)
	}
	return len(d.train)
}

// trainingData picks the rows the learner trains on and checks them: both
// classes where it needs labels, the validation part where it stops early,
// the baseline rows where it learns from a baseline.
func (a *Activities) trainingData(lay trainingdata.Layout, split *registry.Split, rows []datasets.Row, l training.Learner, spec training.Spec, featureSet string, seed uint64) (*trainingData, error) {
	d := &trainingData{need: l.Needs(), featureSet: featureSet, seed: seed, params: map[string]string{}}
	d.part = trainingdata.Part(rows, split, registry.PartTrain)
	d.train = trainingdata.Labeled(d.part)
	if d.need.Rows == training.BothClasses {
		if spec.BaselineColumn != "" {
			return nil, fmt.Errorf("baseline_column: only isolation forests (--algo iforest) learn from a baseline")
		}
		if err := trainingdata.TwoClasses(d.train, "training part"); err != nil {
			return nil, err
		}
	}
	if d.need.Validation {
		d.valid = trainingdata.Labeled(trainingdata.Part(rows, split, registry.PartValidation))
		if err := trainingdata.TwoClasses(d.valid, "validation part (early stopping watches it)"); err != nil {
			return nil, err
		}
	}
	train, augmented, err := augmentTraining(lay, d.need.Generated, spec.Params, d.train, seed)
	if err != nil {
		return nil, err
	}
	if d.need.Generated {
		d.train = train
		maps.Copy(d.params, augmented)
	}
	d.baselineColumn = baselineColumnOf(lay, spec.BaselineColumn)
	if d.need.Rows == training.Baseline && d.baselineColumn != "" {
		d.params["baseline_column"] = d.baselineColumn
	}
	for _, r := range d.train {
		if r.Label == 1 {
			d.shape.Positives++
		} else {
			d.shape.Negatives++
		}
	}
	if d.need.Input == training.Sequences {
		if d.tok, d.fs, err = fitTokenizer(lay.Kind, d.train); err != nil {
			return nil, err
		}
		d.shape.Vocab, d.shape.Tokenizer = d.tok.VocabSize(), d.tok.Name()
	}
	return d, nil
}

// build fits the features (unless a checkpoint brought them) and returns
// what the learner trains on.
func (d *trainingData) build(lay trainingdata.Layout) (training.Data, error) {
	if d.need.Input == training.Sequences {
		return training.Data{Train: sequences(d.tok, d.train), Valid: sequences(d.tok, d.valid)}, nil
	}
	fitRows := d.train
	if d.need.Rows == training.Baseline {
		fitRows = d.part
	}
	var fz *featurizer
	var err error
	if d.fs.Name != "" {
		fz, err = featurizerOf(d.fs, lay)
	} else {
		fz, err = newFeaturizer(lay, d.featureSet, d.baselineColumn, fitRows, d.seed)
	}
	if err != nil {
		return training.Data{}, err
	}
	d.fs = fz.fs
	if d.need.Rows == training.Baseline {
		baseline, err := baselineRows(d.part, lay, d.baselineColumn)
		if err != nil {
			return training.Data{}, err
		}
		return training.Data{X: fz.matrix(baseline), FeatureNames: fz.fs.Names}, nil
	}
	y := make([]float32, len(d.train))
	for i, r := range d.train {
		y[i] = float32(r.Label)
	}
	return training.Data{X: fz.matrix(d.train), Y: y, FeatureNames: fz.fs.Names}, nil
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
		t, err := tokens.FitTXT(trainingdata.Names(train), tokens.TXTOptions{})
		if err != nil {
			return nil, artifact.FeatureSet{}, fmt.Errorf("fit the TXT vocabulary: %w", err)
		}
		tok, version = t, tokens.TXTVersion
	default:
		return nil, artifact.FeatureSet{}, fmt.Errorf("no tokenizer reads %s datasets", kind)
	}
	state, err := json.Marshal(tok)
	if err != nil {
		return nil, artifact.FeatureSet{}, fmt.Errorf("encode the tokenizer: %w", err)
	}
	return tok, artifact.FeatureSet{Name: tok.Name(), Version: version, State: state}, nil
}

// sequences encodes rows' inputs as labeled token sequences.
func sequences(tok tokens.Tokenizer, rows []datasets.Row) training.Examples {
	var b tokens.Batch
	b.Encode(tok, trainingdata.Names(rows))
	labels := make([]float32, len(rows))
	for i, r := range rows {
		labels[i] = float32(r.Label)
	}
	return training.Examples{Sequences: matrix.Sequences{IDs: b.IDs, Lengths: b.Lengths, Width: b.Width}, Labels: labels}
}
