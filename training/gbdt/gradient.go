package gbdt

import (
	"github.com/mlctl/mlctl/training/parallel"
	"math"
)

// gradPair is one row's gradient and hessian in fixed point (see fixedScale).
// Histograms sum them in int64, which is exact and associative: the sums, and
// so the trees, do not depend on how rows are split among threads.
type gradPair struct{ g, h int32 }

// gradSum is a sum of gradPairs: a histogram bin or a node's total.
type gradSum struct{ g, h int64 }

func (s gradSum) add(o gradSum) gradSum { return gradSum{s.g + o.g, s.h + o.h} }
func (s gradSum) sub(o gradSum) gradSum { return gradSum{s.g - o.g, s.h - o.h} }

// fixedScale converts float gradients to fixed point: q = v * scale,
// truncated toward zero (v is a float32, so v * scale is exact in float64
// and only the bits below 2^-30 of the gradient's range are dropped).
// Scales are powers of two chosen so that |q| <= 2^30: a sum over fewer than
// 2^31 rows fits an int64.
type fixedScale struct{ g, h float64 }

// newFixedScale returns the scales for binary:logistic, whose gradient is
// bounded by the largest row weight and whose hessian by a quarter of it.
func newFixedScale(scalePosWeight float64) fixedScale {
	wmax := max(1, float64(float32(scalePosWeight)))
	e := int(math.Floor(math.Log2(float64(1<<30) / wmax)))
	return fixedScale{g: math.Ldexp(1, e), h: math.Ldexp(1, e+2)}
}

// float converts a fixed-point sum back to (G, H).
func (sc fixedScale) float(s gradSum) (g, h float64) {
	return float64(s.g) / sc.g, float64(s.h) / sc.h
}

// sigmoid32 is XGBoost's float32 logistic function (common::Sigmoid).
func sigmoid32(x float32) float32 {
	x = -x
	if x > 88.7 { // std::min(-x, 88.7f); an if is cheaper than min's NaN rules
		x = 88.7
	}
	e := float32(math.Exp(float64(x)))
	return 1 / (e + 1 + 1e-16)
}

// logit32 is XGBoost's ProbToMargin for binary:logistic, in float32.
func logit32(p float64) float32 {
	return -float32(math.Log(float64(1/float32(p) - 1)))
}

// gradients computes every row's logistic gradient and hessian from its
// margin, in float32 as XGBoost does (positive rows weighted by
// scale_pos_weight), then converts them to fixed point.
func gradients(margin, y []float32, scalePosWeight float64, sc fixedScale, out []gradPair, threads int) {
	spw := float32(scalePosWeight)
	parallel.Chunks(threads, len(margin), threads, 8192, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			p := sigmoid32(margin[r])
			label := y[r]
			w := float32(1)
			if label == 1 {
				w = spw
			}
			g := (p - label) * w
			h := p * (1 - p)
			if h < 1e-16 { // XGBoost's floor; an if is cheaper than max's NaN rules
				h = 1e-16
			}
			h *= w
			out[r] = gradPair{g: int32(float64(g) * sc.g), h: int32(float64(h) * sc.h)}
		}
	})
}
