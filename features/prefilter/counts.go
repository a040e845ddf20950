package prefilter

import "sync/atomic"

// Counts are running totals of prefiltered names by reason, safe for
// concurrent use; the zero value is ready. Callers keep one per place they
// report on (a traffic source, a file scored, an evaluation).
type Counts struct {
	n [numReasons]atomic.Uint64
}

// Add counts one name prefiltered for r (None is not counted).
func (c *Counts) Add(r Reason) {
	if r != None && r < numReasons {
		c.n[r].Add(1)
	}
}

// Get is how many names were prefiltered for r.
func (c *Counts) Get(r Reason) uint64 {
	if r >= numReasons {
		return 0
	}
	return c.n[r].Load()
}

// Total is how many names were prefiltered for any reason.
func (c *Counts) Total() uint64 {
	var t uint64
	for r := Arpa; r < numReasons; r++ {
		t += c.n[r].Load()
	}
	return t
}

// Map gives the counts that are not zero, by reason name (nil when none
// is): the shape reports and JSON use.
func (c *Counts) Map() map[string]uint64 {
	var m map[string]uint64
	for r := Arpa; r < numReasons; r++ {
		if n := c.n[r].Load(); n > 0 {
			if m == nil {
				m = map[string]uint64{}
			}
			m[r.String()] = n
		}
	}
	return m
}
