package soak

import (
	"testing"
	"time"
)

func TestPacer(t *testing.T) {
	start := time.Unix(1000, 0)
	p := newPacer(500, start)
	sent := 0
	for ms := 0; ms <= 10_000; ms += 97 { // jittery ticks
		sent += p.due(start.Add(time.Duration(ms) * time.Millisecond))
	}
	if want := 4995; sent != want { // floor(500 × 9.991)
		t.Errorf("sent %d over 9.991 s at 500/s, want %d", sent, want)
	}
}
