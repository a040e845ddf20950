package lstm

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// pass is the native engine's forward and backward pass over one
// mini-batch, with the buffers it reuses from batch to batch (they grow to
// the largest batch and never shrink, so a training step allocates
// nothing once warm).
//
// Rows are taken longest first, so the rows still running at step t are a
// prefix of the batch and each step computes only those: a sequence's
// hidden state stops at its length (the masking of the issue) and padding
// costs no work. A step's values sit at positions offset[t]..offset[t+1]
// of the per-position buffers, row b of the step at offset[t]+b.
type pass struct {
	p     Params
	hd, g int // Hidden and 4·Hidden

	rows   []int     // dataset rows of the batch, longest first
	lens   []int     // their lengths
	active []int     // active[t]: rows longer than t
	offset []int     // offset[t]: the first position of step t; offset[T] = N
	ids    []int32   // per position: its token
	x      []float32 // N×E: embeddings
	act    []float32 // N×4H: gate activations
	cell   []float32 // N×H: cell states
	tc     []float32 // N×H: tanh of the cell states
	hid    []float32 // N×H: hidden states
	last   []float32 // B×H: each row's hidden state after its last token
	drop   []float32 // B×H: dropout multipliers
	logits []float32 // B

	dz   []float32 // N×4H: gradients of the gate pre-activations
	dh   []float32 // B×H: running gradient of the hidden state
	dc   []float32 // B×H: running gradient of the cell state
	dx   []float32 // N×E: gradients of the embeddings
	xT   []float32 // E×N: x transposed
	hT   []float32 // H×N: the previous hidden state of each position, transposed
	ones []float32 // N ones, for the bias gradient
	// inputW and recurrentW are 4H×E and 4H×H: the weights transposed
	// back, refreshed before each backward pass.
	inputW, recurrentW []float32
}

func newPass(p Params) *pass {
	return &pass{p: p, hd: p.Hidden, g: gates * p.Hidden}
}

// grow returns s with length n, reallocating only when it is too short.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// setup lays out the batch made of rows of s.
func (ps *pass) setup(s Sequences, rows []int) {
	ps.rows = append(ps.rows[:0], rows...)
	slices.SortStableFunc(ps.rows, func(a, b int) int { return cmp.Compare(s.Lengths[b], s.Lengths[a]) })
	ps.lens = ps.lens[:0]
	for _, r := range ps.rows {
		ps.lens = append(ps.lens, int(s.Lengths[r]))
	}
	steps := 0
	if len(ps.lens) > 0 {
		steps = ps.lens[0]
	}
	ps.active, ps.offset = ps.active[:0], append(ps.offset[:0], 0)
	ps.ids = ps.ids[:0]
	for t := range steps {
		n := 0
		for n < len(ps.lens) && ps.lens[n] > t {
			ps.ids = append(ps.ids, s.IDs[ps.rows[n]*s.Width+t])
			n++
		}
		ps.active = append(ps.active, n)
		ps.offset = append(ps.offset, ps.offset[t]+n)
	}
	b, n := len(ps.rows), len(ps.ids)
	e, hd, g := ps.p.Embed, ps.hd, ps.g
	ps.x, ps.act = grow(ps.x, n*e), grow(ps.act, n*g)
	ps.cell, ps.tc, ps.hid = grow(ps.cell, n*hd), grow(ps.tc, n*hd), grow(ps.hid, n*hd)
	ps.last, ps.drop, ps.logits = grow(ps.last, b*hd), grow(ps.drop, b*hd), grow(ps.logits, b)
}

// setDropout draws the dropout multipliers of the batch from src (0 with
// probability p, else 1/(1-p)), or sets them all to 1 when src is nil.
func (ps *pass) setDropout(src *rand.PCG, p float64) {
	if src == nil || p == 0 {
		for i := range ps.drop {
			ps.drop[i] = 1
		}
		return
	}
	cut := uint64(p * (1 << 24))
	keep := float32(1 / (1 - p))
	for i := range ps.drop {
		if src.Uint64()>>40 < cut {
			ps.drop[i] = 0
		} else {
			ps.drop[i] = keep
		}
	}
}

// forward runs the batch through the model w, keeping what backward needs,
// and fills logits (the linear layer's output, before the sigmoid).
func (ps *pass) forward(w *weights) {
	e, hd, g := ps.p.Embed, ps.hd, ps.g
	clear(ps.last)
	for t, n := range ps.active {
		for b := range n {
			pos := ps.offset[t] + b
			x := ps.x[pos*e : (pos+1)*e]
			id := int(ps.ids[pos])
			copy(x, w.embedding[id*e:(id+1)*e])
			gs := ps.act[pos*g : (pos+1)*g]
			copy(gs, w.bias)
			gemmRow(gs, x, w.inputT, g)
			var cprev []float32
			if t > 0 {
				prev := ps.offset[t-1] + b
				gemmRow(gs, ps.hid[prev*hd:(prev+1)*hd], w.recurrentT, g)
				cprev = ps.cell[prev*hd : (prev+1)*hd]
			}
			h := ps.hid[pos*hd : (pos+1)*hd]
			cellForward(gs, cprev, ps.cell[pos*hd:(pos+1)*hd], ps.tc[pos*hd:(pos+1)*hd], h)
			if t == ps.lens[b]-1 {
				copy(ps.last[b*hd:(b+1)*hd], h)
			}
		}
	}
	for b := range ps.rows {
		z := w.outBias[0]
		last, drop := ps.last[b*hd:(b+1)*hd], ps.drop[b*hd:(b+1)*hd]
		for j, wj := range w.out {
			z += float32(wj * float32(last[j]*drop[j]))
		}
		ps.logits[b] = z
	}
}

// loss returns the batch's summed binary cross-entropy against the
// labels of s's rows, from the logits: softplus(z) - y·z.
func (ps *pass) loss(labels []float32) float64 {
	var sum float64
	for b, r := range ps.rows {
		z, y := float64(ps.logits[b]), float64(labels[r])
		sum += max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - y*z
	}
	return sum
}

// backward computes the gradient of the batch's mean binary
// cross-entropy with respect to w into grad, overwriting it.
func (ps *pass) backward(w *weights, labels []float32, grad *weights) {
	e, hd, g := ps.p.Embed, ps.hd, ps.g
	b, n := len(ps.rows), len(ps.ids)
	for _, t := range grad.tensors() {
		clear(t)
	}
	ps.dz, ps.dx = grow(ps.dz, n*g), grow(ps.dx, n*e)
	ps.dh, ps.dc = grow(ps.dh, b*hd), grow(ps.dc, b*hd)
	clear(ps.dc)
	ps.inputW, ps.recurrentW = grow(ps.inputW, g*e), grow(ps.recurrentW, g*hd)
	transpose(ps.inputW, w.inputT, e, g)
	transpose(ps.recurrentW, w.recurrentT, hd, g)

	inv := 1 / float32(b)
	for i, r := range ps.rows {
		dz := (sigmoid32(ps.logits[i]) - labels[r]) * inv
		grad.outBias[0] += dz
		last, drop, dh := ps.last[i*hd:(i+1)*hd], ps.drop[i*hd:(i+1)*hd], ps.dh[i*hd:(i+1)*hd]
		for j := range hd {
			grad.out[j] += float32(dz * float32(last[j]*drop[j]))
			dh[j] = float32(dz*w.out[j]) * drop[j]
		}
	}
	for t := len(ps.active) - 1; t >= 0; t-- {
		for i := range ps.active[t] {
			pos := ps.offset[t] + i
			var cprev []float32
			if t > 0 {
				prev := ps.offset[t-1] + i
				cprev = ps.cell[prev*hd : (prev+1)*hd]
			}
			dh, dc := ps.dh[i*hd:(i+1)*hd], ps.dc[i*hd:(i+1)*hd]
			dz := ps.dz[pos*g : (pos+1)*g]
			cellBackward(ps.act[pos*g:(pos+1)*g], cprev, ps.tc[pos*hd:(pos+1)*hd], dh, dc, dz)
			clear(dh)
			if t > 0 {
				gemmRow(dh, dz, ps.recurrentW, hd)
			}
			dx := ps.dx[pos*e : (pos+1)*e]
			clear(dx)
			gemmRow(dx, dz, ps.inputW, e)
		}
	}
	for pos, id := range ps.ids {
		if id == Pad {
			continue
		}
		row := grad.embedding[int(id)*e : int(id+1)*e]
		for k, v := range ps.dx[pos*e : (pos+1)*e] {
			row[k] += v
		}
	}
	ps.weightGrads(grad)
}

// posBlock is the number of positions whose gate gradients (posBlock·4H
// floats, 256 KiB at H = 64) the weight gradients take in one sweep.
const posBlock = 256

// weightGrads adds the gradients of the gate weights and bias, each a
// product over every position of the batch at once.
func (ps *pass) weightGrads(grad *weights) {
	e, hd, g := ps.p.Embed, ps.hd, ps.g
	n := len(ps.ids)
	ps.xT, ps.ones = grow(ps.xT, e*n), grow(ps.ones, n)
	transpose(ps.xT, ps.x[:n*e], n, e)
	// In blocks of positions, so that a block of dz stays in cache while
	// every row of the gradient takes its share.
	for lo := 0; lo < n; lo += posBlock {
		hi := min(lo+posBlock, n)
		for k := range e {
			gemmRow(grad.inputT[k*g:(k+1)*g], ps.xT[k*n+lo:k*n+hi], ps.dz[lo*g:], g)
		}
	}
	for i := range ps.ones {
		ps.ones[i] = 1
	}
	gemmRow(grad.bias, ps.ones, ps.dz, g)
	if len(ps.active) < 2 {
		return
	}
	// Positions of steps 1.. and the hidden state before each.
	first := ps.offset[1]
	m := n - first
	ps.hT = grow(ps.hT, hd*m)
	for t := 1; t < len(ps.active); t++ {
		for i := range ps.active[t] {
			col := ps.offset[t] + i - first
			prev := ps.offset[t-1] + i
			for k, v := range ps.hid[prev*hd : (prev+1)*hd] {
				ps.hT[k*m+col] = v
			}
		}
	}
	for lo := 0; lo < m; lo += posBlock {
		hi := min(lo+posBlock, m)
		for k := range hd {
			gemmRow(grad.recurrentT[k*g:(k+1)*g], ps.hT[k*m+lo:k*m+hi], ps.dz[(first+lo)*g:], g)
		}
	}
}

// transpose writes the rows×cols matrix src into dst as cols×rows.
func transpose(dst, src []float32, rows, cols int) {
	for r := range rows {
		for c, v := range src[r*cols : (r+1)*cols] {
			dst[c*rows+r] = v
		}
	}
}
