package lstm

// cellForward turns a step's gate pre-activations into activations in
// place (input, forget, candidate, output) and computes the cell state
// c = f·cprev + i·g (cprev nil at the first step), its tanh and the
// hidden state h = o·tanh(c). cprev may be c itself.
func cellForward(gs, cprev, c, tc, h []float32) {
	hd := len(h)
	sigmoids(gs[:2*hd])
	tanhs(gs[2*hd : 3*hd])
	sigmoids(gs[3*hd:])
	in, fg, cand, out := gs[:hd], gs[hd:2*hd], gs[2*hd:3*hd], gs[3*hd:4*hd]
	for j := range hd {
		cj := float32(in[j] * cand[j])
		if cprev != nil {
			cj = float32(fg[j]*cprev[j]) + cj
		}
		c[j] = cj
	}
	copy(tc, c)
	tanhs(tc)
	for j := range hd {
		h[j] = float32(out[j] * tc[j])
	}
}

// cellBackward turns the gradients of a step's hidden state dh and cell
// state dc into those of its gate pre-activations dz, and leaves in dc the
// gradient of the previous cell state.
func cellBackward(act, cprev, tc, dh, dc, dz []float32) {
	hd := len(dh)
	in, fg, cand, out := act[:hd], act[hd:2*hd], act[2*hd:3*hd], act[3*hd:4*hd]
	for j := range hd {
		dcj := dc[j] + float32(float32(dh[j]*out[j])*float32(1-float32(tc[j]*tc[j])))
		dz[j] = float32(dcj*cand[j]) * float32(in[j]*(1-in[j]))
		if cprev != nil {
			dz[hd+j] = float32(dcj*cprev[j]) * float32(fg[j]*(1-fg[j]))
		} else {
			dz[hd+j] = 0
		}
		dz[2*hd+j] = float32(dcj*in[j]) * float32(1-float32(cand[j]*cand[j]))
		dz[3*hd+j] = float32(dh[j]*tc[j]) * float32(out[j]*(1-out[j]))
		dc[j] = float32(dcj * fg[j])
	}
}
