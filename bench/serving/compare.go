package servingbench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// Side is one scorer under the comparison's load: `mlctl serve` or the
// peer, the same requests from the same load generators on the same
// machine, in one run.
type Side struct {
	Scorer string `json:"scorer"`
	// At500 and At5000 are single names paced at about 500 and 5,000
	// requests/s (wrk, 10 connections waiting 20 ms; 14 waiting 2 ms: the
	// run with the median p99 of 3).
	At500  Latency `json:"single_name_500_rps"`
	At5000 Latency `json:"single_name_5000_rps"`
	// MaxSustained is the highest offered rate of single names (hey, 5 s
	// a step, a worker per 100 requests/s) answered within 5% of it, with
	// no failure and p99 ≤ 50 ms.
	MaxSustained int       `json:"max_sustained_rps"`
	Steps        []Latency `json:"rate_steps"`
	// Batch is batches of 1,000 names as fast as they go (wrk, 4
	// connections: the run with the median names/s of 3).
	Batch Throughput `json:"batch_1000"`
}

// sustainP99Ms is the p99 a rate step may reach and still count as sustained.
const sustainP99Ms = 50

var sustainSteps = []int{250, 500, 1000, 2000, 3000, 5000, 8000, 12000, 16000, 24000}

// compare loads each scorer (name → host:port of its POST /v1/score) in
// turn, step by step, so both see the machine in the same state.
func compare(ctx context.Context, dir string, scorers []string, addrs map[string]string, names []string, d time.Duration) ([]Side, error) {
	sides := make([]Side, len(scorers))
	for i, s := range scorers {
		sides[i].Scorer = s
	}
	single := fmt.Sprintf(`{"names":[%q]}`, names[0])
	batch, _ := json.Marshal(map[string][]string{"names": names[:1000]})
	at5000 := make([][]Latency, len(scorers))
	batches := make([][]Throughput, len(scorers))
	for run := range 3 {
		fmt.Fprintf(os.Stderr, "serving: side by side, run %d of 3: single names at 5,000/s, batches of 1,000\n", run+1)
		for i, s := range scorers {
			url := "http://" + addrs[s] + "/v1/score"
			l, err := wrkPaced(ctx, dir, url, single, 14, 2, d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s, err)
			}
			at5000[i] = append(at5000[i], l)
			t, err := wrk(ctx, dir, url, string(batch), 1000, 1, 4, d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s, err)
			}
			batches[i] = append(batches[i], t)
		}
	}
	for i, s := range scorers {
		sides[i].At5000, sides[i].Batch = medianLatency(at5000[i]), medianThroughput(batches[i])
		var err error
		if sides[i].At500, err = wrkPaced(ctx, dir, "http://"+addrs[s]+"/v1/score", single, 10, 20, d); err != nil {
			return nil, fmt.Errorf("%s: %w", s, err)
		}
	}
	fmt.Fprintln(os.Stderr, "serving: side by side, highest sustained rate of single names (hey, 5 s a step)")
	going := make([]bool, len(scorers))
	for i := range going {
		going[i] = true
	}
	for _, rate := range sustainSteps {
		for i, s := range scorers {
			if !going[i] {
				continue
			}
			// A worker a 100 requests/s: hey's workers fire in phase, so
			// more of them would arrive as bursts rather than a rate.
			workers := (rate + 99) / 100
			l, err := hey(ctx, "http://"+addrs[s]+"/v1/score", single, rate, workers, 5*time.Second)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s, err)
			}
			sides[i].Steps = append(sides[i].Steps, l)
			if l.Failed > 0 || l.Rate < 0.95*float64(rate) || l.P99Ms > sustainP99Ms {
				going[i] = false
				continue
			}
			sides[i].MaxSustained = rate
		}
	}
	return sides, nil
}

// compareTable prints the sides in columns, with mlctl's ratio to each peer.
func compareTable(b *strings.Builder, sides []Side) {
	if len(sides) == 0 {
		return
	}
	fmt.Fprintf(b, "  side by side, same load, same run (ratio = peer / mlctl; > 1 means mlctl is better):\n")
	fmt.Fprintf(b, "    %-44s", "")
	for _, s := range sides {
		fmt.Fprintf(b, " %28s", s.Scorer)
	}
	fmt.Fprintf(b, " %10s\n", "ratio")
	row := func(label string, f func(Side) float64, format string, lowerBetter bool) {
		fmt.Fprintf(b, "    %-44s", label)
		for _, s := range sides {
			fmt.Fprintf(b, " %28s", fmt.Sprintf(format, f(s)))
		}
		m, p := f(sides[0]), f(sides[len(sides)-1])
		ratio := p / m
		if !lowerBetter {
			ratio = m / p
		}
		fmt.Fprintf(b, " %10.1f\n", ratio)
	}
	row("single names ~500/s: p50 ms", func(s Side) float64 { return s.At500.P50Ms }, "%.3f", true)
	row("single names ~500/s: p99 ms", func(s Side) float64 { return s.At500.P99Ms }, "%.3f", true)
	row("single names ~5,000/s offered: achieved /s", func(s Side) float64 { return s.At5000.Rate }, "%.0f", false)
	row("single names ~5,000/s: p50 ms", func(s Side) float64 { return s.At5000.P50Ms }, "%.3f", true)
	row("single names ~5,000/s: p99 ms", func(s Side) float64 { return s.At5000.P99Ms }, "%.3f", true)
	row("max sustained single names /s (p99<=50ms)", func(s Side) float64 { return float64(s.MaxSustained) }, "%.0f", false)
	row("batches of 1,000: names/s", func(s Side) float64 { return s.Batch.NamesPerSec }, "%.0f", false)
}
