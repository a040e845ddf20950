package serving

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/training/gbdt"
)

// defaultRecipeModel is a model like `mlctl train`'s default (domain
// features, 100 trees, depth 6) on generated names, loaded for serving.
func defaultRecipeModel(b *testing.B, db *registry.DB) (*Model, []datasets.Row) {
	rows := datasets.GenerateDemo(9, 20000)
	set, err := features.FitDomain(rows, features.DomainOptions{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	names := make([]string, len(rows))
	y := make([]float32, len(rows))
	for i, r := range rows {
		names[i], y[i] = r.Name, float32(r.Label)
	}
	p := gbdt.DefaultParams()
	p.Rounds, p.MaxDepth, p.Eta = 100, 6, 0.2
	m, err := gbdt.Train(context.Background(), artifact.FeatureMatrix(set, names), y, p, gbdt.Options{})
	if err != nil {
		b.Fatal(err)
	}
	state, err := set.MarshalJSON()
	if err != nil {
		b.Fatal(err)
	}
	sc, err := artifact.NewScorer(&artifact.Artifact{Algo: "gbdt", Model: m,
		FeatureSet: artifact.FeatureSet{Name: set.Name(), Version: set.Version(), Names: set.Names(), State: state}})
	if err != nil {
		b.Fatal(err)
	}
	return &Model{Name: "bench", Version: 1, Threshold: 0.5, Scorer: sc}, rows
}

// BenchmarkPipeline offers queries as fast as one source can and reports
// names scored per second by the micro-batching pipeline (alerts and the
// live sample of `mlctl serve`'s default --drift-sample 2000 included) on
// traffic that is 1% DGA.
func BenchmarkPipeline(b *testing.B) {
	db := registrytest.Open(b)
	m, rows := defaultRecipeModel(b, db)
	m.Sample = NewLiveSample(m, 2000, 1)
	h := &Holder{}
	h.Swap(m)
	benchPipeline(b, db, h, rows)
}

// BenchmarkPipelineShadow is BenchmarkPipeline with a shadow open: every
// batch is scored by a challenger (as costly as the champion) too.
func BenchmarkPipelineShadow(b *testing.B) {
	db := registrytest.Open(b)
	m, rows := defaultRecipeModel(b, db)
	m.Sample = NewLiveSample(m, 2000, 1)
	h := &Holder{}
	h.Swap(m)
	challenger := *m
	challenger.Sample = nil
	h.SetShadow(newShadow(&registry.Shadow{ID: 1}, m, &challenger))
	benchPipeline(b, db, h, rows)
	if got := h.Shadow().Stats().Scored; got != int64(b.N) {
		b.Fatalf("shadow scored %d of %d names", got, b.N)
	}
}

func benchPipeline(b *testing.B, db *registry.DB, h *Holder, rows []datasets.Row) {
	sink, err := NewAlertSink(db, "bench", "", quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	b.ResetTimer()
	p := NewPipeline(h, sink, quiet, []string{"dnstap"}, PipelineOptions{})
	done := make(chan struct{})
	go func() { p.Run(context.Background()); close(done) }()
	// Traffic as resolvers see it: mostly benign, 1% DGA.
	var benign, dga []string
	for _, r := range rows {
		if r.Label == 0 {
			benign = append(benign, r.Name)
		} else {
			dga = append(dga, r.Name)
		}
	}
	now := time.Now()
	for i := 0; i < b.N; i++ {
		name := benign[i%len(benign)]
		if i%100 == 0 {
			name = dga[i/100%len(dga)]
		}
		q := Query{Source: "dnstap", Time: now, ClientIP: "10.0.0.1", Name: name}
		for len(p.queue) == cap(p.queue) {
			time.Sleep(50 * time.Microsecond) // a paced source: measure scoring, not drops
		}
		p.Offer(q)
	}
	p.Close()
	<-done
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "names/s")
}

// BenchmarkScoreOneName is the scoring work of a single-name HTTP request.
func BenchmarkScoreOneName(b *testing.B) {
	db := registrytest.Open(b)
	m, _ := defaultRecipeModel(b, db)
	out := make([]float64, 1)
	in := []string{"www.google.com"}
	b.ResetTimer()
	for range b.N {
		m.Scorer.Score(in, out)
	}
}

// BenchmarkScoreAPIBatch is one POST /v1/score of 1,000 names, in process.
func BenchmarkScoreAPIBatch(b *testing.B) {
	db := registrytest.Open(b)
	m, rows := defaultRecipeModel(b, db)
	h := &Holder{}
	h.Swap(m)
	metrics, reg := newTestMetrics(b)
	api := (&API{Holder: h, Metrics: metrics, Gatherer: reg}).Handler()
	names := make([]string, 1000)
	for i := range names {
		names[i] = rows[i*7%len(rows)].Name
	}
	body, _ := json.Marshal(map[string][]string{"names": names})
	b.ResetTimer()
	for range b.N {
		w := httptest.NewRecorder()
		api.ServeHTTP(w, httptest.NewRequest("POST", "/v1/score", bytes.NewReader(body)))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
	b.ReportMetric(float64(b.N*len(names))/b.Elapsed().Seconds(), "names/s")
}

// BenchmarkScoreAPIOneName is one POST /v1/score of a single name, in
// process: the request path around BenchmarkScoreOneName's scoring.
func BenchmarkScoreAPIOneName(b *testing.B) {
	db := registrytest.Open(b)
	m, _ := defaultRecipeModel(b, db)
	h := &Holder{}
	h.Swap(m)
	metrics, reg := newTestMetrics(b)
	api := (&API{Holder: h, Metrics: metrics, Gatherer: reg}).Handler()
	body := []byte(`{"names":["www.google.com"]}`)
	w := httptest.NewRecorder()
	r := bytes.NewReader(body)
	req := httptest.NewRequest("POST", "/v1/score", r)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r.Reset(body)
		req.Body = io.NopCloser(r)
		w.Body.Reset()
		api.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkPipelineTXT is BenchmarkPipeline with the tiny test txt model:
// TXT records scored per second, one record per query, 1% tunnel answers.
func BenchmarkPipelineTXT(b *testing.B) {
	db := registrytest.Open(b)
	sc, err := artifact.NewScorer(trainTXTModel(b))
	if err != nil {
		b.Fatal(err)
	}
	h := &Holder{}
	h.Swap(&Model{Name: "bench-txt", Version: 1, Threshold: 0.5, Scorer: sc})
	sink, err := NewAlertSink(db, "bench", "", quiet)
	if err != nil {
		b.Fatal(err)
	}
	defer sink.Close()
	b.ResetTimer()
	p := NewPipeline(h, sink, quiet, []string{"dnstap"}, PipelineOptions{})
	done := make(chan struct{})
	go func() { p.Run(context.Background()); close(done) }()
	now := time.Now()
	for i := 0; i < b.N; i++ {
		rec := benignTXT[i%len(benignTXT)]
		if i%100 == 0 {
			rec = tunnelTXT[i/100%len(tunnelTXT)]
		}
		q := Query{Source: "dnstap", Time: now, ClientIP: "10.0.0.1", Name: "example.com", TXT: []string{rec}}
		for len(p.queue) == cap(p.queue) {
			time.Sleep(50 * time.Microsecond)
		}
		p.Offer(q)
	}
	p.Close()
	<-done
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
