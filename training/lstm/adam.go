package lstm

import "math"

// adam is torch's Adam (no weight decay, no amsgrad) over a model's
// weights, with its first and second moments. Every weight steps every
// time, as in torch with a dense gradient: a token absent from a batch
// still moves by its momentum.
type adam struct {
	p    Params
	m, v weights
	step int
}

// biasTensor is the gate bias's index in weights.tensors.
const biasTensor = 3

func newAdam(p Params) *adam {
	return &adam{p: p, m: newWeights(p), v: newWeights(p)}
}

// update moves w against grad by one Adam step:
//
//	m = β1·m + (1-β1)·g,  v = β2·v + (1-β2)·g²
//	w -= lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + ε)
//
// in float32, as torch's single-tensor implementation computes it. The
// gate bias steps twice as far: it stands for torch's bias_ih + bias_hh,
// two parameters with the same gradient, hence the same moments, that
// each take this step.
func (a *adam) update(w, grad *weights) {
	a.step++
	p := a.p
	bc1 := 1 - math.Pow(p.Beta1, float64(a.step))
	bc2 := 1 - math.Pow(p.Beta2, float64(a.step))
	stepSize := float32(p.LearningRate / bc1)
	invSqrtBC2 := float32(1 / math.Sqrt(bc2))
	b1, b2 := float32(p.Beta1), float32(p.Beta2)
	c1, c2 := float32(1-p.Beta1), float32(1-p.Beta2)
	eps := float32(p.Epsilon)
	ws, gs, ms, vs := w.tensors(), grad.tensors(), a.m.tensors(), a.v.tensors()
	for i := range ws {
		wt, gt, mt, vt := ws[i], gs[i], ms[i], vs[i]
		size := stepSize
		if i == biasTensor {
			size = 2 * stepSize
		}
		_, _, _ = gt[len(wt)-1], mt[len(wt)-1], vt[len(wt)-1]
		for j, gj := range gt[:len(wt)] {
			mj := float32(b1*mt[j]) + float32(c1*gj)
			vj := float32(b2*vt[j]) + float32(float32(c2*gj)*gj)
			mt[j], vt[j] = mj, vj
			den := float32(float32(math.Sqrt(float64(vj)))*invSqrtBC2) + eps
			wt[j] -= float32(size * float32(mj/den))
		}
	}
}
