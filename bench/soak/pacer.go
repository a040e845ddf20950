package soak

import "time"

// feedTick is how often a feed sends what is due: every 100 ms, a tenth
// of its rate per second, so the load is steady at the scale of a sample.
const feedTick = 100 * time.Millisecond

// pacer keeps a feed at a steady rate: due says how many items to send now
// so that the total sent follows rate × time since start, whatever the
// ticks' jitter.
type pacer struct {
	rate  float64
	start time.Time
	sent  int64
}

func newPacer(rate int, start time.Time) *pacer {
	return &pacer{rate: float64(rate), start: start}
}

// due returns how many items are due at now and counts them as sent.
func (p *pacer) due(now time.Time) int {
	want := int64(now.Sub(p.start).Seconds() * p.rate)
	n := want - p.sent
	if n < 0 {
		return 0
	}
	p.sent = want
	return int(n)
}
