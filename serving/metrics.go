package serving

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mlctl/mlctl/features/prefilter"
)

// latencyBuckets are the upper bounds (seconds) of the request histogram.
var latencyBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 5, 10}

// Metrics are the scorer's Prometheus metrics: HTTP counters and latency
// kept here, everything else read at scrape time through Collect.
type Metrics struct {
	// NamesScored counts names (and flow windows) scored through the HTTP
	// API; TXTScored TXT records.
	NamesScored, TXTScored atomic.Uint64
	// Prefiltered counts, by reason, names the HTTP API answered as
	// prefiltered (not scored).
	Prefiltered prefilter.Counts
	// Collect, when set, writes the metrics owned elsewhere (model,
	// sources, alerts) at scrape time.
	Collect func(p *PromWriter)

	mu       sync.Mutex
	requests map[int]uint64
	buckets  [16]atomic.Uint64 // len(latencyBuckets)+1 (+Inf)
	sumNanos atomic.Uint64
	count    atomic.Uint64
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics { return &Metrics{requests: map[int]uint64{}} }

func (m *Metrics) observeRequest(code int, d time.Duration) {
	m.mu.Lock()
	m.requests[code]++
	m.mu.Unlock()
	s := d.Seconds()
	i := sort.SearchFloat64s(latencyBuckets, s)
	m.buckets[i].Add(1)
	m.sumNanos.Add(uint64(d))
	m.count.Add(1)
}

// Write writes every metric in the Prometheus text format.
func (m *Metrics) Write(w io.Writer) {
	p := &PromWriter{w: w}
	m.mu.Lock()
	codes := make([]int, 0, len(m.requests))
	for c := range m.requests {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	p.Family("mlctl_http_requests_total", "counter", "Score API requests by HTTP status.")
	for _, c := range codes {
		p.Sample("mlctl_http_requests_total", float64(m.requests[c]), "code", strconv.Itoa(c))
	}
	m.mu.Unlock()
	p.Family("mlctl_http_request_duration_seconds", "histogram", "Score API request latency.")
	var cum uint64
	for i, le := range latencyBuckets {
		cum += m.buckets[i].Load()
		p.Sample("mlctl_http_request_duration_seconds_bucket", float64(cum), "le", strconv.FormatFloat(le, 'g', -1, 64))
	}
	cum += m.buckets[len(latencyBuckets)].Load()
	p.Sample("mlctl_http_request_duration_seconds_bucket", float64(cum), "le", "+Inf")
	p.Sample("mlctl_http_request_duration_seconds_sum", float64(m.sumNanos.Load())/1e9)
	p.Sample("mlctl_http_request_duration_seconds_count", float64(m.count.Load()))
	p.Family("mlctl_http_names_scored_total", "counter", "Names scored through the HTTP API.")
	p.Sample("mlctl_http_names_scored_total", float64(m.NamesScored.Load()))
	p.Family("mlctl_http_txt_scored_total", "counter", "TXT records scored through the HTTP API.")
	p.Sample("mlctl_http_txt_scored_total", float64(m.TXTScored.Load()))
	if m.Collect != nil {
		m.Collect(p)
	}
}

// PromWriter writes Prometheus text exposition.
type PromWriter struct{ w io.Writer }

// Family writes a metric family's HELP and TYPE lines.
func (p *PromWriter) Family(name, typ, help string) {
	fmt.Fprintf(p.w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// Sample writes one sample with label pairs (name, value, name, value...).
func (p *PromWriter) Sample(name string, v float64, labels ...string) {
	var b strings.Builder
	b.WriteString(name)
	if len(labels) > 0 {
		b.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(labels[i])
			b.WriteString(`="`)
			b.WriteString(escapeLabel(labels[i+1]))
			b.WriteByte('"')
		}
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	b.WriteByte('\n')
	io.WriteString(p.w, b.String())
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

func escapeLabel(s string) string { return labelEscaper.Replace(s) }
