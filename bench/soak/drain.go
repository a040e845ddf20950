package soak

import (
	"fmt"
	"time"
)

// drain waits, once the feeds have stopped, until the scorer has read
// every line and frame sent, its queue is empty and what it scored and
// alerted has not moved for a second; it returns the metrics then.
func drain(addr string, zeekSent, dnstapSent uint64, within time.Duration) (metrics, error) {
	deadline := time.Now().Add(within)
	const still = 4 // polls 250 ms apart with nothing moving
	var last [2]uint64
	same := 0
	for {
		m, err := scrape(addr)
		if err != nil {
			return nil, err
		}
		zr, dr := m.source("mlctl_source_read_total", "zeek-dns"), m.source("mlctl_source_read_total", "dnstap")
		now := [2]uint64{m.sum("mlctl_source_scored_total") + m.sum("mlctl_source_dropped_total") + m.sum("mlctl_source_skipped_total"), m.sum("mlctl_alerts_total")}
		if zr == zeekSent && dr == dnstapSent && m["mlctl_queue_length"] == 0 && now == last {
			same++
		} else {
			same = 0
		}
		if same >= still {
			return m, nil
		}
		last = now
		if time.Now().After(deadline) {
			return m, fmt.Errorf("the scorer did not drain within %v: read %d of %d dns.log lines and %d of %d dnstap frames, queue %.0f",
				within, zr, zeekSent, dr, dnstapSent, m["mlctl_queue_length"])
		}
		time.Sleep(250 * time.Millisecond)
	}
}
