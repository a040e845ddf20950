package drift

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mlctl/mlctl/internal/pyref"
)

// TestPSIByHand: training values 0,0,0,0,0,1,1,1,1,1 have deciles 0 (×4),
// 0.5 (the median, halfway between 0 and 1) and 1 (×4): three distinct
// edges, four bins (−∞,0] (0,0.5] (0.5,1] (1,∞). The training shares are
// ½ 0 ½ 0; recent values 0,1,1,2 fall ¼ 0 ½ ¼ (0 and 1 sit on edges and
// count in the bin below). The bin empty on both sides adds nothing;
// the last is empty in training, so t = 1e-4 there:
//
//	PSI = (¼−½)·ln(¼/½) + (½−½)·ln 1 + (¼−1e-4)·ln(¼/1e-4)
//	    = ¼·ln 2 + 0.2499·ln 2500 = 2.12851589…
func TestPSIByHand(t *testing.T) {
	train := []float64{1, 0, 1, 0, 1, 0, 1, 0, 1, 0}
	recent := []float64{2, 1, 0, 1}
	x, _ := sortedValues(train)
	edges := psiEdges(x)
	if !slices.Equal(edges, []float64{0, 0.5, 1}) {
		t.Fatalf("edges %v; want [0 0.5 1]", edges)
	}
	y, _ := sortedValues(recent)
	if got := binShares(x, edges); !slices.Equal(got, []float64{0.5, 0, 0.5, 0}) {
		t.Errorf("training shares %v; want [0.5 0 0.5 0]", got)
	}
	if got := binShares(y, edges); !slices.Equal(got, []float64{0.25, 0, 0.5, 0.25}) {
		t.Errorf("recent shares %v; want [0.25 0 0.5 0.25]", got)
	}
	want := 0.25*math.Ln2 + 0.2499*math.Log(2500)
	if got := PSI(train, recent); math.Abs(got-want) > 1e-15 || math.Abs(want-2.12851589) > 1e-8 {
		t.Errorf("PSI = %.17g; want %.17g", got, want)
	}
}

// TestPSIDecileEdges: ten distinct values 1..10 have the deciles
// 1.9, 2.8, … 9.1: ten bins, one value each.
func TestPSIDecileEdges(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	edges := psiEdges(x)
	want := []float64{1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1}
	if len(edges) != len(want) {
		t.Fatalf("edges %v; want %v", edges, want)
	}
	for k := range want {
		if math.Abs(edges[k]-want[k]) > 1e-12 {
			t.Errorf("edge %d = %v; want %v", k, edges[k], want[k])
		}
	}
	for k, s := range binShares(x, edges) {
		if s != 0.1 {
			t.Errorf("bin %d holds %v of the values; want 0.1", k, s)
		}
	}
	if got := psiEdges([]float64{7, 7, 7}); !slices.Equal(got, []float64{7}) {
		t.Errorf("a constant feature has edges %v; want [7]", got)
	}
}

func TestPSIIdenticalIsZero(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, v := range [][]float64{normal(rng, 1000, 0, 1), integers(rng, 500, 3), {4}} {
		shuffled := slices.Clone(v)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := PSI(v, shuffled); got != 0 {
			t.Errorf("PSI of a sample against itself (%d values) = %v; want 0", len(v), got)
		}
	}
}

// TestPSIShift: a shift of a tenth of a standard deviation reads as
// stable, one of a whole standard deviation as major.
func TestPSIShift(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	train := normal(rng, 20000, 0, 1)
	same := PSI(train, normal(rng, 5000, 0, 1))
	small := PSI(train, normal(rng, 5000, 0.1, 1))
	large := PSI(train, normal(rng, 5000, 1, 1))
	t.Logf("PSI: same %.4f, 0.1 sd %.4f, 1 sd %.4f", same, small, large)
	if PSILevel(same) != "stable" || PSILevel(small) != "stable" {
		t.Errorf("same distribution %.4f, shift 0.1 sd %.4f; want both below 0.1", same, small)
	}
	if large < 0.5 || PSILevel(large) != "major" {
		t.Errorf("shift of 1 sd: PSI %.4f; want a major shift (over 0.5)", large)
	}
	if !(same < small && small < large) {
		t.Errorf("PSI does not grow with the shift: %.4f, %.4f, %.4f", same, small, large)
	}
	disjoint := PSI(train, normal(rng, 5000, 100, 1))
	// Every recent value is beyond the top decile: the last bin holds
	// them all (training 0.1), the nine others none (1e-4 for 0.1).
	if want := 0.9*math.Log(10) + 9*(1e-4-0.1)*math.Log(1e-4/0.1); math.Abs(disjoint-want) > 1e-9 {
		t.Errorf("disjoint samples: PSI %.6f; want %.6f", disjoint, want)
	}
	if !math.IsNaN(PSI(nil, train)) || !math.IsNaN(PSI(train, []float64{math.NaN()})) {
		t.Error("PSI of an empty side is not NaN")
	}
	for psi, want := range map[float64]string{0: "stable", 0.0999: "stable", 0.1: "moderate", 0.25: "moderate", 0.2501: "major", math.NaN(): "unknown"} {
		if got := PSILevel(psi); got != want {
			t.Errorf("PSILevel(%v) = %s; want %s", psi, got, want)
		}
	}
}

// TestComparePSI: Compare reports each tested feature's PSI (as PSI
// computes it, NaNs dropped), 0 for a feature it cannot test, and the
// largest as MaxPSI.
func TestComparePSI(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	nan := math.NaN()
	trainCols := [][]float64{normal(rng, 600, 0, 1), withNaNs(rng, integers(rng, 600, 4), 0.1), normal(rng, 600, 0, 1), slices.Repeat([]float64{nan}, 600)}
	recentCols := [][]float64{normal(rng, 300, 0.05, 1), withNaNs(rng, integers(rng, 300, 6), 0.1), normal(rng, 300, 2, 1), normal(rng, 300, 0, 1)}
	r, err := Compare([]string{"stable", "ties", "moved", "no_train"}, rowsOf(trainCols...), rowsOf(recentCols...), DefaultAlpha, DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	for j, f := range r.Features[:3] {
		if want := PSI(trainCols[j], recentCols[j]); f.PSI != want {
			t.Errorf("%s: PSI %v; PSI() gives %v", f.Name, f.PSI, want)
		}
	}
	if f := r.Features[3]; f.Tested || f.PSI != 0 {
		t.Errorf("untested feature: %+v; want PSI 0", f)
	}
	if r.MaxPSI != r.Features[2].PSI || r.MaxPSI < 1 {
		t.Errorf("MaxPSI %v; want the moved feature's %v (over 1)", r.MaxPSI, r.Features[2].PSI)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("report does not encode as JSON: %v", err)
	}
}

type psiRefCase struct {
	name          string
	train, recent []float64
}

type psiRefAnswer struct {
	Numpy string `json:"numpy"`
	PSI   []struct {
		Edges  []float64 `json:"edges"`
		Train  []float64 `json:"train"`
		Recent []float64 `json:"recent"`
		PSI    float64   `json:"psi"`
	} `json:"psi"`
}

// runNumpy sends the cases to testdata/psi_ref.py and decodes its answer.
// It fails the test (never skips) when numpy is missing.
func runNumpy(t *testing.T, cases []psiRefCase) psiRefAnswer {
	t.Helper()
	pyref.Require(t, "numpy")
	var req struct {
		PSI []refSamples `json:"psi"`
	}
	for _, c := range cases {
		req.PSI = append(req.PSI, refSamples{A: jsonValues(c.train), B: jsonValues(c.recent)})
	}
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	out := pyref.Run(t, body, "testdata/psi_ref.py")
	var ans psiRefAnswer
	if err := json.Unmarshal(out, &ans); err != nil {
		t.Fatalf("decode psi_ref.py output: %v", err)
	}
	if len(ans.PSI) != len(cases) {
		t.Fatalf("psi_ref.py answered %d cases; want %d", len(ans.PSI), len(cases))
	}
	return ans
}

// TestPSIAgainstNumpy: edges, shares and PSI agree with a plain numpy
// computation; edges and shares exactly (the same quantile arithmetic,
// the same counts), PSI to 1e-12 relative (numpy sums in another order).
func TestPSIAgainstNumpy(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	grid := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i) / 4
		}
		return v
	}
	cases := []psiRefCase{
		{"normal-same", normal(rng, 3000, 0, 1), normal(rng, 2000, 0, 1)},
		{"normal-shift", normal(rng, 3000, 0, 1), normal(rng, 2000, 0.4, 1.2)},
		{"small", normal(rng, 7, 0, 1), normal(rng, 5, 0.5, 1)},
		{"ties", integers(rng, 1000, 5), integers(rng, 800, 7)},
		{"mostly-zero", append(slices.Repeat([]float64{0}, 900), normal(rng, 100, 3, 1)...), integers(rng, 400, 2)},
		{"on-edges", grid(41), grid(60)},
		{"nans", withNaNs(rng, normal(rng, 2500, 0, 1), 0.1), withNaNs(rng, normal(rng, 1500, 0.1, 1), 0.3)},
		{"constant", slices.Repeat([]float64{2}, 50), []float64{1, 2, 2, 3}},
		{"disjoint", normal(rng, 1000, 0, 1), normal(rng, 1000, 50, 1)},
		{"large", normal(rng, 50000, 10, 3), normal(rng, 20000, 10.2, 3)},
	}
	ans := runNumpy(t, cases)
	t.Logf("reference: numpy %s", ans.Numpy)
	for i, c := range cases {
		ref := ans.PSI[i]
		x, _ := sortedValues(c.train)
		y, _ := sortedValues(c.recent)
		edges := psiEdges(x)
		if !slices.Equal(edges, ref.Edges) {
			t.Errorf("%s: edges %v; numpy %v", c.name, edges, ref.Edges)
			continue
		}
		if got := binShares(x, edges); !slices.Equal(got, ref.Train) {
			t.Errorf("%s: training shares %v; numpy %v", c.name, got, ref.Train)
		}
		if got := binShares(y, edges); !slices.Equal(got, ref.Recent) {
			t.Errorf("%s: recent shares %v; numpy %v", c.name, got, ref.Recent)
		}
		got := PSI(c.train, c.recent)
		if math.Abs(got-ref.PSI) > 1e-12*math.Abs(ref.PSI) && math.Abs(got-ref.PSI) > 1e-15 {
			t.Errorf("%s: PSI %.17g; numpy %.17g", c.name, got, ref.PSI)
		}
		t.Logf("%-12s %2d bins  PSI %.6f  numpy %.6f", c.name, len(edges)+1, got, ref.PSI)
	}
}
