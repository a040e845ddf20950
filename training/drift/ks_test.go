package drift

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/pyref"
)

// Tolerances against scipy. D is the same float computation as scipy's and
// must agree to 1e-9 (it agrees exactly). p agrees to pTol relative (or
// pAbs absolute for p-values below 1e-300): the exact path repeats scipy's
// arithmetic; the asymptotic path computes Smirnov's sum in float64
// logarithms where cephes uses double-double and Go's math.Pow where numpy
// uses C's pow, which costs about n·1e-16 relative.
const (
	dTol = 1e-9
	pTol = 1e-9
	pAbs = 1e-300
)

func pClose(got, want float64) bool {
	if got == want {
		return true
	}
	return math.Abs(got-want) <= pTol*math.Abs(want) || math.Abs(got-want) <= pAbs
}

type refRequest struct {
	KS      []refSamples `json:"ks"`
	KSTwo   [][2]any     `json:"kstwo"`
	Smirnov [][2]any     `json:"smirnov"`
}

type refSamples struct {
	A []string `json:"a"`
	B []string `json:"b"`
}

type refAnswer struct {
	Scipy   string       `json:"scipy"`
	KS      [][2]float64 `json:"ks"`
	KSTwo   []float64    `json:"kstwo"`
	Smirnov []float64    `json:"smirnov"`
}

// jsonValues encodes v for the reference script as exact decimal strings
// ("NaN", "+Inf" and "-Inf" included, which JSON numbers cannot carry).
func jsonValues(v []float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return out
}

// runScipy sends req to testdata/ks_ref.py and decodes its answer. It fails
// the test (never skips) when scipy is missing.
func runScipy(t *testing.T, req refRequest) refAnswer {
	t.Helper()
	pyref.Require(t, "scipy", "numpy")
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	out := pyref.Run(t, body, "testdata/ks_ref.py")
	var ans refAnswer
	if err := json.Unmarshal(out, &ans); err != nil {
		t.Fatalf("decode ks_ref.py output: %v", err)
	}
	return ans
}

// ksCase is one pair of fixed samples; regime names the branch of scipy's
// p-value it exercises.
type ksCase struct {
	name, regime string
	a, b         []float64
}

func normal(rng *rand.Rand, n int, mean, sd float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = mean + sd*rng.NormFloat64()
	}
	return v
}

func integers(rng *rand.Rand, n, k int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(rng.IntN(k))
	}
	return v
}

func withNaNs(rng *rand.Rand, v []float64, share float64) []float64 {
	for i := range v {
		if rng.Float64() < share {
			v[i] = math.NaN()
		}
	}
	return v
}

func ksCases() []ksCase {
	rng := rand.New(rand.NewPCG(2024, 7))
	sep := func(n int, lo float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = lo + float64(i)
		}
		return v
	}
	// grid is n evenly spaced points in [0, 1], bent by bend·sin(πu), so two
	// grids differ by about bend: a KS distance chosen in advance.
	grid := func(n int, bend float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			u := (float64(i) + 0.5) / float64(n)
			v[i] = u + bend*math.Sin(math.Pi*u)
		}
		return v
	}
	return []ksCase{
		{"equal-20", "exact n1=n2", normal(rng, 20, 0, 1), normal(rng, 20, 0.8, 1)},
		{"equal-500-null", "exact n1=n2", normal(rng, 500, 0, 1), normal(rng, 500, 0, 1)},
		{"unequal-37-53", "exact n1≠n2", normal(rng, 37, 0, 1), normal(rng, 53, 0.5, 1.3)},
		{"unequal-1000-750", "exact n1≠n2", normal(rng, 1000, 0, 1), normal(rng, 750, 0.1, 1)},
		{"ties-200-150", "exact, ties", integers(rng, 200, 6), integers(rng, 150, 5)},
		{"ties-across-7-7", "exact, ties", []float64{1, 2, 2, 3, 3, 3, 4}, []float64{2, 3, 3, 4, 4, 5, 5}},
		{"identical", "h = 0", []float64{3, 1, 2, 5, 4}, []float64{5, 4, 3, 2, 1}},
		{"separated-30", "exact, tiny p", sep(30, 0), sep(30, 100)},
		{"separated-40-70", "exact, tiny p", sep(40, 0), sep(70, 1000)},
		{"one-one", "exact n=1", []float64{1}, []float64{2}},
		{"infinities", "exact, ±Inf", []float64{math.Inf(-1), 0, 1, 2, math.Inf(1)}, []float64{0.5, 1.5, math.Inf(1), math.Inf(1)}},
		{"nans", "exact, NaNs dropped", withNaNs(rng, normal(rng, 300, 0, 1), 0.1), withNaNs(rng, normal(rng, 250, 0.2, 1), 0.2)},
		{"edge-10000-9999", "exact at MAX_AUTO_N", normal(rng, 10000, 0, 1), normal(rng, 9999, 0.03, 1)},
		{"asymp-pelzgood", "asymptotic, Pelz–Good", normal(rng, 20000, 0, 1), normal(rng, 5000, 0.02, 1)},
		{"asymp-smirnov", "asymptotic, Smirnov sum", normal(rng, 20000, 0, 1), normal(rng, 5000, 0.08, 1)},
		{"asymp-zero", "asymptotic, n·d² ≥ 370", grid(20000, 0), grid(5000, 0.4)},
		{"asymp-deep-tail", "asymptotic, subnormal p", grid(20000, 0), grid(5000, 0.3)},
		{"asymp-dmtw", "asymptotic, Durbin matrix", grid(10001, 0), grid(10001, 0.003)},
		{"asymp-small-dmtw", "asymptotic n≤140, Durbin", grid(12000, 0), grid(60, 0.05)},
		{"asymp-small-pomeranz", "asymptotic n≤140, Pomeranz", grid(12000, 0), grid(60, 0.15)},
		{"asymp-small-smirnov", "asymptotic n≤140, Smirnov", normal(rng, 12000, 0, 1), normal(rng, 60, 0.9, 1)},
		{"asymp-one", "asymptotic n=1", normal(rng, 15000, 0, 1), []float64{0.3}},
		{"asymp-ties-nans", "asymptotic, ties and NaNs", withNaNs(rng, integers(rng, 30000, 40), 0.05), withNaNs(rng, integers(rng, 8000, 41), 0.05)},
		{"asymp-large", "asymptotic, large n", normal(rng, 60000, 0, 1), normal(rng, 45000, 0.01, 1.01)},
	}
}

// kstwoGrid covers every branch of scipy's _kolmogn survival function.
func kstwoGrid() [][2]any {
	var g [][2]any
	for _, n := range []int{1, 2, 3, 5, 10, 30, 60, 100, 140, 141, 500, 2000, 4000, 20000, 100000, 150000, 600000} {
		for _, x := range []float64{0.0001, 0.003, 0.01, 0.02, 0.035, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.8, 0.95, 0.999} {
			g = append(g, [2]any{n, x})
		}
		g = append(g, [2]any{n, 0.75 / float64(n)}, [2]any{n, 1 - 0.5/float64(n)})
	}
	return g
}

func smirnovGrid() [][2]any {
	var g [][2]any
	for _, n := range []int{1, 2, 7, 10, 50, 141, 1000, 5000, 30000, 200000, 2000000} {
		for _, x := range []float64{0.0005, 0.004, 0.01, 0.03, 0.06, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9, 0.999} {
			g = append(g, [2]any{n, x})
		}
		if n > 3 {
			g = append(g, [2]any{n, 3 / float64(n)}) // n·x an integer
		}
	}
	return g
}

func TestKSAgainstScipy(t *testing.T) {
	cases := ksCases()
	req := refRequest{KSTwo: kstwoGrid(), Smirnov: smirnovGrid()}
	for _, c := range cases {
		req.KS = append(req.KS, refSamples{A: jsonValues(c.a), B: jsonValues(c.b)})
	}
	ans := runScipy(t, req)
	if len(ans.KS) != len(cases) || len(ans.KSTwo) != len(req.KSTwo) || len(ans.Smirnov) != len(req.Smirnov) {
		t.Fatalf("ks_ref.py answered %d/%d/%d figures; want %d/%d/%d",
			len(ans.KS), len(ans.KSTwo), len(ans.Smirnov), len(cases), len(req.KSTwo), len(req.Smirnov))
	}
	t.Logf("reference: scipy %s", ans.Scipy)

	var worstP, worstD float64
	seen := map[string]bool{}
	for i, c := range cases {
		start := time.Now()
		d, p := KS(c.a, c.b)
		took := time.Since(start)
		wd, wp := ans.KS[i][0], ans.KS[i][1]
		if math.Abs(d-wd) > dTol {
			t.Errorf("%s (%s): D = %.17g; scipy %.17g", c.name, c.regime, d, wd)
		}
		if !pClose(p, wp) {
			t.Errorf("%s (%s): p = %.17g; scipy %.17g (rel diff %.2g)", c.name, c.regime, p, wp, math.Abs(p-wp)/wp)
		}
		if wp > 0 {
			worstP = max(worstP, math.Abs(p-wp)/wp)
		}
		worstD = max(worstD, math.Abs(d-wd))
		branch := pBranch(c.a, c.b, d)
		seen[branch] = true
		t.Logf("%-22s %-34s D=%.6f p=%.6g scipy p=%.6g (%v)", c.name, branch, d, p, wp, took.Round(time.Microsecond))
	}
	for _, b := range []string{"exact n1=n2", "exact n1≠n2", "exact h=0", "asymptotic n>140 Pelz–Good",
		"asymptotic n>140 Durbin matrix", "asymptotic n>140 Smirnov sum", "asymptotic n>140 zero",
		"asymptotic n≤140 Durbin matrix", "asymptotic n≤140 Pomeranz", "asymptotic n≤140 Smirnov sum",
		"asymptotic t≤1"} {
		if !seen[b] {
			t.Errorf("no KS case reaches the %q branch", b)
		}
	}
	t.Logf("largest D difference over the KS cases: %.3g; largest relative p difference: %.3g", worstD, worstP)

	worst := 0.0
	for i, nx := range req.KSTwo {
		n, x := nx[0].(int), nx[1].(float64)
		got, want := kolmogorovSF(n, x), ans.KSTwo[i]
		if !pClose(got, want) {
			t.Errorf("kstwo.sf(%g, %d) = %.17g; scipy %.17g", x, n, got, want)
		}
		if want > 0 {
			worst = max(worst, math.Abs(got-want)/want)
		}
	}
	t.Logf("largest relative kstwo.sf difference: %.3g", worst)

	worst = 0
	for i, nx := range req.Smirnov {
		n, x := nx[0].(int), nx[1].(float64)
		got, want := smirnovSF(n, x), ans.Smirnov[i]
		if !pClose(got, want) {
			t.Errorf("smirnov(%d, %g) = %.17g; scipy %.17g", n, x, got, want)
		}
		if want > 0 {
			worst = max(worst, math.Abs(got-want)/want)
		}
	}
	t.Logf("largest relative smirnov difference: %.3g", worst)
}

// pBranch names the branch of scipy's p-value computation that samples a
// and b with statistic d take (a mirror of ksPValue and kolmogorovSF, for
// checking that the fixed cases cover them all).
func pBranch(a, b []float64, d float64) string {
	x, _ := sortedValues(a)
	y, _ := sortedValues(b)
	n1, n2 := len(x), len(y)
	if max(n1, n2) <= maxExactN {
		lcm := n1 / gcd(n1, n2) * n2
		switch {
		case math.RoundToEven(d*float64(lcm)) == 0:
			return "exact h=0"
		case n1 == n2:
			return "exact n1=n2"
		default:
			return "exact n1≠n2"
		}
	}
	m, n := float64(max(n1, n2)), float64(min(n1, n2))
	en := math.RoundToEven(m * n / (m + n))
	t, nx2 := en*d, en*d*d
	switch {
	case t <= 1:
		return "asymptotic t≤1"
	case t >= en-1 || d >= 0.5:
		return "asymptotic exact tail"
	case en <= 140 && nx2 <= 0.754693:
		return "asymptotic n≤140 Durbin matrix"
	case en <= 140 && nx2 <= 4:
		return "asymptotic n≤140 Pomeranz"
	case en <= 140:
		return "asymptotic n≤140 Smirnov sum"
	case nx2 >= 370:
		return "asymptotic n>140 zero"
	case nx2 >= 2.2:
		return "asymptotic n>140 Smirnov sum"
	case en <= 100000 && en*math.Pow(d, 1.5) <= 1.4:
		return "asymptotic n>140 Durbin matrix"
	default:
		return "asymptotic n>140 Pelz–Good"
	}
}

func TestKSHandChecked(t *testing.T) {
	// a = {1,2,3}, b = {4,5,6}: the distributions never overlap, D = 1, and
	// the exact p-value is 2/C(6,3) = 0.1.
	d, p := KS([]float64{3, 1, 2}, []float64{6, 4, 5})
	if d != 1 || math.Abs(p-0.1) > 1e-15 {
		t.Errorf("KS({1,2,3},{4,5,6}) = %v, %v; want 1, 0.1", d, p)
	}
	// Identical samples: D = 0, p = 1.
	if d, p := KS([]float64{1, 2, 2, 3}, []float64{3, 2, 1, 2}); d != 0 || p != 1 {
		t.Errorf("KS of identical samples = %v, %v; want 0, 1", d, p)
	}
	// NaNs are dropped: the same as without them.
	d1, p1 := KS([]float64{1, math.NaN(), 2, 3}, []float64{math.NaN(), 4, 5, 6, math.NaN()})
	if d1 != 1 || math.Abs(p1-0.1) > 1e-15 {
		t.Errorf("KS with NaNs = %v, %v; want 1, 0.1 as without them", d1, p1)
	}
	// Nothing left: NaN.
	if d, p := KS([]float64{math.NaN()}, []float64{1}); !math.IsNaN(d) || !math.IsNaN(p) {
		t.Errorf("KS with an empty sample = %v, %v; want NaN, NaN", d, p)
	}
	// The inputs are not reordered.
	a := []float64{3, 1, 2}
	KS(a, []float64{0})
	if a[0] != 3 || a[1] != 1 || a[2] != 2 {
		t.Errorf("KS reordered its input: %v", a)
	}
}

func BenchmarkKS(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][2]int{{1000, 1000}, {5000, 2000}, {10000, 9999}, {100000, 5000}} {
		x, y := normal(rng, sz[0], 0, 1), normal(rng, sz[1], 0.02, 1)
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			for b.Loop() {
				KS(x, y)
			}
		})
	}
}
