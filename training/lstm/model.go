package lstm

import (
	"math"
	"math/rand/v2"

	"github.com/mlctl/mlctl/training/rng"
)

// Reserved token ids, as features/tokens assigns them.
const (
	// Pad fills a sequence after its length; its embedding is zero and
	// never trained (torch's padding_idx=0).
	Pad = 0
	// Unk stands for a token outside the vocabulary.
	Unk = 1
)

// gates is the number of LSTM gates, in torch's order: input, forget,
// cell candidate, output.
const gates = 4

// Model is a trained classifier: an embedding of each token, one LSTM
// layer, a linear layer on the hidden state after a sequence's last real
// token, and a sigmoid.
//
// A Model is immutable once built and safe for concurrent use.
type Model struct {
	params Params
	weights
	// table is Vocab×4H: embedding·inputT + bias, the input part of the
	// gates for each token, so scoring needs only the recurrent product.
	table []float32
	// history has one entry per epoch trained.
	history []Epoch
}

// History returns the losses of each epoch trained.
func (m *Model) History() []Epoch { return append([]Epoch(nil), m.history...) }

// Params returns the parameters the model was trained with.
func (m *Model) Params() Params { return m.params }

// newModel allocates a model of p's sizes with zero weights.
func newModel(p Params) *Model {
	return &Model{params: p, weights: newWeights(p)}
}

// Streams of the training seed: each use of randomness draws from its own.
const (
	streamInit    = 1
	streamShuffle = 2
	streamDropout = 3
)

// stream returns the generator of one use of the seed.
func stream(seed uint64, use uint64) *rand.PCG {
	return rand.NewPCG(rng.Splitmix64(seed), rng.Splitmix64(seed^rng.Splitmix64(use)))
}

// initModel returns a model with torch's initial weights for these
// layers, drawn from the seed: embedding rows N(0, 1) (row Pad zero),
// LSTM weights U(-k, k) with k = 1/sqrt(Hidden) (the bias the sum of two
// such draws, as torch has two), linear weights and bias U(-k, k). The
// draws are torch's distributions, not its numbers.
func initModel(p Params) *Model {
	m := newModel(p)
	src := stream(p.Seed, streamInit)
	for i := p.Embed; i < len(m.embedding); i++ {
		m.embedding[i] = float32(normal(src))
	}
	k := 1 / math.Sqrt(float64(p.Hidden))
	for _, w := range [][]float32{m.inputT, m.recurrentT, m.out} {
		for i := range w {
			w[i] = float32(uniform(src, k))
		}
	}
	for i := range m.bias {
		m.bias[i] = float32(uniform(src, k) + uniform(src, k))
	}
	m.outBias[0] = float32(uniform(src, k))
	m.buildTable()
	return m
}

// uniform draws from U(-k, k) with 53 random bits.
func uniform(src *rand.PCG, k float64) float64 {
	u := float64(src.Uint64()>>11) / (1 << 53)
	return (2*u - 1) * k
}

// normal draws from N(0, 1) by Box–Muller, written out so that the
// stream does not depend on the Go version's math/rand helpers.
func normal(src *rand.PCG) float64 {
	u1 := (float64(src.Uint64()>>11) + 1) / (1 << 53) // (0, 1]
	u2 := float64(src.Uint64()>>11) / (1 << 53)
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// buildTable computes the per-token input part of the gates.
func (m *Model) buildTable() {
	p := m.params
	g := gates * p.Hidden
	if len(m.table) != p.Vocab*g {
		m.table = make([]float32, p.Vocab*g)
	}
	for v := range p.Vocab {
		row := m.table[v*g : (v+1)*g]
		copy(row, m.bias)
		gemmRow(row, m.embedding[v*p.Embed:(v+1)*p.Embed], m.inputT, g)
	}
}
