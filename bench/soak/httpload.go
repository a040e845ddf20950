package soak

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// maxInFlight bounds the score requests the load has open at once; a
// request due while this many are open is counted as failed (the scorer
// is far behind) rather than queued.
const maxInFlight = 64

// idleConns is how many keep-alive connections the load keeps between
// requests: at 50 requests/s of a few milliseconds one or two are busy.
// Connections opened for a burst of slow answers are closed as they come
// back, so the scorer's goroutines and open files count its own state,
// not how many connections a latency spike once made the client open
// (the scorer keeps an idle one for 2 minutes).
const idleConns = 4

// httpLoad posts score requests of a fixed number of names at a fixed
// rate (open loop: a slow answer does not delay the next request) and
// keeps each request's latency, as the client sees it, until take.
type httpLoad struct {
	url    string
	rate   int
	names  int
	bodies [][]byte
	client *http.Client

	mu     sync.Mutex
	lat    []float64 // milliseconds, since the last take
	failed int       // since the last take
	errs   []string  // the first few failures, for the report
	total  int
	totalF int
	all    []float64 // every latency, for the whole run's percentiles
}

// newHTTPLoad prepares 256 distinct request bodies drawn from m.
func newHTTPLoad(addr string, rate, names int, m *mix) *httpLoad {
	l := &httpLoad{url: "http://" + addr + "/v1/score", rate: rate, names: names,
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: idleConns, DisableCompression: true}}}
	for range 256 {
		ns := make([]string, names)
		for i := range ns {
			ns[i] = m.name()
		}
		b, _ := json.Marshal(map[string][]string{"names": ns})
		l.bodies = append(l.bodies, b)
	}
	return l
}

// run sends requests until ctx ends and waits for those in flight.
func (l *httpLoad) run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, maxInFlight)
	period := time.Second / time.Duration(l.rate)
	start := time.Now()
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * period)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(due)):
		}
		select {
		case slots <- struct{}{}:
		default:
			l.record(0, fmt.Errorf("not sent: all %d of the load's requests were still in flight", maxInFlight))
			continue
		}
		wg.Add(1)
		go func(body []byte) {
			defer wg.Done()
			defer func() { <-slots }()
			t := time.Now()
			err := l.post(body)
			l.record(time.Since(t), err)
		}(l.bodies[i%len(l.bodies)])
	}
}

// post sends one request and checks its answer holds a result per name.
func (l *httpLoad) post(body []byte) error {
	resp, err := l.client.Post(l.url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d: %.200s", resp.StatusCode, b)
	}
	var r struct {
		Results []json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	if len(r.Results) != l.names {
		return fmt.Errorf("%d results for %d names", len(r.Results), l.names)
	}
	return nil
}

// record keeps one request's outcome.
func (l *httpLoad) record(d time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total++
	if err != nil {
		l.failed++
		l.totalF++
		if len(l.errs) < 5 {
			l.errs = append(l.errs, err.Error())
		}
		return
	}
	ms := float64(d) / float64(time.Millisecond)
	l.lat = append(l.lat, ms)
	l.all = append(l.all, ms)
}

// take returns the latencies and failures since the last take.
func (l *httpLoad) take() (lat []float64, failed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lat, failed = l.lat, l.failed
	l.lat, l.failed = nil, 0
	return lat, failed
}

// totals returns every latency of the run, the requests sent and failed,
// and the first failures.
func (l *httpLoad) totals() (all []float64, requests, failed int, errs []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all, l.total, l.totalF, l.errs
}
