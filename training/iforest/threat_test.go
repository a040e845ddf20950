package iforest

import (
	"context"
	"math"
	"testing"

	"github.com/mlctl/mlctl/training/matrix"
)

func trainDefault(x *matrix.Matrix) (*Model, error) {
	return Train(context.Background(), x, DefaultParams(), Options{})
}

func TestLevel(t *testing.T) {
	for s, want := range map[float64]string{
		-1: LevelCritical, -0.31: LevelCritical, -0.30: LevelHigh, -0.2: LevelHigh, -0.15: LevelMedium,
		-0.1: LevelMedium, -0.05: LevelLow, -0.049: LevelLow, 0: LevelLow, math.NaN(): LevelLow,
	} {
		if got := Level(s); got != want {
			t.Errorf("Level(%v) = %s, want %s", s, got, want)
		}
	}
}

func TestNormalise(t *testing.T) {
	m := loadHand(t) // offset -0.5 (contamination "auto")
	for s, want := range map[float64]float64{-0.4: 0, -0.5: 0, -0.6: -0.1, -0.8: -0.3, -1: -0.5} {
		if got := m.Normalise(s); math.Abs(got-want) > 1e-15 {
			t.Errorf("Normalise(%v) = %v, want %v", s, got, want)
		}
	}
	if !math.IsNaN(m.Normalise(math.NaN())) {
		t.Error("Normalise(NaN) is not NaN")
	}
	if got := (&Model{offset: -0.2}).Normalise(-1); got != -0.8 {
		t.Errorf("offset -0.2: Normalise(-1) = %v, want -0.8", got)
	}
	if got := (&Model{offset: 0.5}).Normalise(-0.9); got != -1 {
		t.Errorf("Normalise clamps to -1: got %v", got)
	}
	if !m.IsAnomaly(-0.031) || m.IsAnomaly(-0.03) || m.IsAnomaly(0) {
		t.Error("IsAnomaly is not 'below the threshold -0.03'")
	}
}

func TestPercentileMatchesNumpy(t *testing.T) {
	v := []float64{4, 1, 3, 2}
	// np.percentile([4, 1, 3, 2], q) for q = 0, 5, 50, 62.5, 100.
	for q, want := range map[float64]float64{0: 1, 5: 1.15, 50: 2.5, 62.5: 2.875, 100: 4} {
		if got := Percentile(v, q); math.Abs(got-want) > 1e-15 {
			t.Errorf("Percentile(%v) = %v, want %v", q, got, want)
		}
	}
	if v[0] != 4 {
		t.Error("Percentile sorted its input")
	}
	if !math.IsNaN(Percentile(nil, 5)) || Percentile([]float64{7}, 30) != 7 {
		t.Error("Percentile of empty or single-value input")
	}
}

func TestAdaptiveThreshold(t *testing.T) {
	// The 5th percentile of 0, -0.01, ..., -0.99 is -0.9405: below the
	// configured -0.03, so it is the threshold.
	v := make([]float64, 100)
	for i := range v {
		v[i] = -float64(i) / 100
	}
	if got := AdaptiveThreshold(v, 5, -0.03); math.Abs(got+0.9405) > 1e-12 {
		t.Errorf("AdaptiveThreshold = %v, want -0.9405", got)
	}
	// A baseline that is mostly 0: the configured threshold wins.
	z := make([]float64, 100)
	z[0] = -0.5
	if got := AdaptiveThreshold(z, 5, -0.03); got != -0.03 {
		t.Errorf("AdaptiveThreshold = %v, want -0.03", got)
	}
	// NaN is ignored; nothing left gives the configured threshold.
	if got := AdaptiveThreshold([]float64{math.NaN(), -0.2, -0.4}, 50, -0.03); math.Abs(got+0.3) > 1e-15 {
		t.Errorf("AdaptiveThreshold with NaN = %v, want -0.3", got)
	}
	if got := AdaptiveThreshold([]float64{math.NaN()}, 5, -0.07); got != -0.07 {
		t.Errorf("AdaptiveThreshold of nothing = %v, want -0.07", got)
	}
}

// TestTrainThresholds: the offset is the contamination quantile of the
// baseline's scores and the threshold min(5th percentile of the normalised
// baseline scores, configured), both recomputable from ScoreSamples.
func TestTrainThresholds(t *testing.T) {
	x, _ := synthetic(5000, 0, 25)
	for _, c := range []float64{0.02, 0.1, 0} {
		p := DefaultParams()
		p.Contamination = c
		m, err := Train(context.Background(), x, p, Options{})
		if err != nil {
			t.Fatal(err)
		}
		s := make([]float64, x.Rows)
		if err := m.ScoreSamples(x, s); err != nil {
			t.Fatal(err)
		}
		wantOffset := -0.5
		if c != 0 {
			wantOffset = Percentile(s, 100*c)
		}
		if m.Offset() != wantOffset {
			t.Errorf("contamination %v: offset %v, want %v", c, m.Offset(), wantOffset)
		}
		norm := make([]float64, len(s))
		below := 0
		for i, v := range s {
			norm[i] = m.Normalise(v)
			if norm[i] < 0 {
				below++
			}
		}
		if want := min(Percentile(norm, 5), -0.03); m.Threshold() != want {
			t.Errorf("contamination %v: threshold %v, want %v", c, m.Threshold(), want)
		}
		if c != 0 && math.Abs(float64(below)/float64(len(s))-c) > 0.002 {
			t.Errorf("contamination %v: %d of %d baseline rows normalise below 0", c, below, len(s))
		}
		t.Logf("contamination %v: offset %.4f, threshold %.4f", c, m.Offset(), m.Threshold())
	}
}
