package drift

import (
	"math"
)

// This file ports the survival function of scipy's kstwo distribution (the
// two-sided one-sample Kolmogorov–Smirnov statistic D_n; scipy 1.10's
// scipy/stats/_ksstats.py, after Simard and L'Ecuyer 2011) and of the
// one-sided Smirnov distribution it calls (scipy.special.smirnov, cephes
// kolmogorov.c, van Mulbregt 2018). ks_2samp uses it for its asymptotic
// p-value. The choice of algorithm for each (n, x) is scipy's; arithmetic
// is float64 throughout (cephes uses double-double in smirnov), so results
// agree with scipy to about n·1e-16 relative.

const (
	e128    = 128
	minLogP = -708 // scipy's _MIN_LOG
	// cephesMinLog is cephes' MINLOG, log(2**-1075).
	cephesMinLog = -7.451332191019412076235e2
	// smirnovMaxComputeN is cephes' SMIRNOV_MAX_COMPUTE_N: above it
	// smirnov uses an approximation.
	smirnovMaxComputeN = 1000000
	smUpperMaxTerms    = 3
	smUpperSumMinN     = 10
)

var (
	ep128 = math.Ldexp(1, e128)
	em128 = math.Ldexp(1, -e128)
)

// kolmogorovSF is scipy's kstwo.sf(x, n) = _kolmogn(n, x, cdf=False):
// Pr(D_n > x).
func kolmogorovSF(n int, x float64) float64 {
	if n <= 0 || math.IsNaN(x) {
		return math.NaN()
	}
	if x >= 1 {
		return 0
	}
	if x <= 0 {
		return 1
	}
	fn := float64(n)
	t := fn * x
	if t <= 1 { // Ruben–Gambino: 1/2n <= x <= 1/n
		if t <= 0.5 {
			return 1
		}
		var prob float64
		if n <= 140 {
			prob = 1
			for i := 1; i <= n; i++ {
				prob *= float64(i) * (1 / fn) * (2*t - 1)
			}
		} else {
			prob = math.Exp(logNFactorialDivNPowN(fn) + fn*math.Log(2*t-1))
		}
		return clip01(1 - prob)
	}
	if t >= fn-1 { // Ruben–Gambino
		return clip01(2 * math.Pow(1-x, fn))
	}
	if x >= 0.5 { // exact: twice the one-sided tail
		return clip01(2 * smirnovSF(n, x))
	}
	nxSquared := t * x
	if n <= 140 {
		if nxSquared <= 0.754693 {
			return clip01(1 - kolmogorovDMTW(n, x))
		}
		if nxSquared <= 4 {
			return clip01(1 - kolmogorovPomeranz(n, x))
		}
		return clip01(2 * smirnovSF(n, x))
	}
	if nxSquared >= 370 {
		return 0
	}
	if nxSquared >= 2.2 {
		return clip01(2 * smirnovSF(n, x))
	}
	var cdf float64
	if n <= 100000 && fn*math.Pow(x, 1.5) <= 1.4 {
		cdf = kolmogorovDMTW(n, x)
	} else {
		cdf = kolmogorovPelzGood(n, x)
	}
	return clip01(1 - clip01(cdf))
}

// stirlingCoeffs are scipy's _STIRLING_COEFFS, highest power first.
var stirlingCoeffs = [...]float64{
	-2.955065359477124183e-2, 6.4102564102564102564e-3,
	-1.9175269175269175269e-3, 8.4175084175084175084e-4,
	-5.952380952380952381e-4, 7.9365079365079365079e-4,
	-2.7777777777777777778e-3, 8.3333333333333333333e-2,
}

// logNFactorialDivNPowN is log(n!/n**n) by Stirling's series.
func logNFactorialDivNPowN(n float64) float64 {
	rn := 1 / n
	x := rn / n
	poly := 0.0
	for _, c := range stirlingCoeffs {
		poly = poly*x + c
	}
	return math.Log(n)/2 - n + math.Log(2*math.Pi)/2 + rn*poly
}

// kolmogorovDMTW is Pr(D_n <= d) by the Durbin matrix algorithm as
// Marsaglia, Tsang and Wang (2003) compute it (scipy's _kolmogn_DMTW).
func kolmogorovDMTW(n int, d float64) float64 {
	if d >= 1 {
		return 1
	}
	fn := float64(n)
	nd := fn * d
	if nd <= 0.5 {
		return 0
	}
	k := int(math.Ceil(nd))
	h := float64(k) - nd
	m := 2*k - 1
	v := make([]float64, m)
	w := make([]float64, m)
	fac := 1.0
	for j := 1; j <= m; j++ {
		v[j-1] = 1 - math.Pow(h, float64(j))
		w[j-1] = fac
		fac /= float64(j)
		v[j-1] *= fac
	}
	tt := math.Pow(max(2*h-1, 0), float64(m)) - 2*math.Pow(h, float64(m))
	v[m-1] = (1 + tt) * fac

	hm := newSquare(m)
	for i := 1; i < m; i++ {
		for r := i - 1; r < m; r++ {
			hm.set(r, i, w[r-i+1])
		}
	}
	for r := 0; r < m; r++ {
		hm.set(r, 0, v[r])
	}
	for c := 0; c < m; c++ {
		hm.set(m-1, c, v[m-1-c])
	}

	pw := identity(m)
	scratch := newSquare(m)
	expnt, hExpnt := 0, 0
	for nn := n; nn > 0; nn /= 2 {
		if nn%2 == 1 {
			scratch.mul(pw, hm)
			pw, scratch = scratch, pw
			expnt += hExpnt
		}
		scratch.mul(hm, hm)
		hm, scratch = scratch, hm
		hExpnt *= 2
		if math.Abs(hm.at(k-1, k-1)) > ep128 {
			for i := range hm.v {
				hm.v[i] /= ep128
			}
			hExpnt += e128
		}
	}
	p := pw.at(k-1, k-1)
	for i := 1; i <= n; i++ {
		p = float64(i) * p / fn
		if math.Abs(p) < em128 {
			p *= ep128
			expnt -= e128
		}
	}
	if expnt != 0 {
		p = math.Ldexp(p, expnt)
	}
	return clip01(p)
}

// square is a dense m×m row-major matrix.
type square struct {
	m int
	v []float64
}

func newSquare(m int) *square { return &square{m: m, v: make([]float64, m*m)} }

func identity(m int) *square {
	s := newSquare(m)
	for i := 0; i < m; i++ {
		s.v[i*m+i] = 1
	}
	return s
}

func (s *square) at(r, c int) float64     { return s.v[r*s.m+c] }
func (s *square) set(r, c int, x float64) { s.v[r*s.m+c] = x }

// mul sets s = a·b; s must be neither a nor b.
func (s *square) mul(a, b *square) {
	m := s.m
	clear(s.v)
	for i := 0; i < m; i++ {
		row := s.v[i*m : (i+1)*m]
		for k := 0; k < m; k++ {
			aik := a.v[i*m+k]
			if aik == 0 {
				continue
			}
			bk := b.v[k*m : (k+1)*m]
			for j, bkj := range bk {
				row[j] += aik * bkj
			}
		}
	}
}

// pomeranzJ1J2 is scipy's _pomeranz_compute_j1j2: the interval of row i.
func pomeranzJ1J2(i, n, ll, ceilf, roundf int) (int, int) {
	var j1, j2 int
	if i == 0 {
		j1, j2 = -ll-ceilf-1, ll+ceilf-1
	} else {
		ip1div2, ip1mod2 := (i+1)/2, (i+1)%2
		if ip1mod2 == 0 { // i is odd
			if ip1div2 == n+1 {
				j1, j2 = n-ll-ceilf-1, n+ll+ceilf-1
			} else {
				j1, j2 = ip1div2-1-ll-roundf-1, ip1div2+ll-1+ceilf-1
			}
		} else {
			j1, j2 = ip1div2-1-ll-1, ip1div2+ll+roundf-1
		}
	}
	return max(j1+2, 0), min(j2, n)
}

// kolmogorovPomeranz is Pr(D_n <= x) by Pomeranz's recursion (1974), as
// scipy's _kolmogn_Pomeranz computes it; scipy uses it for n <= 140.
func kolmogorovPomeranz(n int, x float64) float64 {
	fn := float64(n)
	t := fn * x
	ll := int(math.Floor(t))
	f := t - float64(ll)
	g := min(f, 1-f)
	ceilf, roundf := 0, 0
	if f > 0 {
		ceilf = 1
	}
	if f > 0.5 {
		roundf = 1
	}
	npwrs := 2 * (ll + 1)
	gpower := make([]float64, npwrs)
	twogpower := make([]float64, npwrs)
	onem2gpower := make([]float64, npwrs)
	gpower[0], twogpower[0], onem2gpower[0] = 1, 1, 1
	gOverN, twoGOverN, oneMinusTwoGOverN := g/fn, 2*g/fn, (1-2*g)/fn
	for m := 1; m < npwrs; m++ {
		fm := float64(m)
		gpower[m] = gpower[m-1] * gOverN / fm
		twogpower[m] = twogpower[m-1] * twoGOverN / fm
		onem2gpower[m] = onem2gpower[m-1] * oneMinusTwoGOverN / fm
	}
	v0 := make([]float64, npwrs)
	v1 := make([]float64, npwrs)
	v1[0] = 1
	v0s, v1s := 0, 0
	expnt := 0
	j1, j2 := pomeranzJ1J2(0, n, ll, ceilf, roundf)
	for i := 1; i < 2*n+2; i++ {
		k1 := j1
		v0, v1 = v1, v0
		v0s, v1s = v1s, v0s
		clear(v1)
		j1, j2 = pomeranzJ1J2(i, n, ll, ceilf, roundf)
		var pwrs []float64
		switch {
		case i == 1 || i == 2*n+1:
			pwrs = gpower
		case i%2 == 1:
			pwrs = twogpower
		default:
			pwrs = onem2gpower
		}
		ln2 := j2 - k1 + 1
		if ln2 <= 0 {
			continue
		}
		lo := k1 - v0s
		if lo < 0 || lo >= npwrs {
			return math.NaN() // outside what scipy's recursion reaches
		}
		a := v0[lo:min(lo+ln2, npwrs)]
		b := pwrs[:min(ln2, npwrs)]
		convStart, convLen := j1-k1, j2-j1+1
		for c := 0; c < convLen; c++ {
			// full convolution, element convStart+c
			kk := convStart + c
			s := 0.0
			for ia := max(0, kk-len(b)+1); ia <= min(kk, len(a)-1); ia++ {
				s += a[ia] * b[kk-ia]
			}
			v1[c] = s
		}
		vmax := v1[0]
		for _, x := range v1 {
			vmax = max(vmax, x)
		}
		if vmax > 0 && vmax < em128 {
			for c := range v1 {
				v1[c] *= ep128
			}
			expnt -= e128
		}
		v1s = v0s + j1 - k1
	}
	ans := v1[n-v1s]
	for m := 1; m <= n; m++ {
		if math.Abs(ans) > ep128 {
			ans *= em128
			expnt += e128
		}
		ans *= float64(m)
	}
	if expnt != 0 {
		ans = math.Ldexp(ans, expnt)
	}
	return clip01(ans)
}

// kolmogorovPelzGood is the Pelz–Good (1976) approximation of
// Pr(D_n <= x), as scipy's _kolmogn_PelzGood computes it.
func kolmogorovPelzGood(n int, x float64) float64 {
	if x <= 0 {
		return 0
	}
	if x >= 1 {
		return 1
	}
	const (
		pi2 = math.Pi * math.Pi
		pi4 = pi2 * pi2
		pi6 = pi4 * pi2
	)
	sqrt2pi := math.Sqrt(2 * math.Pi)
	fn := float64(n)
	z := math.Sqrt(fn) * x
	zsq, z3, z4, z6 := z*z, z*z*z, z*z*z*z, math.Pow(z, 6)
	qlog := -pi2 / 8 / zsq
	if qlog < minLogP {
		return 0
	}
	q := math.Exp(qlog)
	k1a := -zsq
	k1b := pi2 / 4
	k2a := 6*z6 + 2*z4
	k2b := (2*z4 - 5*zsq) * pi2 / 4
	k2c := pi4 * (1 - 2*zsq) / 16
	k3d := pi6 * (5 - 30*zsq) / 64
	k3c := pi4 * (-60*zsq + 212*z4) / 16
	k3b := pi2 * (135*z4 - 96*z6) / 4
	k3a := -30*z6 - 90*math.Pow(z, 8)

	var k0to3 [4]float64
	maxk := int(math.Ceil(16 * z / math.Pi))
	for k := maxk; k > 0; k-- {
		m := float64(2*k - 1)
		msq, m4, m6 := m*m, m*m*m*m, math.Pow(m, 6)
		qpower := math.Pow(q, float64(8*k))
		coeffs := [4]float64{
			1,
			k1a + k1b*msq,
			k2a + k2b*msq + k2c*m4,
			k3a + k3b*msq + k3c*m4 + k3d*m6,
		}
		for i := range k0to3 {
			k0to3[i] = k0to3[i]*qpower + coeffs[i]
		}
	}
	div := [4]float64{z, 6 * z4, 72 * math.Pow(z, 7), 6480 * math.Pow(z, 10)}
	for i := range k0to3 {
		k0to3[i] = k0to3[i] * q * sqrt2pi / div[i]
	}
	q = math.Exp(-pi2 / 2 / zsq)
	sqrt3z := math.Sqrt(3) * z
	var k2extra, k3extra float64
	for k := maxk; k > 0; k-- {
		ksq := float64(k * k)
		qp := math.Pow(q, ksq)
		kspi := math.Pi * float64(k)
		k2extra += ksq * qp
		k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp
	}
	k2extra *= pi2 * sqrt2pi / (-36 * z3)
	k3extra *= pi2 * sqrt2pi / (216 * z6)
	k0to3[2] += k2extra
	k0to3[3] += k3extra
	sum := 0.0
	for i := range k0to3 {
		sum += k0to3[i] / math.Pow(fn, float64(i)/2)
	}
	return sum
}

// smirnovSF is scipy.special.smirnov(n, x): Pr(D+_n >= x) for the
// one-sided statistic, by the Birnbaum–Tingey sum as cephes evaluates it
// (same special cases, same choice of the lower or upper sum, same early
// stop), with each term computed in logarithms instead of double-double.
func smirnovSF(n int, x float64) float64 {
	if !(n > 0 && x >= 0 && x <= 1) {
		return math.NaN()
	}
	if n == 1 {
		return 1 - x
	}
	if x == 0 {
		return 1
	}
	if x == 1 {
		return 0
	}
	fn := float64(n)
	nx, nxErr := fn*x, math.FMA(fn, x, -fn*x) // n·x = nx + nxErr exactly
	nxfl, alpha := floorFrac(nx, nxErr)
	// The lower sum runs over v = 0..n1mxfl, the upper over v = n1mxceil..n;
	// when n·x is an integer the term with 1-x-v/n = 0 is in neither.
	n1mxfl := n - nxfl - 1
	n1mxceil := n - nxfl
	if alpha == 0 {
		n1mxceil++
	}

	if nxfl == 0 || (nxfl == 1 && alpha == 0) { // x <= 1/n
		t := math.Pow(1+x, fn-1)
		return 1 - x*t
	}
	if -2*fn*x*x < cephesMinLog {
		return 0
	}
	if nxfl >= n-1 {
		return math.Pow(1-x, fn)
	}
	if n > smirnovMaxComputeN {
		logp := -math.Pow(6*fn*x+1, 2) / 18 / fn
		if logp < -math.Ln2 {
			return math.Exp(logp)
		}
		return 1 + math.Expm1(logp)
	}
	nUpperTerms := n - n1mxceil + 1
	useUpper := (nUpperTerms <= 1 && x < 0.5) ||
		(n >= smUpperSumMinN && nUpperTerms <= smUpperMaxTerms && x <= 0.5/math.Sqrt(fn))

	start, step, nTerms := 0, 1, n1mxfl+1
	if useUpper {
		start, step, nTerms = n, -1, n-n1mxceil+1
	}
	sum := smirnovTerm(n, start, nx, nxErr, 0.5, 1) // C(n, 0) = C(n, n) = 1
	// The binomial coefficient C(n, j) as cman·2**cexp, cman in [0.5, 1).
	cman, cexp := math.Frexp(fn) // C(n, 1)
	vmid := n / 2
	for j := 1; j < nTerms; j++ {
		v := start + j*step
		aj := smirnovTerm(n, v, nx, nxErr, cman, cexp)
		if !math.IsInf(aj, 0) && !math.IsNaN(aj) && aj != 0 {
			sum += aj
		}
		if aj != 0 {
			if 4*float64(nTerms-j)*math.Abs(aj) < epsilon*sum && j != nTerms-1 {
				break
			}
		} else if j > vmid {
			break
		}
		man, e := math.Frexp(cman * (float64(n-j) / float64(j+1)))
		cman, cexp = man, cexp+e
	}
	prob := x * sum
	if step < 0 {
		return clip01(1 - prob)
	}
	return clip01(prob)
}

const epsilon = 2.220446049250313e-16 // DBL_EPSILON

// smirnovTerm is one term of the Birnbaum–Tingey sum,
// C(n,v)·(x+v/n)**(v-1)·(1-x-v/n)**(n-v), with C(n,v) = cman·2**cexp and
// n·x = nx + nxErr.
func smirnovTerm(n, v int, nx, nxErr, cman float64, cexp int) float64 {
	fn := float64(n)
	up := ((nx + float64(v)) + nxErr) / fn     // x + v/n
	down := ((float64(n-v) - nx) - nxErr) / fn // 1 - x - v/n
	sign := 1.0
	if down < 0 {
		down = -down
		if (n-v)%2 == 1 {
			sign = -1
		}
	}
	logTerm := math.Log(cman) + float64(cexp)*math.Ln2
	if v != 1 {
		logTerm += float64(v-1) * math.Log(up)
	}
	if v != n {
		logTerm += float64(n-v) * math.Log(down)
	}
	return sign * math.Exp(logTerm)
}

// floorFrac returns floor(a+b) and (a+b) - floor(a+b) for a = fl(a+b) and a
// small error b, exactly as cephes' modNX does in double-double.
func floorFrac(a, b float64) (int, float64) {
	fl := math.Floor(a)
	frac := (a - fl) + b
	if frac < 0 {
		fl--
		frac++
	}
	if frac >= 1 {
		fl++
		frac--
	}
	return int(fl), frac
}
