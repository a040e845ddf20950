package lstm

import "fmt"

// weights are the model's parameters, laid out for the forward pass: the
// gate weights are stored transposed from torch's (weight_ih_l0 is 4H×E
// there, inputT is E×4H here) so that one input row times the matrix
// yields the four gates side by side, in torch's order (input, forget,
// candidate, output). The same type holds gradients and Adam's moments.
type weights struct {
	// embedding is Vocab×Embed, row Pad all zeros.
	embedding []float32
	// inputT is Embed×4H: gate pre-activations are x·inputT.
	inputT []float32
	// recurrentT is Hidden×4H: gate pre-activations add h·recurrentT.
	recurrentT []float32
	// bias is 4H: torch's bias_ih_l0 + bias_hh_l0.
	bias []float32
	// out is Hidden: the linear layer's weights (torch's fc weight).
	out []float32
	// outBias holds the linear layer's one bias.
	outBias []float32
}

// newWeights allocates zero weights of p's sizes.
func newWeights(p Params) weights {
	g := gates * p.Hidden
	return weights{
		embedding:  make([]float32, p.Vocab*p.Embed),
		inputT:     make([]float32, p.Embed*g),
		recurrentT: make([]float32, p.Hidden*g),
		bias:       make([]float32, g),
		out:        make([]float32, p.Hidden),
		outBias:    make([]float32, 1),
	}
}

// tensors lists the weights in a fixed order, for the loops that treat
// them alike (Adam, copies, clearing).
func (w *weights) tensors() [][]float32 {
	return [][]float32{w.embedding, w.inputT, w.recurrentT, w.bias, w.out, w.outBias}
}

// copyFrom copies src's values into w, of the same sizes.
func (w *weights) copyFrom(src *weights) {
	d, s := w.tensors(), src.tensors()
	for i := range d {
		copy(d[i], s[i])
	}
}

// checkSizes reports whether the weights have p's sizes.
func (w *weights) checkSizes(p Params) error {
	want := newWeights(p)
	names := []string{"embedding", "input_weights", "recurrent_weights", "bias", "out_weights", "out_bias"}
	got, sizes := w.tensors(), want.tensors()
	for i, name := range names {
		if len(got[i]) != len(sizes[i]) {
			return fmt.Errorf("%s has %d values, want %d", name, len(got[i]), len(sizes[i]))
		}
	}
	return nil
}
