package servingbench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// Protocol is one request form of the same scorer under the same load:
// mlctl's POST /v1/score or the Open Inference Protocol's infer.
type Protocol struct {
	API string `json:"api"`
	// Single is single names at about 5,000/s (the run with the median
	// p99 of 3); Batch batches of 1,000 names as fast as they go (the run
	// with the median names/s of 3).
	Single Latency    `json:"single_name_5000_rps"`
	Batch  Throughput `json:"batch_1000"`
}

// measureProtocols loads addr's /v1/score and /v2/models/ALIAS/infer in
// turn with the same names.
func measureProtocols(ctx context.Context, dir, addr, alias string, names []string, d time.Duration) ([]Protocol, error) {
	oip := func(ns []string) string {
		b, _ := json.Marshal(map[string]any{"inputs": []map[string]any{{"name": "names", "shape": []int{len(ns)}, "datatype": "BYTES", "data": ns}}})
		return string(b)
	}
	v1 := func(ns []string) string {
		b, _ := json.Marshal(map[string][]string{"names": ns})
		return string(b)
	}
	apis := []struct {
		name, path string
		body       func([]string) string
	}{
		{"POST /v1/score", "/v1/score", v1},
		{"OIP POST /v2/models/" + alias + "/infer", "/v2/models/" + alias + "/infer", oip},
	}
	singles := make([][]Latency, len(apis))
	batches := make([][]Throughput, len(apis))
	for run := range 3 {
		fmt.Fprintf(os.Stderr, "serving: /v1/score and OIP infer, run %d of 3\n", run+1)
		for i, a := range apis {
			url := "http://" + addr + a.path
			l, err := wrkPaced(ctx, dir, url, a.body(names[:1]), 14, 2, d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a.name, err)
			}
			t, err := wrk(ctx, dir, url, a.body(names[:1000]), 1000, 1, 4, d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", a.name, err)
			}
			if l.Failed > 0 || t.Non2xx > 0 {
				return nil, fmt.Errorf("%s: %d single and %d batch requests failed", a.name, l.Failed, t.Non2xx)
			}
			singles[i], batches[i] = append(singles[i], l), append(batches[i], t)
		}
	}
	res := make([]Protocol, len(apis))
	for i, a := range apis {
		res[i] = Protocol{API: a.name, Single: medianLatency(singles[i]), Batch: medianThroughput(batches[i])}
	}
	return res, nil
}

// protocolTable prints the request forms with each one's ratio to /v1/score.
func protocolTable(b *strings.Builder, ps []Protocol) {
	if len(ps) == 0 {
		return
	}
	fmt.Fprintf(b, "  /v1/score and the Open Inference Protocol, same scorer, same names, interleaved (median of 3):\n")
	for _, p := range ps {
		fmt.Fprintf(b, "    %-40s single at ~5,000/s: p50 %.3f ms, p99 %.3f ms (ratio %.2f); batches of 1,000: %.0f names/s (ratio %.2f)\n",
			p.API, p.Single.P50Ms, p.Single.P99Ms, p.Single.P99Ms/ps[0].Single.P99Ms, p.Batch.NamesPerSec, p.Batch.NamesPerSec/ps[0].Batch.NamesPerSec)
	}
}
