package measure

import (
	"runtime"
	"time"

	"github.com/mlctl/mlctl/bench/stats"
)

// Sides is one measurement of mlctl's side and of the reference's: a
// figure per repeat (seconds, unless a benchmark says otherwise).
type Sides struct {
	// Mine are mlctl's figures, Theirs the reference tool's, in run order.
	Mine, Theirs []float64
}

// Alternate calls mine and then theirs, Repeats times, and collects the
// figure each returns; the first error stops it.
func Alternate(mine, theirs func() (float64, error)) (Sides, error) {
	var s Sides
	for range Repeats {
		v, err := mine()
		if err != nil {
			return Sides{}, err
		}
		s.Mine = append(s.Mine, v)
		if v, err = theirs(); err != nil {
			return Sides{}, err
		}
		s.Theirs = append(s.Theirs, v)
	}
	return s, nil
}

// Medians returns the median of each side.
func (s Sides) Medians() (mine, theirs float64) {
	return stats.Median(s.Mine), stats.Median(s.Theirs)
}

// Ratio is mlctl's median over the reference's (for times, below 1: mlctl
// is faster).
func (s Sides) Ratio() float64 {
	mine, theirs := s.Medians()
	return mine / theirs
}

// Rates returns n over each side's median: rows per second when the
// figures are seconds per pass over n rows.
func (s Sides) Rates(n int) (mine, theirs float64) {
	m, t := s.Medians()
	return float64(n) / m, float64(n) / t
}

// Plus adds o's figures to s's repeat by repeat (fit + score seconds).
func (s Sides) Plus(o Sides) Sides {
	sum := Sides{Mine: make([]float64, len(s.Mine)), Theirs: make([]float64, len(s.Theirs))}
	for i := range s.Mine {
		sum.Mine[i] = s.Mine[i] + o.Mine[i]
	}
	for i := range s.Theirs {
		sum.Theirs[i] = s.Theirs[i] + o.Theirs[i]
	}
	return sum
}

// Seconds collects the garbage left by earlier runs, then runs f once and
// returns its wall time.
func Seconds(f func() error) (float64, error) {
	runtime.GC()
	start := time.Now()
	if err := f(); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}

// PerCall returns the mean seconds per call of f over at least 0.2 s,
// with GOMAXPROCS = threads meanwhile (Predict uses every core it is
// given).
func PerCall(threads int, f func() error) (float64, error) {
	prev := runtime.GOMAXPROCS(threads)
	defer runtime.GOMAXPROCS(prev)
	n, start := 0, time.Now()
	for time.Since(start) < 200*time.Millisecond {
		if err := f(); err != nil {
			return 0, err
		}
		n++
	}
	return time.Since(start).Seconds() / float64(n), nil
}
