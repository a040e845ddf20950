package soak

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// metrics are the samples of a scorer's /metrics: `name{labels}` → value.
type metrics map[string]float64

// scrapeClient reads /metrics; its own client, so a slow scrape never
// waits behind the load's connections.
var scrapeClient = &http.Client{Timeout: 5 * time.Second}

// scrape reads the scorer's /metrics at addr.
func scrape(addr string) (metrics, error) {
	resp, err := scrapeClient.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, fmt.Errorf("scrape /metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scrape /metrics: status %d", resp.StatusCode)
	}
	out := metrics{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		if i < 0 {
			continue
		}
		if v, err := strconv.ParseFloat(l[i+1:], 64); err == nil {
			out[l[:i]] = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("scrape /metrics: %w", err)
	}
	return out, nil
}

// source is a per-source counter, e.g. source("mlctl_source_read_total", "dnstap").
func (m metrics) source(name, src string) uint64 {
	return uint64(m[name+`{source="`+src+`"}`])
}

// sum adds every sample of a family whatever its labels, e.g. every kind
// of mlctl_alerts_total.
func (m metrics) sum(name string) uint64 {
	var t float64
	for k, v := range m {
		if k == name || strings.HasPrefix(k, name+"{") {
			t += v
		}
	}
	return uint64(t)
}
