package worker

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// sdkTimerBuckets are the upper bounds (seconds) of the histograms the
// SDK's timers become: from a gRPC round trip to a long activity.
var sdkTimerBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, 1800, 3600}

// SDKMetrics is the Temporal SDK's client.MetricsHandler on Prometheus
// (client_golang, no tally): set it in client.Options.MetricsHandler and
// the SDK's counters appear as <name>_total (a name that ends in _total
// already is kept), its gauges as <name> and its
// timers as <name>_seconds histograms (temporal_request_total,
// temporal_activity_execution_latency_seconds, ...), their tags as
// labels. The SDK gives one metric name different tag sets (a request
// with and without an activity type, say), so there is one vector per
// name and set of tag names; all of a name's vectors are one family on
// /metrics.
type SDKMetrics struct {
	set  *sdkMetricSet
	tags map[string]string
}

var _ client.MetricsHandler = (*SDKMetrics)(nil)

// NewSDKMetrics returns a handler whose metrics reg gathers.
func NewSDKMetrics(reg prometheus.Registerer) (*SDKMetrics, error) {
	set := &sdkMetricSet{vecs: make(map[sdkVecKey]prometheus.Collector)}
	if err := reg.Register(set); err != nil {
		return nil, fmt.Errorf("register the Temporal SDK's metrics: %w", err)
	}
	return &SDKMetrics{set: set}, nil
}

// WithTags implements client.MetricsHandler: a handler whose metrics carry
// tags besides the receiver's (a key in both takes the new value).
func (h *SDKMetrics) WithTags(tags map[string]string) client.MetricsHandler {
	merged := make(map[string]string, len(h.tags)+len(tags))
	maps.Copy(merged, h.tags)
	for k, v := range tags {
		merged[labelName(k)] = v
	}
	return &SDKMetrics{set: h.set, tags: merged}
}

// Counter implements client.MetricsHandler.
func (h *SDKMetrics) Counter(name string) client.MetricsCounter {
	names, values := h.labels()
	name = metricName(name)
	if !strings.HasSuffix(name, "_total") { // temporal_local_activity_total stays as it is
		name += "_total"
	}
	c := h.set.vec(sdkCounter, name, names).(*prometheus.CounterVec).WithLabelValues(values...)
	return sdkCounterFunc(func(d int64) {
		if d > 0 { // a Prometheus counter only goes up
			c.Add(float64(d))
		}
	})
}

// Gauge implements client.MetricsHandler.
func (h *SDKMetrics) Gauge(name string) client.MetricsGauge {
	names, values := h.labels()
	g := h.set.vec(sdkGauge, metricName(name), names).(*prometheus.GaugeVec).WithLabelValues(values...)
	return sdkGaugeFunc(g.Set)
}

// Timer implements client.MetricsHandler.
func (h *SDKMetrics) Timer(name string) client.MetricsTimer {
	names, values := h.labels()
	o := h.set.vec(sdkTimer, metricName(name)+"_seconds", names).(*prometheus.HistogramVec).WithLabelValues(values...)
	return sdkTimerFunc(func(d time.Duration) { o.Observe(d.Seconds()) })
}

// labels are the handler's tag names, sorted, and their values.
func (h *SDKMetrics) labels() (names, values []string) {
	names = slices.Sorted(maps.Keys(h.tags))
	values = make([]string, len(names))
	for i, n := range names {
		values[i] = h.tags[n]
	}
	return names, values
}

type sdkCounterFunc func(int64)

func (f sdkCounterFunc) Inc(d int64) { f(d) }

type sdkGaugeFunc func(float64)

func (f sdkGaugeFunc) Update(v float64) { f(v) }

type sdkTimerFunc func(time.Duration)

func (f sdkTimerFunc) Record(d time.Duration) { f(d) }

// The kinds of SDK metric.
const (
	sdkCounter = iota
	sdkGauge
	sdkTimer
)

// sdkVecKey names one vector: a kind, a Prometheus name and its label
// names, sorted and joined by commas.
type sdkVecKey struct {
	kind   int
	name   string
	labels string
}

// sdkMetricSet holds the SDK's vectors and is their collector. It is
// unchecked (it describes nothing up front): the metrics appear as the
// SDK first asks for them.
type sdkMetricSet struct {
	mu   sync.RWMutex
	vecs map[sdkVecKey]prometheus.Collector
}

// vec returns the vector of kind, name and label names, making it on first use.
func (s *sdkMetricSet) vec(kind int, name string, labels []string) prometheus.Collector {
	key := sdkVecKey{kind: kind, name: name, labels: strings.Join(labels, ",")}
	s.mu.RLock()
	v, ok := s.vecs[key]
	s.mu.RUnlock()
	if ok {
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.vecs[key]; ok {
		return v
	}
	switch kind {
	case sdkCounter:
		v = prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: "Temporal SDK counter " + name + "."}, labels)
	case sdkGauge:
		v = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: "Temporal SDK gauge " + name + "."}, labels)
	default:
		v = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: "Temporal SDK timer " + name + ", in seconds.", Buckets: sdkTimerBuckets}, labels)
	}
	s.vecs[key] = v
	return v
}

// Describe implements prometheus.Collector; it describes nothing, which
// makes the set an unchecked collector.
func (s *sdkMetricSet) Describe(chan<- *prometheus.Desc) {}

// Collect implements prometheus.Collector.
func (s *sdkMetricSet) Collect(ch chan<- prometheus.Metric) {
	s.mu.RLock()
	vecs := slices.Collect(maps.Values(s.vecs))
	s.mu.RUnlock()
	for _, v := range vecs {
		v.Collect(ch)
	}
}

// metricName makes an SDK metric name a valid Prometheus one.
func metricName(s string) string {
	return sanitize(s, true)
}

// labelName makes an SDK tag name a valid Prometheus label name.
func labelName(s string) string {
	return sanitize(s, false)
}

// sanitize replaces what a Prometheus name may not hold with '_' (a
// metric name may also hold ':'), and prefixes one that starts with a
// digit.
func sanitize(s string, colon bool) string {
	b := []byte(s)
	for i, c := range b {
		ok := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || colon && c == ':'
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) == 0 || b[0] >= '0' && b[0] <= '9' {
		b = append([]byte{'_'}, b...)
	}
	return string(b)
}
