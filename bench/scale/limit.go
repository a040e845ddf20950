package scale

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Limit is where one machine's memory ends for a learner, from the bytes
// per row measured at the largest sizes. Every figure is bytes per row.
type Limit struct {
	Algo string `json:"algo"`
	// Raw is the float32 matrix and labels training.Data holds: 4·F + 4.
	Raw float64 `json:"raw"`
	// Beyond is the learner's peak RSS beyond the raw rows (PeakRSS −
	// LoadedRSS of its largest training run); BeyondPerFeature the same
	// over the features.
	Beyond           float64 `json:"beyond"`
	BeyondPerFeature float64 `json:"beyond_per_feature"`
	// Load is what a training run holds after reading from PostgreSQL
	// (trainingdata.Load's rows and the matrix built from them); LoadPeak
	// the loading path's peak.
	Load     float64 `json:"load"`
	LoadPeak float64 `json:"load_peak"`
	// Worker is a training run as mlctl does it today: max(LoadPeak, Load
	// + Beyond); WorkerRows the rows that fit the machine's memory.
	Worker     float64 `json:"worker"`
	WorkerRows int64   `json:"worker_rows"`
	// MatrixOnly is Raw + Beyond, a run that streams rows from PostgreSQL
	// into the float32 matrix and keeps nothing else; MatrixOnlyRows the
	// rows that fit.
	MatrixOnly     float64 `json:"matrix_only"`
	MatrixOnlyRows int64   `json:"matrix_only_rows"`
}

// limits computes each learner's Limit from res's largest training run and
// largest load.
func limits(res *Result) []Limit {
	var load *ChildResult
	for i := range res.Sizes {
		if l := res.Sizes[i].Load; l != nil {
			load = l
		}
	}
	last := res.Sizes[len(res.Sizes)-1]
	var out []Limit
	for _, algo := range slices.Sorted(maps.Keys(last.Train)) {
		t := last.Train[algo]
		l := Limit{Algo: algo, Raw: float64(4*res.Features + 4), Beyond: PerRow(t.PeakRSS-t.LoadedRSS, t.Rows)}
		l.BeyondPerFeature = l.Beyond / float64(res.Features)
		l.MatrixOnly = l.Raw + l.Beyond
		l.MatrixOnlyRows = int64(float64(res.MemoryBytes) / l.MatrixOnly)
		if load != nil {
			l.Load = PerRow(load.LoadedRSS-load.BeforeRSS, load.Rows)
			l.LoadPeak = PerRow(load.PeakRSS-load.BeforeRSS, load.Rows)
			l.Worker = max(l.LoadPeak, l.Load+l.Beyond)
			l.WorkerRows = int64(float64(res.MemoryBytes) / l.Worker)
		}
		out = append(out, l)
	}
	return out
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

// Table prints the scale table, the loading path, the linearity ratios and
// the limits.
func (r *Result) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scale: %s, %d features; machine memory %.1f GiB\n", r.Dataset, r.Features, float64(r.MemoryBytes)/(1<<30))
	algos := slices.Sorted(maps.Keys(r.Sizes[0].Train))
	fmt.Fprintf(&b, "%4s %11s %9s %9s %8s %9s %9s %11s", "", "rows", "ingest s", "rows/s", "PG MB", "PG B/row", "CLI MB", "train rows")
	for _, a := range algos {
		fmt.Fprintf(&b, " %8s %8s %8s %8s", a+" s", "peak MB", "B/row/f", "-model")
	}
	b.WriteString("\n")
	for _, s := range r.Sizes {
		in := s.Ingest
		fmt.Fprintf(&b, "%3dx %11d %9.1f %9.0f %8.0f %9.0f %9.0f %11d", s.Multiple, s.Rows, in.Seconds, in.RowsPerSec, mb(in.PGBytes), PerRow(in.PGBytes, s.Rows), mb(in.MaxRSS), s.TrainRows)
		for _, a := range algos {
			t := s.Train[a]
			beyond := PerRow(t.PeakRSS-t.LoadedRSS, t.Rows) / float64(t.Features)
			fmt.Fprintf(&b, " %8.1f %8.0f %8.2f %8.2f", t.Seconds, mb(t.PeakRSS), beyond, beyond-PerRow(t.ModelHeap, t.Rows)/float64(t.Features))
		}
		b.WriteString("\n")
	}
	fmt.Fprintln(&b, "training: peak MB = the child's VmHWM; B/row/f = (peak - RSS with the float32 matrix loaded) / (train rows x features); -model: less the model's live heap")
	for _, a := range algos {
		t0, t1 := r.Sizes[0].Train[a], r.Sizes[len(r.Sizes)-1].Train[a]
		fmt.Fprintf(&b, "  %s: after load %.0f MB, peak %.0f MB (rusage %.0f MB), model heap %.0f MB, at %d rows; time at %d / (%d x time at %d rows) = %.2f\n",
			a, mb(t1.LoadedRSS), mb(t1.PeakRSS), mb(t1.MaxRSS), mb(t1.ModelHeap), t1.Rows, t1.Rows, t1.Rows/t0.Rows, t0.Rows, r.Linearity[a])
	}
	fmt.Fprintf(&b, "loading path (trainingdata.Load from PostgreSQL, then the float32 matrix):\n%11s %8s %10s %12s %9s %10s %10s\n", "rows", "load s", "rows MB", "+matrix MB", "peak MB", "B/row held", "B/row peak")
	for _, s := range r.Sizes {
		if l := s.Load; l != nil {
			fmt.Fprintf(&b, "%11d %8.1f %10.0f %12.0f %9.0f %10.0f %10.0f\n", l.Rows, l.Seconds, mb(l.RowsRSS-l.BeforeRSS), mb(l.LoadedRSS-l.BeforeRSS),
				mb(l.PeakRSS-l.BeforeRSS), PerRow(l.LoadedRSS-l.BeforeRSS, l.Rows), PerRow(l.PeakRSS-l.BeforeRSS, l.Rows))
		}
	}
	fmt.Fprintf(&b, "where %.1f GiB ends (bytes per row):\n", float64(r.MemoryBytes)/(1<<30))
	for _, l := range r.Limits {
		fmt.Fprintf(&b, "  %s: raw %.0f + beyond %.0f (%.2f/feature) = %.0f -> %.1fM rows with a streamed matrix; today (rows held %.0f, load peak %.0f) %.0f -> %.1fM rows\n",
			l.Algo, l.Raw, l.Beyond, l.BeyondPerFeature, l.MatrixOnly, float64(l.MatrixOnlyRows)/1e6, l.Load, l.LoadPeak, l.Worker, float64(l.WorkerRows)/1e6)
	}
	last := r.Sizes[len(r.Sizes)-1]
	fmt.Fprintf(&b, "  ingest: the CLI peaked at %.0f B/row at %d rows -> %.1fM rows per ingest\n", PerRow(last.Ingest.MaxRSS, last.Rows), last.Rows,
		float64(r.MemoryBytes)/PerRow(last.Ingest.MaxRSS, last.Rows)/1e6)
	return b.String()
}
