package soak

import (
	"testing"
	"time"
)

func TestDriftWindows(t *testing.T) {
	warm, end := driftWindows(30 * time.Minute)
	if warm.From != 300 || warm.To != 600 || end.From != 1500 || end.To != 1800 {
		t.Errorf("30m: warm %v end %v", warm, end)
	}
	warm, end = driftWindows(3 * time.Minute)
	if warm.From != 60 || warm.To != 120 || end.From != 120 || end.To != 180 {
		t.Errorf("3m: warm %v end %v", warm, end)
	}
}

// samples makes a 3-minute run sampled every 10 s whose RSS, p99,
// goroutines and open files are f(i) for the i-th sample.
func samples(f func(i int) (rss, p99 float64, gor, fds int)) []Sample {
	var out []Sample
	for i := 1; i <= 18; i++ {
		rss, p99, gor, fds := f(i)
		out = append(out, Sample{Seconds: float64(i)*10 + 0.004, RSSMB: rss, P99Ms: p99, Requests: 500, Goroutines: gor, OpenFDs: fds})
	}
	return out
}

func TestComputeDrift(t *testing.T) {
	// Flat but for warm-up in the first third and one slow sample.
	flat := samples(func(i int) (float64, float64, int, int) {
		if i <= 3 {
			return 50, 9, 20, 12
		}
		p99 := 2.0
		if i == 15 {
			p99 = 40 // a GC pause or a neighbour: the median ignores it
		}
		return 100, p99, 30, 16
	})
	d := computeDrift(flat, 3*time.Minute, 10*time.Second)
	if d.Warm.Samples != 6 || d.End.Samples != 6 {
		t.Fatalf("windows hold %d and %d samples, want 6 each", d.Warm.Samples, d.End.Samples)
	}
	if d.RSSPct != 0 || d.P99Pct != 0 || d.P99EndMs != 2 {
		t.Errorf("flat run: RSS %+.1f%%, p99 %+.1f%% (end %.2f ms)", d.RSSPct, d.P99Pct, d.P99EndMs)
	}
	if g := d.Goroutines; g.First != 20 || g.Last != 30 || g.Max != 30 || g.WarmMedian != 30 || g.EndMedian != 30 {
		t.Errorf("goroutines %+v", g)
	}

	// RSS grows 1 MB a sample: a leak.
	leak := samples(func(i int) (float64, float64, int, int) { return 100 + float64(i), 2, 30, 16 })
	d = computeDrift(leak, 3*time.Minute, 10*time.Second)
	// warm: samples 7..12, median 109.5; end: 13..18, median 115.5.
	if d.RSSWarmMB != 109.5 || d.RSSEndMB != 115.5 {
		t.Errorf("leak: RSS %.1f → %.1f", d.RSSWarmMB, d.RSSEndMB)
	}
}
