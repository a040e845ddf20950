// Package flow turns Zeek connections into the unit that flow detection
// scores: one source IP in one time window. The same aggregation feeds the
// rule checks in serving and any learned flow model, so training and
// serving see the same windows. It does no I/O.
package flow

import (
	"iter"
	"net/netip"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// DefaultWindow is the window length when none is given: the flow analyzer's
// analyzer aggregates flows over T = 10 seconds.
const DefaultWindow = 10 * time.Second

// WindowStart is the start of the window of length length that holds t:
// t truncated to a multiple of length since the Unix epoch, in UTC.
func WindowStart(t time.Time, length time.Duration) time.Time {
	return time.Unix(0, windowStartNanos(t.UnixNano(), length)).UTC()
}

// windowStartNanos floors ns to a multiple of length (also before 1970).
func windowStartNanos(ns int64, length time.Duration) int64 {
	l := int64(length)
	s := ns / l * l
	if ns < 0 && s != ns {
		s -= l
	}
	return s
}

// HasPorts reports whether connections of proto carry ports. Zeek puts an
// ICMP message's type and code where the ports go; those are not ports.
func HasPorts(proto string) bool {
	switch proto {
	case "icmp", "icmp6", "ipv6-icmp", "unknown_transport":
		return false
	}
	return true
}

// DstStat is what one source did with one destination in a window.
type DstStat struct {
	// Flows counts the connections to the destination.
	Flows int
	// Ports counts the distinct destination ports used with it (0 when
	// every connection was ICMP).
	Ports int
}

// pair is one (destination, port) a source used.
type pair struct {
	dst  netip.Addr
	port uint16
}

// Window is one source IP's connections within one window.
type Window struct {
	// SrcIP is the originator of every connection in the window.
	SrcIP netip.Addr
	// Start is the window's start; the window is [Start, Start+Length).
	Start time.Time
	// Length is the window length.
	Length time.Duration

	// Flows counts the connections.
	Flows int
	// BytesOut and BytesIn sum the payload bytes sent (orig_bytes) and
	// received (resp_bytes).
	BytesOut, BytesIn int64
	// PktsOut and PktsIn sum the packets sent and received.
	PktsOut, PktsIn int64
	// IPBytesOut and IPBytesIn sum the IP-level bytes sent and received.
	IPBytesOut, IPBytesIn int64
	// DurationSum and DurationMax sum and bound the connection durations.
	DurationSum, DurationMax time.Duration
	// States counts connections by Zeek conn_state ("S0", "SF", "REJ" …;
	// "" when unset).
	States map[string]int
	// Protos counts connections by transport protocol.
	Protos map[string]int
	// Unanswered counts connections the responder never took up (see
	// Unanswered).
	Unanswered int
	// Label is 1 when any connection is labeled malicious, else 0 when any
	// is labeled benign, else -1 (no labels).
	Label int
	// Marks are counters that callers keep per window (a check's hits).
	Marks map[string]int
	// Untracked counts connections whose destination or (destination, port)
	// was not remembered because a memory cap was reached: DstIPs, Dsts and
	// Pairs then undercount. DstPorts and PortFlows are always exact.
	Untracked int

	dsts  map[netip.Addr]DstStat
	ports map[uint16]int
	pairs map[pair]struct{}
}

func newWindow(src netip.Addr, start time.Time, length time.Duration) *Window {
	return &Window{
		SrcIP: src, Start: start, Length: length, Label: -1,
		States: make(map[string]int), Protos: make(map[string]int),
		dsts: make(map[netip.Addr]DstStat), ports: make(map[uint16]int), pairs: make(map[pair]struct{}),
	}
}

// add counts r, remembering new destinations and (destination, port)
// pairs only while budget allows; it returns how many it remembered.
func (w *Window) add(r *datasets.ConnRecord, budget int) (used int) {
	w.Flows++
	w.BytesOut += r.OrigBytes
	w.BytesIn += r.RespBytes
	w.PktsOut += r.OrigPkts
	w.PktsIn += r.RespPkts
	w.IPBytesOut += r.OrigIPBytes
	w.IPBytesIn += r.RespIPBytes
	w.DurationSum += r.Duration
	w.DurationMax = max(w.DurationMax, r.Duration)
	w.States[r.ConnState]++
	if Unanswered(r) {
		w.Unanswered++
	}
	w.Protos[r.Proto]++
	switch {
	case r.Label == 1:
		w.Label = 1
	case r.Label == 0 && w.Label < 0:
		w.Label = 0
	}
	ports := HasPorts(r.Proto)
	if ports {
		w.ports[r.DstPort]++
	}
	d, known := w.dsts[r.DstIP]
	if !known {
		if budget <= used {
			w.Untracked++
			return used
		}
		used++
	}
	d.Flows++
	if ports {
		k := pair{r.DstIP, r.DstPort}
		if _, ok := w.pairs[k]; !ok {
			if budget <= used {
				w.Untracked++
			} else {
				used++
				w.pairs[k] = struct{}{}
				d.Ports++
			}
		}
	}
	w.dsts[r.DstIP] = d
	return used
}

// Mark adds n to the caller's counter name.
func (w *Window) Mark(name string, n int) {
	if w.Marks == nil {
		w.Marks = make(map[string]int)
	}
	w.Marks[name] += n
}

// DstIPs counts the distinct destinations.
func (w *Window) DstIPs() int { return len(w.dsts) }

// DstPorts counts the distinct destination ports (of connections that
// carry ports).
func (w *Window) DstPorts() int { return len(w.ports) }

// PortFlows counts the connections to destination port port.
func (w *Window) PortFlows(port uint16) int { return w.ports[port] }

// Ports yields each distinct destination port with its connection count.
func (w *Window) Ports() iter.Seq2[uint16, int] {
	return func(yield func(uint16, int) bool) {
		for p, n := range w.ports {
			if !yield(p, n) {
				return
			}
		}
	}
}

// Dsts yields each destination with what the source did with it.
func (w *Window) Dsts() iter.Seq2[netip.Addr, DstStat] {
	return func(yield func(netip.Addr, DstStat) bool) {
		for ip, d := range w.dsts {
			if !yield(ip, d) {
				return
			}
		}
	}
}

// Pairs yields each (destination, destination port) the source used, for
// connections that carry ports.
func (w *Window) Pairs() iter.Seq2[netip.Addr, uint16] {
	return func(yield func(netip.Addr, uint16) bool) {
		for k := range w.pairs {
			if !yield(k.dst, k.port) {
				return
			}
		}
	}
}

// DurationMean is the mean connection duration.
func (w *Window) DurationMean() time.Duration {
	if w.Flows == 0 {
		return 0
	}
	return w.DurationSum / time.Duration(w.Flows)
}

// Input names the window as scoring output does: "<src_ip>@<start>" with
// the start in RFC 3339.
func (w *Window) Input() string { return Input(w.SrcIP, w.Start) }

// Input is "<src_ip>@<window_start>", the window start in RFC 3339 (UTC).
func Input(src netip.Addr, start time.Time) string {
	return src.String() + "@" + start.UTC().Format(time.RFC3339Nano)
}

// compareWindows orders windows by start, then source address.
func compareWindows(a, b *Window) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	return a.SrcIP.Compare(b.SrcIP)
}
