package lstm

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// referenceScore is the model's forward pass written plainly from
// torch's equations, in float64 and without the kernels, the table or
// gorgonia: for each real token x,
//
//	i = σ(W_ii x + W_hi h + b_i)   f = σ(W_if x + W_hf h + b_f)
//	g = tanh(W_ig x + W_hg h + b_g) o = σ(W_io x + W_ho h + b_o)
//	c = f·c + i·g                   h = o·tanh(c)
//
// then σ(out·h + out_bias).
func referenceScore(w [][]float64, p Params, tokens []int32) float64 {
	e, hd := p.Embed, p.Hidden
	g := gates * hd
	emb, inT, recT, bias, out, outB := w[0], w[1], w[2], w[3], w[4], w[5]
	h, c := make([]float64, hd), make([]float64, hd)
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	for _, id := range tokens {
		x := emb[int(id)*e : int(id+1)*e]
		z := make([]float64, g)
		for r := range g {
			z[r] = bias[r]
			for k := range e {
				z[r] += x[k] * inT[k*g+r]
			}
			for k := range hd {
				z[r] += h[k] * recT[k*g+r]
			}
		}
		for j := range hd {
			i, f, cand, o := sig(z[j]), sig(z[hd+j]), math.Tanh(z[2*hd+j]), sig(z[3*hd+j])
			c[j] = f*c[j] + i*cand
			h[j] = o * math.Tanh(c[j])
		}
	}
	s := outB[0]
	for j := range hd {
		s += out[j] * h[j]
	}
	return sig(s)
}

func TestPredictMatchesReference(t *testing.T) {
	for _, p := range []Params{smallParams(), func() Params { p := smallParams(); p.Embed, p.Hidden = 64, 64; return p }()} {
		m := perturbWeights(t, p, 1)
		x := randomExamples(rand.New(rand.NewPCG(2, 2)), 50, 30, 0, p.Vocab)
		got := make([]float32, x.Rows())
		if err := m.Predict(got, x.Sequences); err != nil {
			t.Fatal(err)
		}
		w := float64s(&m.weights)
		for i := range got {
			want := referenceScore(w, p, x.Row(i))
			if d := math.Abs(float64(got[i]) - want); d > 1e-5 {
				t.Errorf("E=%d H=%d row %d (length %d): Predict %v, reference %v (|d| = %.2g)", p.Embed, p.Hidden, i, x.Lengths[i], got[i], want, d)
			}
		}
	}
}

func TestPaddingNeverChangesAScore(t *testing.T) {
	p := smallParams()
	m := perturbWeights(t, p, 3)
	x := randomExamples(rand.New(rand.NewPCG(4, 4)), 40, 25, 0, p.Vocab)
	a := make([]float32, x.Rows())
	if err := m.Predict(a, x.Sequences); err != nil {
		t.Fatal(err)
	}
	// The same rows with other padding, and cut to their longest length.
	y := x
	y.IDs = append([]int32(nil), x.IDs...)
	for i := range y.Rows() {
		for k := int(y.Lengths[i]); k < y.Width; k++ {
			y.IDs[i*y.Width+k] = Pad
		}
	}
	b := make([]float32, x.Rows())
	if err := m.Predict(b, y.Sequences); err != nil {
		t.Fatal(err)
	}
	// And the native training pass, batched with rows of other lengths.
	ps := newPass(p)
	ps.setup(x.Sequences, allRows(x.Rows()))
	ps.setDropout(nil, 0)
	ps.forward(&m.weights)
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("row %d: padding changed the score from %v to %v", i, a[i], b[i])
		}
	}
	for k, r := range ps.rows {
		if got := sigmoid32(ps.logits[k]); got != a[r] {
			t.Errorf("row %d: training pass %v, Predict %v: want the same bits", r, got, a[r])
		}
	}
}

func TestActivationsAreAccurate(t *testing.T) {
	for x := float32(-30); x <= 30; x += 0.01 {
		if d := math.Abs(float64(sigmoid32(x)) - 1/(1+math.Exp(-float64(x)))); d > 2e-7 {
			t.Fatalf("sigmoid32(%v) off by %g", x, d)
		}
		if d := math.Abs(float64(tanh32(x)) - math.Tanh(float64(x))); d > 3e-7 {
			t.Fatalf("tanh32(%v) off by %g", x, d)
		}
	}
	if s := sigmoid32(-1000); s < 0 || s > 1e-37 || sigmoid32(1000) != 1 || tanh32(1000) != 1 || tanh32(-1000) != -1 {
		t.Fatal("activations do not saturate")
	}
}

// TestActivationKernelsAgree checks that the AVX2 activations round
// exactly as the portable ones, lane by lane.
func TestActivationKernelsAgree(t *testing.T) {
	src := rand.New(rand.NewPCG(6, 6))
	v := []float32{0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 88.5, -88.5, 200, -200, 44.2, -44.2}
	for len(v) < 4096 {
		v = append(v, float32(src.NormFloat64()*8), math.Float32frombits(src.Uint32()&^(0xff<<23)|(uint32(100+src.IntN(40))<<23)))
	}
	s, h := slices.Clone(v), slices.Clone(v)
	sigmoids(s)
	tanhs(h)
	for i, x := range v {
		if math.Float32bits(s[i]) != math.Float32bits(sigmoid32(x)) {
			t.Fatalf("sigmoid(%v): kernel %v, portable %v", x, s[i], sigmoid32(x))
		}
		if math.Float32bits(h[i]) != math.Float32bits(tanh32(x)) {
			t.Fatalf("tanh(%v): kernel %v, portable %v", x, h[i], tanh32(x))
		}
	}
}

func TestGemmRowKernelsAgree(t *testing.T) {
	src := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{1, 7, 8, 9, 64, 72, 130, 256} {
		for _, k := range []int{1, 3, 64} {
			ldb := n + 3
			a, b := make([]float32, k), make([]float32, k*ldb)
			for i := range a {
				a[i] = float32(src.NormFloat64())
			}
			for i := range b {
				b[i] = float32(src.NormFloat64())
			}
			got, portable := make([]float32, n), make([]float32, n)
			gemmRow(got, a, b, ldb)
			gemmRowGo(portable, a, b, ldb)
			for j := range n {
				if math.Abs(float64(got[j]-portable[j])) > 1e-4 {
					t.Fatalf("n=%d k=%d col %d: kernel %v, portable %v", n, k, j, got[j], portable[j])
				}
				var want float64
				for q := range k {
					want += float64(a[q]) * float64(b[q*ldb+j])
				}
				if math.Abs(float64(got[j])-want) > 1e-4 {
					t.Fatalf("n=%d k=%d col %d: %v, want %v", n, k, j, got[j], want)
				}
			}
		}
	}
}
