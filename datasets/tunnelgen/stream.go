package tunnelgen

import (
	"math/rand/v2"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// carrier describes how a tool moves data in query names.
type carrier struct {
	// perQuery is the most payload bytes one query carries.
	perQuery int
	// poll is the longest gap between two queries (the tool's polling or
	// heartbeat); 0: it only queries to send data.
	poll time.Duration
	// jitter is the gaps' relative jitter.
	jitter float64
	// rate is the default payload rate, bytes a second.
	rate float64
	// name makes query seq carrying data (possibly empty, a poll).
	name func(seq int, data []byte, rng *rand.Rand) (name, qtype string, rdata int)
}

// run generates a session: queries at the gap that carries the rate in
// full queries, or every poll when that is shorter, each carrying what
// the rate accrued since the last.
func (c carrier) run(s Session, rng *rand.Rand) []datasets.DNSRecord {
	rate := s.Rate
	if rate <= 0 {
		rate = c.rate
	}
	gap := time.Duration(float64(c.perQuery) / rate * float64(time.Second))
	if c.poll > 0 && gap > c.poll {
		gap = c.poll
	}
	gap = max(gap, 5*time.Millisecond)
	clk := newClock(s)
	var out []datasets.DNSRecord
	owed := 0.0
	last := clk.t
	for seq := 0; clk.next(rng, gap, c.jitter); seq++ {
		owed += rate * clk.t.Sub(last).Seconds()
		last = clk.t
		n := min(int(owed), c.perQuery)
		owed -= float64(n)
		name, qtype, rdata := c.name(seq, payload(rng, n), rng)
		out = append(out, record(clk.t, s.Clients[0], name, qtype, "NOERROR", responseSize(name, rdata)))
	}
	return out
}
