package lstm

import (
	"math"
	"math/rand/v2"
	"testing"

	"gorgonia.org/tensor"
)

func TestGraphForwardMatchesReference(t *testing.T) {
	p := smallParams()
	m := perturbWeights(t, p, 11)
	x := randomExamples(rand.New(rand.NewPCG(12, 12)), 6, 9, 0, p.Vocab)
	w := float64s(&m.weights)
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		gr, err := newGraph(p, dt, x.Rows(), x.Width, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := gr.run(w, x, allRows(x.Rows()), nil); err != nil {
			t.Fatal(err)
		}
		for i, z := range gr.logits() {
			got := 1 / (1 + math.Exp(-z))
			want := referenceScore(w, p, x.Row(i))
			if d := math.Abs(got - want); d > 1e-5 {
				t.Errorf("%v row %d (length %d): graph %v, reference %v", dt, i, x.Lengths[i], got, want)
			}
		}
	}
}

// TestGraphGradientMatchesFiniteDifferences checks gorgonia's gradient of
// every parameter of a tiny model (vocabulary 7, embedding 3, hidden 2,
// length 4) against central differences of the graph's own loss, in
// float64, with dropout on and rows of every length 0..4.
func TestGraphGradientMatchesFiniteDifferences(t *testing.T) {
	p := DefaultParams()
	p.Vocab, p.Embed, p.Hidden = 7, 3, 2
	m := perturbWeights(t, p, 21)
	x := Examples{
		Sequences: Sequences{Width: 4, Lengths: []int32{4, 2, 0, 3, 1}, IDs: []int32{
			2, 3, 4, 5,
			6, 2, 3, 3, // padding of real tokens: the mask must hide it
			4, 4, 4, 4,
			5, 6, 1, 2,
			3, 5, 6, 0,
		}},
		Labels: []float32{1, 0, 1, 0, 1},
	}
	rows := allRows(x.Rows())
	drop := make([]float32, x.Rows()*p.Hidden)
	for i := range drop {
		drop[i] = 2
	}
	drop[3] = 0
	gr, err := newGraph(p, tensor.Float64, x.Rows(), x.Width, true)
	if err != nil {
		t.Fatal(err)
	}
	w := float64s(&m.weights)
	if _, err := gr.run(w, x, rows, drop); err != nil {
		t.Fatal(err)
	}
	grad, err := gr.gradient()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"embedding", "input_weights", "recurrent_weights", "bias", "out_weights", "out_bias"}
	const h = 1e-6
	for ti, tw := range w {
		for i := range tw {
			old := tw[i]
			tw[i] = old + h
			up, err := gr.run(w, x, rows, drop)
			if err != nil {
				t.Fatal(err)
			}
			tw[i] = old - h
			down, err := gr.run(w, x, rows, drop)
			if err != nil {
				t.Fatal(err)
			}
			tw[i] = old
			num := (up - down) / (2 * h)
			if d := math.Abs(num - grad[ti][i]); d > 1e-7+1e-5*math.Abs(num) {
				t.Errorf("%s[%d]: gorgonia %.9g, finite differences %.9g", names[ti], i, grad[ti][i], num)
			}
		}
	}
	// The rows of Pad (0) and of a token that only pads (none here is
	// unused) must get no gradient.
	for k := range p.Embed {
		if grad[0][k] != 0 {
			t.Errorf("Pad's embedding got gradient %v", grad[0][k])
		}
	}
}

// TestGraphDoesNotAccumulate guards against gradients that pile up across
// RunAll calls: the same batch twice gives the same gradient.
func TestGraphDoesNotAccumulate(t *testing.T) {
	p := smallParams()
	m := perturbWeights(t, p, 31)
	x := randomExamples(rand.New(rand.NewPCG(32, 32)), 4, 5, 1, p.Vocab)
	gr, err := newGraph(p, tensor.Float64, x.Rows(), x.Width, true)
	if err != nil {
		t.Fatal(err)
	}
	w := float64s(&m.weights)
	var first [][]float64
	for run := range 2 {
		if _, err := gr.run(w, x, allRows(x.Rows()), nil); err != nil {
			t.Fatal(err)
		}
		g, err := gr.gradient()
		if err != nil {
			t.Fatal(err)
		}
		if run == 0 {
			first = g
			continue
		}
		for ti := range g {
			for i := range g[ti] {
				if g[ti][i] != first[ti][i] {
					t.Fatalf("tensor %d [%d]: second run %v, first %v", ti, i, g[ti][i], first[ti][i])
				}
			}
		}
	}
}

// TestPassGradientMatchesGraph checks the native backward pass (float32,
// hand-written) against gorgonia's symbolic gradient (float64) on a batch
// of mixed lengths with dropout.
func TestPassGradientMatchesGraph(t *testing.T) {
	p := smallParams()
	m := perturbWeights(t, p, 41)
	x := randomExamples(rand.New(rand.NewPCG(42, 42)), 12, 10, 0, p.Vocab)
	rows := allRows(x.Rows())
	ps := newPass(p)
	ps.setup(x.Sequences, rows)
	ps.setDropout(rand.NewPCG(43, 43), 0.5)
	ps.forward(&m.weights)
	native := newWeights(p)
	ps.backward(&m.weights, x.Labels, &native)
	// The graph takes the dropout multipliers in the batch's own order.
	drop := make([]float32, len(ps.drop))
	for k, r := range ps.rows {
		copy(drop[r*p.Hidden:(r+1)*p.Hidden], ps.drop[k*p.Hidden:(k+1)*p.Hidden])
	}
	gr, err := newGraph(p, tensor.Float64, x.Rows(), x.Width, true)
	if err != nil {
		t.Fatal(err)
	}
	loss, err := gr.run(float64s(&m.weights), x, rows, drop)
	if err != nil {
		t.Fatal(err)
	}
	if got := ps.loss(x.Labels) / float64(x.Rows()); math.Abs(got-loss) > 1e-5 {
		t.Errorf("loss: native %v, graph %v", got, loss)
	}
	want, err := gr.gradient()
	if err != nil {
		t.Fatal(err)
	}
	for ti, tw := range native.tensors() {
		for i, v := range tw {
			if d := math.Abs(float64(v) - want[ti][i]); d > 2e-6+1e-4*math.Abs(want[ti][i]) {
				t.Errorf("tensor %d [%d]: native %v, gorgonia %v", ti, i, v, want[ti][i])
			}
		}
	}
}
