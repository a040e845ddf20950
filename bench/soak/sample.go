package soak

import (
	"time"

	"github.com/mlctl/mlctl/bench/stats"
	"github.com/mlctl/mlctl/internal/procstat"
)

// Sample is the scorer's state at one moment of the run and the HTTP
// latency of the requests since the previous sample. Counters (sent, read,
// dropped, alerts) are totals since the scorer started.
type Sample struct {
	// Seconds since the load started.
	Seconds float64 `json:"seconds"`
	// RSSMB is the resident set (VmRSS); HeapMB the Go heap in use
	// (go_memstats_heap_inuse_bytes).
	RSSMB  float64 `json:"rss_mb"`
	HeapMB float64 `json:"heap_inuse_mb"`
	// Goroutines is go_goroutines; OpenFDs the entries of /proc/PID/fd.
	Goroutines int `json:"goroutines"`
	OpenFDs    int `json:"open_fds"`
	// CPUPercent is the scorer's CPU time since the previous sample, in
	// percent of one core (process_cpu_seconds_total).
	CPUPercent float64 `json:"cpu_percent"`
	// HTTP requests answered and failed since the previous sample, and the
	// answered ones' latency percentiles as the client measured them.
	Requests int     `json:"http_requests"`
	Failed   int     `json:"http_failed"`
	P50Ms    float64 `json:"p50_ms"`
	P99Ms    float64 `json:"p99_ms"`
	MaxMs    float64 `json:"max_ms"`
	// Lines and frames sent so far and read by the scorer so far.
	ZeekSent   uint64 `json:"zeek_lines_sent"`
	ZeekRead   uint64 `json:"zeek_lines_read"`
	DnstapSent uint64 `json:"dnstap_frames_sent"`
	DnstapRead uint64 `json:"dnstap_frames_read"`
	// Queue is mlctl_queue_length; Dropped every source's
	// mlctl_source_dropped_total; Alerts every kind's mlctl_alerts_total.
	Queue   int    `json:"queue"`
	Dropped uint64 `json:"dropped"`
	Alerts  uint64 `json:"alerts"`
	// Load1 is the machine's 1-minute load average: on a shared machine,
	// what else competed for the cores (latency follows it).
	Load1 float64 `json:"load1"`
}

// sampler takes samples of one scorer process.
type sampler struct {
	pid    int
	addr   string
	load   *httpLoad
	zeek   *zeekFeed
	dnstap *dnstapFeed
	start  time.Time

	lastCPU float64
	lastAt  time.Time
}

// sample reads the process, its /metrics and the load since the last call.
func (s *sampler) sample(now time.Time) (Sample, error) {
	rss, err := procstat.Status(s.pid, "VmRSS")
	if err != nil {
		return Sample{}, err
	}
	fds, err := procstat.OpenFiles(s.pid)
	if err != nil {
		return Sample{}, err
	}
	m, err := scrape(s.addr)
	if err != nil {
		return Sample{}, err
	}
	x := Sample{
		Seconds: now.Sub(s.start).Seconds(), RSSMB: float64(rss) / (1 << 20), HeapMB: m["go_memstats_heap_inuse_bytes"] / (1 << 20),
		Goroutines: int(m["go_goroutines"]), OpenFDs: fds,
		ZeekRead: m.source("mlctl_source_read_total", "zeek-dns"), DnstapRead: m.source("mlctl_source_read_total", "dnstap"),
		Queue: int(m["mlctl_queue_length"]), Dropped: m.sum("mlctl_source_dropped_total"), Alerts: m.sum("mlctl_alerts_total"),
	}
	if s.zeek != nil {
		x.ZeekSent = uint64(s.zeek.lines.Load())
	}
	if s.dnstap != nil {
		x.DnstapSent = uint64(s.dnstap.frames.Load())
	}
	x.Load1, _ = loadAverage() // informative only: 0 where /proc/loadavg is missing
	cpu := m["process_cpu_seconds_total"]
	if !s.lastAt.IsZero() {
		x.CPUPercent = 100 * (cpu - s.lastCPU) / now.Sub(s.lastAt).Seconds()
	}
	s.lastCPU, s.lastAt = cpu, now
	if s.load != nil {
		lat, failed := s.load.take()
		x.Requests, x.Failed = len(lat), failed
		if len(lat) > 0 {
			x.P50Ms, x.P99Ms, x.MaxMs = stats.Percentile(lat, 50), stats.Percentile(lat, 99), stats.Percentile(lat, 100)
		}
	}
	return x, nil
}
