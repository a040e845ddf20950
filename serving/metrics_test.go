package serving

import (
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// newTestMetrics returns Metrics registered on a registry of their own,
// and that registry.
func newTestMetrics(t testing.TB) (*Metrics, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	return m, reg
}

// scrape is what GET /metrics answers with what g gathers.
func scrape(t testing.TB, g prometheus.Gatherer) string {
	t.Helper()
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(g, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// TestMetricsRegisterOnce: the HTTP API's metrics registered twice on one
// registry is an error, not a panic nor a silent second copy.
func TestMetricsRegisterOnce(t *testing.T) {
	_, reg := newTestMetrics(t)
	if _, err := NewMetrics(reg); err == nil {
		t.Fatal("NewMetrics registered the same metrics twice")
	}
}
