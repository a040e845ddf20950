package drift

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// rowsOf builds row-major rows from columns.
func rowsOf(cols ...[]float64) [][]float64 {
	rows := make([][]float64, len(cols[0]))
	for i := range rows {
		rows[i] = make([]float64, len(cols))
		for j := range cols {
			rows[i][j] = cols[j][i]
		}
	}
	return rows
}

func TestCompareVerdict(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// Four features: the first two keep their distribution, the last two
	// move. Share 2/4 = 0.5 > 0.3: drifted.
	train := rowsOf(normal(rng, 800, 0, 1), normal(rng, 800, 5, 2), normal(rng, 800, 0, 1), normal(rng, 800, 10, 1))
	recentCols := [][]float64{normal(rng, 300, 0, 1), normal(rng, 300, 5, 2), normal(rng, 300, 1, 1), normal(rng, 300, 10, 3)}
	recent := rowsOf(recentCols...)
	names := []string{"stable_a", "stable_b", "shifted", "wider"}
	r, err := Compare(names, train, recent, DefaultAlpha, DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	wantDrifted := []bool{false, false, true, true}
	for j, f := range r.Features {
		if f.Name != names[j] {
			t.Errorf("feature %d is %q; want %q", j, f.Name, names[j])
		}
		trainCol := make([]float64, len(train))
		for i := range train {
			trainCol[i] = train[i][j]
		}
		d, p := KS(trainCol, recentCols[j])
		if f.D != d || f.P != p {
			t.Errorf("%s: D, P = %v, %v; KS gives %v, %v", f.Name, f.D, f.P, d, p)
		}
		if f.Drifted != wantDrifted[j] {
			t.Errorf("%s: drifted %v (p = %.3g); want %v", f.Name, f.Drifted, f.P, wantDrifted[j])
		}
		if !f.Tested || f.NTrain != 800 || f.NRecent != 300 || f.NaNTrain != 0 || f.NaNRecent != 0 {
			t.Errorf("%s: counts %+v", f.Name, f)
		}
	}
	if r.Tested != 4 || r.DriftedFeatures != 2 || r.DriftedShare != 0.5 || !r.Drifted {
		t.Errorf("verdict: tested %d, drifted %d, share %v, drifted %v; want 4, 2, 0.5, true",
			r.Tested, r.DriftedFeatures, r.DriftedShare, r.Drifted)
	}
	if r.Alpha != DefaultAlpha || r.Threshold != DefaultThreshold || r.TrainRows != 800 || r.RecentRows != 300 {
		t.Errorf("report header %+v", r)
	}
}

// TestThresholdIsStrict: the bot detector retrains when the share "exceeds" the
// threshold, so 3 drifted features of 10 (0.3) is not drift, 4 is.
func TestThresholdIsStrict(t *testing.T) {
	for _, moved := range []int{3, 4} {
		var trainCols, recentCols [][]float64
		names := make([]string, 10)
		for j := range 10 {
			names[j] = "f" + string(rune('0'+j))
			base := make([]float64, 100)
			for i := range base {
				base[i] = float64(i)
			}
			trainCols = append(trainCols, base)
			rec := append([]float64(nil), base...)
			if j < moved {
				for i := range rec {
					rec[i] += 1000 // disjoint: p = 2/C(200,100)
				}
			}
			recentCols = append(recentCols, rec)
		}
		r, err := Compare(names, rowsOf(trainCols...), rowsOf(recentCols...), DefaultAlpha, DefaultThreshold)
		if err != nil {
			t.Fatal(err)
		}
		if r.DriftedFeatures != moved {
			t.Fatalf("%d drifted features; want %d", r.DriftedFeatures, moved)
		}
		if want := moved > 3; r.Drifted != want {
			t.Errorf("share %v: drifted %v; want %v (threshold %v is strict)", r.DriftedShare, r.Drifted, want, r.Threshold)
		}
	}
}

func TestCompareNaNs(t *testing.T) {
	nan := math.NaN()
	train := rowsOf(
		[]float64{1, 2, nan, 4, 5, 6},
		[]float64{1, 2, 3, 4, 5, 6},
		[]float64{nan, nan, nan, nan, nan, nan},
	)
	recent := rowsOf(
		[]float64{nan, 2, 3},
		[]float64{nan, nan, nan},
		[]float64{1, 2, 3},
	)
	r, err := Compare([]string{"some_missing", "recent_missing", "train_missing"}, train, recent, 0.05, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	f := r.Features
	if !f[0].Tested || f[0].NTrain != 5 || f[0].NaNTrain != 1 || f[0].NRecent != 2 || f[0].NaNRecent != 1 {
		t.Errorf("some_missing: %+v", f[0])
	}
	if d, p := KS([]float64{1, 2, 4, 5, 6}, []float64{2, 3}); f[0].D != d || f[0].P != p {
		t.Errorf("some_missing: D, P = %v, %v; KS without the NaNs %v, %v", f[0].D, f[0].P, d, p)
	}
	for _, g := range f[1:] {
		if g.Tested || g.Drifted || g.D != 0 || g.P != 1 {
			t.Errorf("%s: %+v; want untested with D = 0, P = 1", g.Name, g)
		}
	}
	if f[1].NaNRecent != 3 || f[1].NRecent != 0 || f[2].NaNTrain != 6 || f[2].NTrain != 0 {
		t.Errorf("NaN counts: %+v %+v", f[1], f[2])
	}
	if r.Tested != 1 || r.DriftedShare != 0 || r.Drifted {
		t.Errorf("verdict: tested %d, share %v, drifted %v; want 1, 0, false", r.Tested, r.DriftedShare, r.Drifted)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("report does not encode as JSON: %v", err)
	}
}

func TestCompareErrors(t *testing.T) {
	ok := [][]float64{{1, 2}, {3, 4}}
	names := []string{"a", "b"}
	for _, c := range []struct {
		name          string
		names         []string
		train, recent [][]float64
		alpha, thr    float64
		want          string
	}{
		{"no names", nil, ok, ok, 0.05, 0.3, "no feature names"},
		{"no train", names, nil, ok, 0.05, 0.3, "no training rows"},
		{"no recent", names, ok, nil, 0.05, 0.3, "no recent rows"},
		{"ragged train", names, [][]float64{{1, 2}, {3}}, ok, 0.05, 0.3, "training row 1 has 1 values; want 2"},
		{"ragged recent", names, ok, [][]float64{{1, 2, 3}}, 0.05, 0.3, "recent row 0 has 3 values; want 2"},
		{"alpha 0", names, ok, ok, 0, 0.3, "alpha 0 is not in (0, 1)"},
		{"alpha NaN", names, ok, ok, math.NaN(), 0.3, "alpha NaN"},
		{"threshold 2", names, ok, ok, 0.05, 2, "threshold 2 is not in [0, 1]"},
	} {
		_, err := Compare(c.names, c.train, c.recent, c.alpha, c.thr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one containing %q", c.name, err, c.want)
		}
	}
}

// TestBaselineDeterministic: a Baseline reused for several checks gives the
// reports Compare gives, on one thread or many, and leaves its inputs alone.
func TestBaselineDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const features = 12
	names := make([]string, features)
	trainCols := make([][]float64, features)
	recentCols := make([][]float64, features)
	for j := range features {
		names[j] = strings.Repeat("x", j+1)
		trainCols[j] = normal(rng, 2000, 0, 1)
		recentCols[j] = withNaNs(rng, normal(rng, 700, float64(j%3)*0.1, 1), 0.05)
	}
	train, recent := rowsOf(trainCols...), rowsOf(recentCols...)
	before := rowsOf(recentCols...)

	b, err := NewBaseline(names, train)
	if err != nil {
		t.Fatal(err)
	}
	first, err := b.Compare(recent, DefaultAlpha, DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	serial, err := Compare(names, train, recent, DefaultAlpha, DefaultThreshold)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := b.Compare(recent, DefaultAlpha, DefaultThreshold)
	if !reflect.DeepEqual(first, serial) || !reflect.DeepEqual(first, again) {
		t.Errorf("reports differ between runs:\n%+v\n%+v\n%+v", first, serial, again)
	}
	for i := range recent {
		for j := range recent[i] {
			a, c := recent[i][j], before[i][j]
			if a != c && !(math.IsNaN(a) && math.IsNaN(c)) {
				t.Fatalf("Compare modified recent[%d][%d]", i, j)
			}
		}
	}
	if b.Rows() != 2000 || len(b.Names()) != features {
		t.Errorf("baseline holds %d rows, %d names", b.Rows(), len(b.Names()))
	}
}

func BenchmarkCompare35x10000(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	const features = 35
	names := make([]string, features)
	trainCols := make([][]float64, features)
	recentCols := make([][]float64, features)
	for j := range features {
		names[j] = "f"
		trainCols[j] = normal(rng, 10000, 0, 1)
		recentCols[j] = normal(rng, 5000, 0.05*float64(j%4), 1)
	}
	base, _ := NewBaseline(names, rowsOf(trainCols...))
	recent := rowsOf(recentCols...)
	for b.Loop() {
		if _, err := base.Compare(recent, DefaultAlpha, DefaultThreshold); err != nil {
			b.Fatal(err)
		}
	}
}
