package serving

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl/features/prefilter"
)

// latencyBuckets are the upper bounds (seconds) of the request histogram.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 5, 10}

// Metrics are the HTTP API's metrics: requests by status and their latency,
// observed as each ends, and what they scored, read at scrape time. The
// scorer's other metrics are its collector's (collector.go).
type Metrics struct {
	// NamesScored counts names (and flow windows) scored through the HTTP
	// API; TXTScored TXT records.
	NamesScored, TXTScored atomic.Uint64
	// Prefiltered counts, by reason, names the HTTP API answered as
	// prefiltered (not scored).
	Prefiltered prefilter.Counts

	requests *prometheus.CounterVec
	latency  prometheus.Histogram
	rejected *prometheus.CounterVec
	inFlight prometheus.Gauge

	authFailures *prometheus.CounterVec
	authReloads  *prometheus.CounterVec
	tokens       prometheus.Gauge
}

// The reasons a score request is refused before it is scored: the labels
// of mlctl_http_rejected_total.
const (
	// RejectInFlight: every slot was taken (503, --max-in-flight).
	RejectInFlight = "in_flight"
	// RejectTooManyInputs: more inputs than --max-inputs (413).
	RejectTooManyInputs = "too_many_inputs"
	// RejectBodyTooLarge: a body over --max-body (413).
	RejectBodyTooLarge = "body_too_large"
	// RejectReadTimeout: the body was not read within the read timeout (408).
	RejectReadTimeout = "read_timeout"
)

// RejectReasons are the reasons, in the order /metrics lists them.
var RejectReasons = []string{RejectInFlight, RejectTooManyInputs, RejectBodyTooLarge, RejectReadTimeout}

// NewMetrics returns empty metrics, registered on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlctl_http_requests_total", Help: "Score API requests by HTTP status."},
			[]string{"code"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "mlctl_http_request_duration_seconds", Help: "Score API request latency.",
			Buckets: latencyBuckets}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlctl_http_rejected_total",
			Help: "Score API requests refused before scoring, by reason: in_flight (503, all --max-in-flight slots taken), too_many_inputs (413, --max-inputs), body_too_large (413, --max-body), read_timeout (408)."},
			[]string{"reason"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "mlctl_http_requests_in_flight", Help: "Score API requests being read or scored (at most --max-in-flight)."}),
	}
	m.authFailures = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlctl_http_auth_failures_total",
		Help: "HTTP requests refused by authentication, by reason: missing (401, no token nor client certificate), malformed (401, an Authorization header that is not Bearer TOKEN), unknown_token (401, not in --http-tokens or revoked), scope (403, the token's scopes do not open the path), client_cert (403, a client certificate not among --tls-client-name)."},
		[]string{"reason"})
	m.authReloads = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlctl_http_auth_reload_failures_total",
		Help: "Reloads of the HTTP API's credentials that failed and kept the ones in use, by file: tokens (--http-tokens), cert (--tls-cert/--tls-key), client_ca (--tls-client-ca)."},
		[]string{"file"})
	m.tokens = prometheus.NewGauge(prometheus.GaugeOpts{Name: "mlctl_http_tokens", Help: "Bearer tokens the HTTP API accepts (--http-tokens)."})
	for _, r := range RejectReasons {
		m.rejected.WithLabelValues(r) // listed at 0 from the start
	}
	for _, r := range AuthReasons {
		m.authFailures.WithLabelValues(r)
	}
	for _, f := range []string{"tokens", "cert", "client_ca"} {
		m.authReloads.WithLabelValues(f)
	}
	names := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "mlctl_http_names_scored_total", Help: "Names scored through the HTTP API."},
		func() float64 { return float64(m.NamesScored.Load()) })
	txt := prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "mlctl_http_txt_scored_total", Help: "TXT records scored through the HTTP API."},
		func() float64 { return float64(m.TXTScored.Load()) })
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.rejected, m.inFlight, names, txt, m.authFailures, m.authReloads, m.tokens} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register the HTTP API's metrics: %w", err)
		}
	}
	return m, nil
}

// observeRequest counts a request answered with code after d.
func (m *Metrics) observeRequest(code int, d time.Duration) {
	m.requests.WithLabelValues(strconv.Itoa(code)).Inc()
	m.latency.Observe(d.Seconds())
}

// reject counts a score request refused for reason (see RejectReasons).
func (m *Metrics) reject(reason string) { m.rejected.WithLabelValues(reason).Inc() }

// authFailure counts a request refused by authentication for reason
// (see AuthReasons).
func (m *Metrics) authFailure(reason string) {
	if m != nil {
		m.authFailures.WithLabelValues(reason).Inc()
	}
}

// authReloadFailed counts a reload of file ("tokens", "cert" or
// "client_ca") that kept the credentials in use.
func (m *Metrics) authReloadFailed(file string) {
	if m != nil {
		m.authReloads.WithLabelValues(file).Inc()
	}
}

// setTokens records how many bearer tokens are in use.
func (m *Metrics) setTokens(n int) {
	if m != nil {
		m.tokens.Set(float64(n))
	}
}
