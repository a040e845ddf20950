package artifact

import (
	"fmt"

	"github.com/mlctl/mlctl/features/tokens"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/matrix"
)

// sequenceModel scores inputs as token sequences: a tokenizer and a
// sequence model (an LSTM).
type sequenceModel struct {
	tok tokens.Tokenizer
	m   training.SequenceClassifier
}

// sequenceKinds maps a tokenizer to the kind of dataset its model scores.
var sequenceKinds = map[string]string{tokens.DomainName: "dga", tokens.TXTName: "txt"}

// newSequenceModel loads a sequence model's tokenizer and checks it fits the model.
func newSequenceModel(a *Artifact) (*sequenceModel, string, error) {
	m, ok := a.Model.(training.SequenceClassifier)
	if !ok {
		return nil, "", fmt.Errorf("artifact: a %s model does not score token sequences", a.Algo)
	}
	kind, ok := sequenceKinds[a.FeatureSet.Name]
	if !ok {
		return nil, "", fmt.Errorf("artifact: lstm model with tokenizer %q (this mlctl has %s and %s)", a.FeatureSet.Name, tokens.DomainName, tokens.TXTName)
	}
	tok, err := tokens.Load(a.FeatureSet.State)
	if err != nil {
		return nil, "", fmt.Errorf("artifact: tokenizer of the lstm model: %w", err)
	}
	if tok.Name() != a.FeatureSet.Name {
		return nil, "", fmt.Errorf("artifact: feature set %q holds a %q tokenizer", a.FeatureSet.Name, tok.Name())
	}
	if v := m.VocabSize(); v != tok.VocabSize() {
		return nil, "", fmt.Errorf("artifact: lstm model has a vocabulary of %d, its tokenizer %d", v, tok.VocabSize())
	}
	return &sequenceModel{tok: tok, m: m}, kind, nil
}

// sequenceChunk bounds the rows encoded and predicted at once.
const sequenceChunk = 1024

// score writes the LSTM's probability for each input into out.
func (s *sequenceModel) score(inputs []string, out []float64) {
	var b tokens.Batch
	probs := make([]float32, min(len(inputs), sequenceChunk))
	for lo := 0; lo < len(inputs); lo += sequenceChunk {
		hi := min(lo+sequenceChunk, len(inputs))
		b.Encode(s.tok, inputs[lo:hi])
		p := probs[:hi-lo]
		if err := s.m.PredictSequences(p, matrix.Sequences{IDs: b.IDs, Lengths: b.Lengths, Width: b.Width}); err != nil {
			panic(fmt.Sprintf("artifact: lstm: %v", err)) // shapes are ours: a bug, not input
		}
		for i, v := range p {
			out[lo+i] = float64(v)
		}
	}
}
