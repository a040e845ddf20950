package lstm

import "math"

// The activations are computed in float32 by one polynomial (Cephes'
// expf), written out so that every platform, Go version and thread count
// rounds alike; the explicit float32 conversions keep the compiler from
// fusing multiply-adds where it could. Their error is a few units in the
// last place, far inside the 1e-5 the model is checked to.

// Constants of expf.
const (
	expLog2e = float32(1.44269504088896341)
	expC1    = float32(0.693359375)      // ln 2, high part
	expC2    = float32(-2.12194440e-4)   // ln 2, low part
	expMax   = float32(88.3762626647949) // above, e^x overflows float32
	expMin   = float32(-87.3365447504)   // below, e^x is denormal
)

// exp32 returns e^x for float32 x, clamped to the normal range.
func exp32(x float32) float32 {
	x = min(max(x, expMin), expMax)
	t := float32(x*expLog2e) + 0.5
	n := int32(t)
	if float32(n) > t {
		n--
	}
	fn := float32(n)
	x = x - float32(fn*expC1)
	x = x - float32(fn*expC2)
	z := float32(x * x)
	p := float32(1.9875691500e-4)
	p = float32(p*x) + 1.3981999507e-3
	p = float32(p*x) + 8.3334519073e-3
	p = float32(p*x) + 4.1665795894e-2
	p = float32(p*x) + 1.6666665459e-1
	p = float32(p*x) + 5.0000001201e-1
	p = float32(p*z) + x + 1
	return float32(p * math.Float32frombits(uint32(n+127)<<23))
}

// sigmoid32 returns 1/(1+e^-x).
func sigmoid32(x float32) float32 { return 1 / (1 + exp32(-x)) }

// signBit is the sign of a float32.
const signBit = 1 << 31

// tanh32 returns tanh x as 1-2/(1+e^2|x|) with x's sign.
func tanh32(x float32) float32 {
	a := math.Float32frombits(math.Float32bits(x) &^ signBit)
	t := 1 - 2/(1+exp32(2*a))
	return math.Float32frombits(math.Float32bits(t) | math.Float32bits(x)&signBit)
}

// sigmoids replaces each v[i] by sigmoid32(v[i]), 8 at a time on AVX2
// (with the same roundings).
func sigmoids(v []float32) {
	done := 0
	if useAVX2 && len(v) >= 8 {
		done = len(v) &^ 7
		sigmoidsAVX2(&v[0], done)
	}
	for i, x := range v[done:] {
		v[done+i] = sigmoid32(x)
	}
}

// tanhs replaces each v[i] by tanh32(v[i]), 8 at a time on AVX2 (with
// the same roundings).
func tanhs(v []float32) {
	done := 0
	if useAVX2 && len(v) >= 8 {
		done = len(v) &^ 7
		tanhsAVX2(&v[0], done)
	}
	for i, x := range v[done:] {
		v[done+i] = tanh32(x)
	}
}
