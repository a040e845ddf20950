package flow

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// TestStreamMatchesWindows feeds the fixture through a live Stream (60 s
// lateness, records slightly out of order as Zeek writes them) and checks
// it yields exactly the offline units, each only once the 5-minute window
// containing it has closed.
func TestStreamMatchesWindows(t *testing.T) {
	recs := readFixture(t)
	want, err := Windows(recs, WindowsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(recs)
	slices.SortStableFunc(sorted, func(a, b datasets.ConnRecord) int { return a.Time.Compare(b.Time) })
	// Swap neighbours less than the lateness apart: out of order, not late.
	for i := 0; i+1 < len(sorted); i += 2 {
		if sorted[i+1].Time.Sub(sorted[i].Time) < 30*time.Second {
			sorted[i], sorted[i+1] = sorted[i+1], sorted[i]
		}
	}
	st, err := NewStream(nil, Config{Lateness: 60 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var got []Unit
	for _, r := range sorted {
		for _, u := range st.Add(r) {
			// Emitted only after its 5-minute window ended plus the lateness.
			outerEnd := u.WindowStart.Truncate(DefaultLongWindow).Add(DefaultLongWindow)
			if r.Time.Before(outerEnd.Add(60 * time.Second)) {
				t.Errorf("%s emitted at %s, before its 5-minute window closed (%s + 60 s)", u.Input(), r.Time, outerEnd)
			}
			got = append(got, u)
		}
	}
	got = append(got, st.Flush()...)
	if len(got) != len(want) {
		t.Fatalf("stream gave %d units, offline %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Input() != w.Input() || g.Label != w.Label || g.Family != w.Family || !sameValues(g.Values, w.Values) {
			t.Errorf("unit %d: stream %s %d %q %v\noffline %s %d %q %v", i, g.Input(), g.Label, g.Family, g.Values, w.Input(), w.Label, w.Family, w.Values)
		}
	}
	if s := st.Stats(); s.Units != len(want) || s.Scales[0].LateFlows != 0 {
		t.Errorf("stats %+v", s)
	}
	if n := len(st.outer[0]) + len(st.pending) + len(st.families); n != 0 {
		t.Errorf("stream still holds %d outer windows, pending units or family counts after Flush", n)
	}
}

func sameValues(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) })
}
