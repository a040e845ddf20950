package campaign

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/pyref"
)

func points(xs ...float64) [][]float64 {
	v := make([][]float64, len(xs))
	for i, x := range xs {
		v[i] = []float64{x}
	}
	return v
}

// TestHandChecked runs DBSCAN on small cases whose labels are worked out by
// hand (integer coordinates, so distances are exact).
func TestHandChecked(t *testing.T) {
	for _, c := range []struct {
		name       string
		vectors    [][]float64
		eps        float64
		minSamples int
		want       []int
	}{
		// 0 sees only itself and 0.9: not core, but a neighbour of the
		// core point 0.9, so a border point of the one cluster. golearn's
		// DBSCAN panics here.
		{"noise point seen first joins as border", points(0, 0.9, 1.0, 1.1, 1.2), 0.95, 3, []int{0, 0, 0, 0, 0}},
		// 7 is 4 from 3 (cluster A) and from 11 (cluster B), eps = 4 is
		// inclusive; it has 3 < 4 neighbours, so it is a border point of
		// whichever cluster reaches it first: A, found first.
		{"shared border goes to the first cluster", points(0, 1, 2, 3, 7, 11, 12, 13, 14), 4, 4, []int{0, 0, 0, 0, 0, 1, 1, 1, 1}},
		// The same points with B found first: 7 goes to B.
		{"shared border, other order", points(7, 11, 12, 13, 14, 0, 1, 2, 3), 4, 4, []int{0, 0, 0, 0, 0, 1, 1, 1, 1}},
		// 18 is a border point of B only and comes first: B is numbered 0
		// although scikit-learn finds A first (it would number A 0).
		{"IDs follow the first member", points(18, 0, 1, 2, 3, 11, 12, 13, 14), 4, 4, []int{0, 1, 1, 1, 1, 0, 0, 0, 0}},
		// min_samples counts the point itself.
		{"pair with min 2", points(0, 1), 1, 2, []int{0, 0}},
		{"pair with min 3", points(0, 1), 1, 3, []int{Noise, Noise}},
		{"min 1: every point a campaign", points(0, 10, 20, 10.5), 1, 1, []int{0, 1, 2, 1}},
		{"all noise", points(0, 10, 20, 30), 1, 2, []int{Noise, Noise, Noise, Noise}},
		{"duplicates count", points(5, 5, 5, 9), 0.5, 3, []int{0, 0, 0, Noise}},
		// Two dimensions: (0,0),(3,4) are 5 apart (inclusive), (6,8) 5
		// further; with min 3 only (3,4) is core.
		{"euclidean in 2-D", [][]float64{{0, 0}, {3, 4}, {6, 8}, {100, 100}}, 5, 3, []int{0, 0, 0, Noise}},
		{"empty", nil, 0.5, 3, []int{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Cluster(c.vectors, c.eps, c.minSamples, false)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("labels %v; want %v", got, c.want)
			}
		})
	}
}

func TestStandardize(t *testing.T) {
	// Column 0: mean 2.5, population sd sqrt(1.25); column 1: constant,
	// only centred; column 2 in thousands.
	x := []float64{
		1, 7, 1000,
		2, 7, 2000,
		3, 7, 3000,
		4, 7, 4000,
	}
	standardize(x, 4, 3)
	sd := math.Sqrt(1.25)
	want := []float64{
		-1.5 / sd, 0, -1.5 / sd,
		-0.5 / sd, 0, -0.5 / sd,
		0.5 / sd, 0, 0.5 / sd,
		1.5 / sd, 0, 1.5 / sd,
	}
	for i := range x {
		if math.Abs(x[i]-want[i]) > 1e-12 {
			t.Fatalf("standardized %v; want %v", x, want)
		}
	}
	// Byte counts a unit apart, a ratio alternating 0.1/0.9: raw, the
	// points chain along the byte axis (neighbours 1.28 apart) into one
	// campaign; scaled (bytes sd 1.118, ratio sd 0.4), equal ratios are
	// 1.79 apart and unequal ones at least 2.19, so eps 1.9 splits them
	// into two campaigns by ratio.
	vecs := [][]float64{{1000, 0.1}, {1001, 0.9}, {1002, 0.1}, {1003, 0.9}}
	raw, _ := Cluster(vecs, 1.5, 2, false)
	scaled, _ := Cluster(vecs, 1.9, 2, true)
	if !reflect.DeepEqual(raw, []int{0, 0, 0, 0}) || !reflect.DeepEqual(scaled, []int{0, 1, 0, 1}) {
		t.Errorf("raw %v, scaled %v; want [0 0 0 0] and [0 1 0 1]", raw, scaled)
	}
}

func TestClusterErrors(t *testing.T) {
	ok := [][]float64{{1, 2}, {3, 4}}
	for _, c := range []struct {
		name       string
		vectors    [][]float64
		eps        float64
		minSamples int
		want       string
	}{
		{"eps 0", ok, 0, 3, "eps 0 is not a positive number"},
		{"eps NaN", ok, math.NaN(), 3, "eps NaN"},
		{"eps Inf", ok, math.Inf(1), 3, "eps +Inf"},
		{"min 0", ok, 0.5, 0, "min samples 0 is below 1"},
		{"ragged", [][]float64{{1, 2}, {3}}, 0.5, 3, "vector 1 has 1 values; want 2"},
		{"no features", [][]float64{{}, {}}, 0.5, 3, "no features"},
		{"NaN", [][]float64{{1, 2}, {3, math.NaN()}}, 0.5, 3, "vector 1 feature 1 is NaN"},
		{"Inf", [][]float64{{math.Inf(-1), 2}}, 0.5, 3, "vector 0 feature 0 is -Inf"},
		{"too many", make([][]float64, MaxVectors+1), 0.5, 3, "at most 10000 per call"},
	} {
		if _, err := Cluster(c.vectors, c.eps, c.minSamples, true); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one containing %q", c.name, err, c.want)
		}
	}
	// The input is not modified, scaled or not.
	v := [][]float64{{1, 2}, {3, 4}, {5, 7}}
	if _, err := Cluster(v, 0.5, 1, true); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v, [][]float64{{1, 2}, {3, 4}, {5, 7}}) {
		t.Errorf("Cluster modified its input: %v", v)
	}
}

// blobs returns sizes[k] points around random centres in [-spread,
// spread]^dim with standard deviation sds[k], then noise points uniform in
// the box widened by half, then multiplies feature j by units[j % len(units)]
// (features in different units, as flow features are).
func blobs(rng *rand.Rand, dim int, sizes []int, sds []float64, noise int, spread float64, units []float64) [][]float64 {
	var out [][]float64
	for k, size := range sizes {
		centre := make([]float64, dim)
		for j := range centre {
			centre[j] = (2*rng.Float64() - 1) * spread
		}
		for range size {
			v := make([]float64, dim)
			for j := range v {
				v[j] = centre[j] + sds[k]*rng.NormFloat64()
			}
			out = append(out, v)
		}
	}
	for range noise {
		v := make([]float64, dim)
		for j := range v {
			v[j] = (2*rng.Float64() - 1) * 1.5 * spread
		}
		out = append(out, v)
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	for _, v := range out {
		for j := range v {
			v[j] *= units[j%len(units)]
		}
	}
	return out
}

type sklearnCase struct {
	name       string
	vectors    [][]float64
	eps        float64
	minSamples int
	scale      bool
}

func sklearnCases() []sklearnCase {
	rng := rand.New(rand.NewPCG(11, 12))
	d5 := blobs(rng, 5, []int{150, 100, 60, 8}, []float64{0.3, 0.6, 1.0, 0.2}, 90, 10, []float64{1})
	d35 := blobs(rng, 35, []int{120, 80, 40, 5}, []float64{0.5, 1, 1.5, 0.3}, 60, 10, []float64{1, 10, 1000, 0.01, 1e5})
	d2 := blobs(rng, 2, []int{200, 200, 30}, []float64{0.8, 0.8, 0.3}, 100, 4, []float64{1}) // touching blobs: many border points
	return []sklearnCase{
		{"5-D raw", d5, 1.0, 5, false},
		{"5-D scaled, bot-detector defaults", d5, DefaultEps, DefaultMinSamples, true},
		{"35-D scaled (sklearn brute force)", d35, 3.0, DefaultMinSamples, true},
		{"35-D scaled, min 10", d35, 4.0, 10, true},
		{"2-D touching blobs", d2, 0.35, 6, false},
		{"2-D touching blobs scaled", d2, 0.2, 4, true},
	}
}

// minMargin returns the smallest relative gap |dist² - eps²| / eps² over
// all pairs, in the space Cluster measures: a pair closer to the boundary
// than rounding could flip between implementations.
func minMargin(c sklearnCase) float64 {
	n, d := len(c.vectors), len(c.vectors[0])
	x := make([]float64, 0, n*d)
	for _, v := range c.vectors {
		x = append(x, v...)
	}
	if c.scale {
		standardize(x, n, d)
	}
	eps2 := c.eps * c.eps
	m := math.Inf(1)
	for p := 0; p < n; p++ {
		for q := p + 1; q < n; q++ {
			s := 0.0
			for k := 0; k < d; k++ {
				t := x[p*d+k] - x[q*d+k]
				s += t * t
			}
			m = min(m, math.Abs(s-eps2)/eps2)
		}
	}
	return m
}

// sameUpToRenumbering reports whether two labelings have the same noise and
// the same clusters.
func sameUpToRenumbering(a, b []int) error {
	if len(a) != len(b) {
		return fmt.Errorf("%d labels vs %d", len(a), len(b))
	}
	ab, ba := map[int]int{}, map[int]int{}
	for i := range a {
		if (a[i] == Noise) != (b[i] == Noise) {
			return fmt.Errorf("point %d: label %d vs %d", i, a[i], b[i])
		}
		if a[i] == Noise {
			continue
		}
		if l, ok := ab[a[i]]; ok && l != b[i] {
			return fmt.Errorf("point %d: cluster %d is both %d and %d", i, a[i], l, b[i])
		}
		if l, ok := ba[b[i]]; ok && l != a[i] {
			return fmt.Errorf("point %d: cluster %d is both %d and %d", i, b[i], l, a[i])
		}
		ab[a[i]], ba[b[i]] = b[i], a[i]
	}
	return nil
}

func TestAgainstSklearn(t *testing.T) {
	pyref.Require(t, "sklearn", "numpy")
	cases := sklearnCases()
	type reqCase struct {
		Vectors    [][]float64 `json:"vectors"`
		Eps        float64     `json:"eps"`
		MinSamples int         `json:"min_samples"`
		Scale      bool        `json:"scale"`
	}
	var req struct {
		Cases []reqCase `json:"cases"`
	}
	for _, c := range cases {
		req.Cases = append(req.Cases, reqCase{c.vectors, c.eps, c.minSamples, c.scale})
	}
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	out := pyref.Run(t, body, "testdata/dbscan_ref.py")
	var ans struct {
		Sklearn string  `json:"sklearn"`
		Labels  [][]int `json:"labels"`
	}
	if err := json.Unmarshal(out, &ans); err != nil {
		t.Fatalf("decode dbscan_ref.py output: %v", err)
	}
	if len(ans.Labels) != len(cases) {
		t.Fatalf("dbscan_ref.py answered %d cases; want %d", len(ans.Labels), len(cases))
	}
	t.Logf("reference: scikit-learn %s", ans.Sklearn)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if m := minMargin(c); m < 1e-9 {
				t.Fatalf("a pair lies %.3g (relative) from eps: the fixture is ambiguous under rounding; change it", m)
			}
			start := time.Now()
			got, err := Cluster(c.vectors, c.eps, c.minSamples, c.scale)
			if err != nil {
				t.Fatal(err)
			}
			took := time.Since(start)
			want := ans.Labels[i]
			if err := sameUpToRenumbering(got, want); err != nil {
				t.Errorf("labels differ from sklearn's: %v", err)
			}
			clusters, noise := summarize(got)
			if clusters < 2 || noise == 0 {
				t.Errorf("fixture gives %d clusters and %d noise points; want a case with both", clusters, noise)
			}
			// IDs are numbered by first member.
			nextID := 0
			for _, l := range got {
				if l == nextID {
					nextID++
				} else if l > nextID {
					t.Fatalf("cluster %d appears before cluster %d", l, nextID)
				}
			}
			t.Logf("%d vectors × %d: %d campaigns, %d noise (%v)", len(c.vectors), len(c.vectors[0]), clusters, noise, took.Round(time.Microsecond))
		})
	}
}

func summarize(labels []int) (clusters, noise int) {
	for _, l := range labels {
		if l == Noise {
			noise++
		} else {
			clusters = max(clusters, l+1)
		}
	}
	return clusters, noise
}

// TestDeterministic: the same vectors give the same IDs, and shuffling them
// gives the same campaigns (core points are order-free; only a border point
// reachable from two campaigns may change sides, and none is here).
func TestDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	v := blobs(rng, 4, []int{50, 50, 50}, []float64{0.3, 0.3, 0.3}, 20, 10, []float64{1})
	a, _ := Cluster(v, 0.8, 4, false)
	b, _ := Cluster(v, 0.8, 4, false)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs differ")
	}
	perm := rng.Perm(len(v))
	shuffled := make([][]float64, len(v))
	for i, p := range perm {
		shuffled[i] = v[p]
	}
	c, _ := Cluster(shuffled, 0.8, 4, false)
	back := make([]int, len(v))
	for i, p := range perm {
		back[p] = c[i]
	}
	if err := sameUpToRenumbering(a, back); err != nil {
		t.Errorf("shuffled input gives other campaigns: %v", err)
	}
}

func BenchmarkCluster(b *testing.B) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, n := range []int{1000, 5000, MaxVectors} {
		v := blobs(rng, 35, []int{n / 4, n / 4, n / 4}, []float64{0.5, 1, 1.5}, n-3*(n/4), 10, []float64{1, 10, 1000})
		b.Run(fmt.Sprintf("%dx35", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Cluster(v, DefaultEps, DefaultMinSamples, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
