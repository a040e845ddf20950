package training

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/training/matrix"
)

// Learner is one learning algorithm.
type Learner interface {
	// Algo is the algorithm's name (--algo, the artifact's "algo").
	Algo() mlctl.Algo
	// Summary says in a few words what it is, for help text.
	Summary() string
	// ModelKey is the key of the model in an artifact's JSON ("gbdt",
	// "forest", "iforest", "lstm").
	ModelKey() string
	// Needs says what data the learner trains on.
	Needs() Needs
	// ParseParams reads the user's parameters (recipe keys already
	// removed) over the learner's defaults, with seed unless the user set
	// one, and validates them. shape describes the training data where it
	// is known (zero in the CLI's checks, before any data is read).
	ParseParams(user map[string]string, seed uint64, shape Shape) (Params, error)
	// Train fits a model to d with p (from ParseParams).
	Train(ctx context.Context, d Data, p Params, h Hooks) (Model, error)
	// DecodeModel parses the model's JSON as Model.MarshalJSON wrote it.
	DecodeModel(data []byte) (Model, error)
	// ResumePoint is how many units (trees or epochs) a checkpoint's
	// state holds, or an error when it is unreadable.
	ResumePoint(state []byte) (int, error)
}

// Input is the form of the rows a learner reads.
type Input int

const (
	// Vectors are rows of named features (Data.X).
	Vectors Input = iota
	// Sequences are token sequences (Data.Train and Data.Valid).
	Sequences
)

// Rows says which rows of the training part a learner learns from.
type Rows int

const (
	// BothClasses: the labeled rows, which must hold both classes.
	BothClasses Rows = iota
	// Baseline: the rows known to be normal (a baseline column's marks,
	// else the benign rows); labels are not needed.
	Baseline
)

// Needs is what a learner trains on.
type Needs struct {
	Input Input
	Rows  Rows
	// Validation: early stopping watches the validation part, which must
	// hold both classes.
	Validation bool
	// Generated: on domain names, the default recipe adds generated DGA
	// and benign names to the training part (datasets/dgagen).
	Generated bool
	// Kinds are the kinds of data it trains on; nil means every kind.
	Kinds []mlctl.Kind
	// Unit names what Progress.Done counts: "trees" or "epochs".
	Unit string
	// UnitParam is the parameter, as Params.Map names it, that sets how
	// many units a model trains (rounds, n_estimators, epochs): what
	// successive halving in mlctl tune gives a trial more of at each rung.
	UnitParam string
}

// Shape is what a learner's parameters may depend on in the training data.
type Shape struct {
	// Positives and Negatives count the labeled training rows.
	Positives, Negatives int
	// Vocab is a sequence input's vocabulary size (0: not known), and
	// Tokenizer the name of the tokenizer that has it.
	Vocab     int
	Tokenizer string
}

// Params are a learner's parsed parameters.
type Params interface {
	// Map is every parameter, resolved, as the manifest records it.
	Map() map[string]string
}

// Data is what a learner trains on: vectors (X, Y) or sequences (Train,
// Valid), as its Needs say.
type Data struct {
	// X holds one row per training example; Y their labels (nil for a
	// Baseline learner).
	X *matrix.Matrix
	Y []float32
	// FeatureNames name X's columns.
	FeatureNames []string
	// Train and Valid are labeled token sequences.
	Train, Valid Examples
	// Memo, when set, keeps what a learner derives from these rows alone
	// between runs on them (nil: derive it every run).
	Memo *Memo
}

// Examples are labeled token sequences.
type Examples struct {
	matrix.Sequences
	Labels []float32
}

// Hooks connect a training run to its surroundings; the zero value trains
// without them.
type Hooks struct {
	// Progress is called as training goes (Stage, Done, Total and the
	// learner's own fields set); an error stops training with that error.
	Progress func(Progress) error
	// Checkpoint saves a state to resume from after done units.
	Checkpoint func(done int, state []byte) error
	// CheckpointEvery is the least time between checkpoints of a learner
	// that could make one after every unit (0: every unit).
	CheckpointEvery time.Duration
	// Resume is a state Checkpoint was given; the result equals an
	// uninterrupted run's.
	Resume []byte
}

// Model is a trained model as an artifact holds it.
type Model interface {
	json.Marshaler
	// NumFeatures is the number of named features it reads (0 for a
	// sequence model).
	NumFeatures() int
	// Units is the trees it holds, or a sequence model's epochs.
	Units() int
}

// DecodeJSON is a learner's DecodeModel for a model type whose pointer
// reads its own JSON: it parses data into a new T.
func DecodeJSON[T any, P interface {
	*T
	Model
}](data []byte) (Model, error) {
	m := P(new(T))
	if err := json.Unmarshal(data, m); err != nil {
		return nil, err
	}
	return m, nil
}

// NoCheckpoints is embedded by a learner that trains in seconds and does
// not checkpoint: a retried run starts again and, being seeded, builds the
// same bytes.
type NoCheckpoints struct{}

// ResumePoint refuses: there are no checkpoints to resume from.
func (NoCheckpoints) ResumePoint([]byte) (int, error) {
	return 0, errors.New("this learner does not checkpoint")
}

// Searchable is a learner with a default search space for `mlctl tune`:
// the parameters worth searching, as --param values (k=lo..hi[:log] or
// k=a,b,c).
type Searchable interface {
	SearchSpace() []string
}
