package lstm

import "fmt"

// Predict writes into dst the probability that each sequence is positive
// (the sigmoid of the linear layer on the hidden state after the
// sequence's last real token). Padding is never read, so it cannot change
// a score. dst must have one entry per sequence. Predict allocates only a
// few hundred bytes of scratch per call and is safe for concurrent use.
func (m *Model) Predict(dst []float32, s Sequences) error {
	if len(dst) != s.Rows() {
		return fmt.Errorf("lstm: predict: %d outputs for %d sequences", len(dst), s.Rows())
	}
	if err := s.validate(m.params.Vocab); err != nil {
		return err
	}
	st := newState(m.params.Hidden)
	for i := range dst {
		dst[i] = m.score(s.Row(i), st)
	}
	return nil
}

// state is the scratch of one sequence's forward pass.
type state struct {
	gates     []float32 // 4H pre-activations, then activations
	h, c, tch []float32 // H each: hidden state, cell state, tanh of the cell
}

func newState(hidden int) state {
	buf := make([]float32, (gates+3)*hidden)
	g := gates * hidden
	return state{gates: buf[:g], h: buf[g : g+hidden], c: buf[g+hidden : g+2*hidden], tch: buf[g+2*hidden:]}
}

// score runs the LSTM over the real tokens of one sequence and returns
// its probability. The input part of the gates comes from the per-token
// table, so each step is one Hidden×4H product and the activations; the
// numbers are those of the training pass without dropout, bit for bit.
func (m *Model) score(tokens []int32, st state) float32 {
	g := gates * m.params.Hidden
	clear(st.h)
	clear(st.c)
	for _, id := range tokens {
		copy(st.gates, m.table[int(id)*g:int(id+1)*g])
		gemmRow(st.gates, st.h, m.recurrentT, g)
		cellForward(st.gates, st.c, st.c, st.tch, st.h)
	}
	return sigmoid32(m.logit(st.h))
}

// logit is the linear layer: out·h + outBias.
func (m *Model) logit(h []float32) float32 {
	z := m.outBias[0]
	for j, w := range m.out {
		z += float32(w * h[j])
	}
	return z
}
