package serving

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/mlctl/mlctl/registry/registrytest"
)

// oipBenchSizes are the batch sizes BenchmarkOIPInfer and BenchmarkV1Score
// compare.
var oipBenchSizes = []int{1, 100, 1000}

// BenchmarkOIPInfer is one POST /v2/models/{alias}/infer of 1, 100 and
// 1,000 names, in process, with the default recipe's model: the OIP's
// request path beside BenchmarkV1Score's for the same names.
func BenchmarkOIPInfer(b *testing.B) {
	benchAPIBatches(b, func(names []string) (string, []byte) {
		body, _ := json.Marshal(map[string]any{"inputs": []map[string]any{{"name": "names", "shape": []int{len(names)}, "datatype": "BYTES", "data": names}}})
		return "/v2/models/production/infer", body
	})
}

// BenchmarkV1Score is one POST /v1/score of the same names as
// BenchmarkOIPInfer.
func BenchmarkV1Score(b *testing.B) {
	benchAPIBatches(b, func(names []string) (string, []byte) {
		body, _ := json.Marshal(map[string][]string{"names": names})
		return "/v1/score", body
	})
}

// benchAPIBatches runs a sub-benchmark per batch size of the request
// request makes, reporting names scored per second.
func benchAPIBatches(b *testing.B, request func(names []string) (path string, body []byte)) {
	db := registrytest.Open(b)
	m, rows := defaultRecipeModel(b, db)
	h := &Holder{}
	h.Swap(m)
	metrics, reg := newTestMetrics(b)
	api := (&API{Holder: h, Alias: "production", Metrics: metrics, Gatherer: reg}).Handler()
	for _, n := range oipBenchSizes {
		names := make([]string, n)
		for i := range names {
			names[i] = rows[(i*7+1)%len(rows)].Name
		}
		path, body := request(names)
		b.Run(fmt.Sprintf("names=%d", n), func(b *testing.B) {
			w := httptest.NewRecorder()
			r := bytes.NewReader(body)
			req := httptest.NewRequest("POST", path, r)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				r.Reset(body)
				req.Body = io.NopCloser(r)
				w.Body.Reset()
				api.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "names/s")
		})
	}
}
