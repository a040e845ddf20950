package flowsbench

import (
	"net/netip"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/flow"
)

// ScanRule is how capture 002, which has no labels, is labeled. It uses
// only what the capture's README states (who scans, which networks) and
// the kind of each flow, never the window features under test.
const ScanRule = `002 (unlabeled) is labeled from its README: 172.16.1.11 runs Nmap against 172.16.1.0/24, 192.168.1.0/24 and 10.0.2.0/24, and queries 8.8.8.8 for DNS. ` +
	`A flow of 172.16.1.11 is a probe when it goes to one of those networks and Zeek saw 172.16.1.11 send at least one of its packets, except ICMP destination-unreachable messages (type 3: 172.16.1.11 answering others' packets, not probing); ` +
	`a flow to those networks of which Zeek saw no packet from 172.16.1.11 (Nmap's packets with bad checksums: only the target's answers were logged) holds no observable probe and is unknown; ` +
	`it is benign when it is DNS to 8.8.8.8 (port 53); anything else is unknown (TCP/80 to 8.8.8.8, the top-ports SYN scan of 0.0.0.4, the ICMP unreachables). ` +
	`A 10 s window is scanning (1) when it has a probe (Nmap's -sV follow-up connections to open ports count: they are part of the scan), ` +
	`benign (0) when all its flows are DNS to 8.8.8.8, and unknown (-1, left out) otherwise.`

// The capture's scanner, resolver and scanned networks, from its README.
var (
	scanner     = netip.MustParseAddr("172.16.1.11")
	resolver    = netip.MustParseAddr("8.8.8.8")
	scannedNets = []netip.Prefix{
		netip.MustParsePrefix("172.16.1.0/24"),
		netip.MustParsePrefix("192.168.1.0/24"),
		netip.MustParsePrefix("10.0.2.0/24"),
	}
)

// icmpUnreachable is ICMP's destination-unreachable type; Zeek writes an
// ICMP flow's type where the source port goes.
const icmpUnreachable = 3

// flowKind is what ScanRule makes of one flow.
type flowKind int

const (
	kindUnknown flowKind = iota
	kindBenign
	kindProbe
)

// scanFlowKind classifies r under ScanRule.
func scanFlowKind(r *datasets.ConnRecord) flowKind {
	if r.SrcIP != scanner {
		return kindUnknown
	}
	if r.DstIP == resolver && r.DstPort == 53 && r.Proto != "icmp" {
		return kindBenign
	}
	if r.Proto == "icmp" && r.SrcPort == icmpUnreachable {
		return kindUnknown
	}
	for _, p := range scannedNets {
		if p.Contains(r.DstIP) {
			if r.OrigPkts == 0 {
				// Zeek saw nothing the scanner sent (Nmap's packets with
				// bad checksums): no observable probe in this flow.
				return kindUnknown
			}
			return kindProbe
		}
	}
	return kindUnknown
}

// windowKey names one source's unit window.
type windowKey struct {
	src   netip.Addr
	start int64
}

// labelScanner sets the label of every unit of capture 002 by ScanRule.
func labelScanner(recs []datasets.ConnRecord, units []flow.Unit) {
	if len(units) == 0 {
		return
	}
	length := time.Duration(units[0].WindowSeconds) * time.Second
	type tally struct{ probe, benign, unknown int }
	tallies := make(map[windowKey]*tally)
	for i := range recs {
		r := &recs[i]
		k := windowKey{r.SrcIP, flow.WindowStart(r.Time, length).UnixNano()}
		t := tallies[k]
		if t == nil {
			t = &tally{}
			tallies[k] = t
		}
		switch scanFlowKind(r) {
		case kindProbe:
			t.probe++
		case kindBenign:
			t.benign++
		default:
			t.unknown++
		}
	}
	for i := range units {
		u := &units[i]
		u.Label, u.Family = -1, ""
		t := tallies[windowKey{u.SrcIP, u.WindowStart.UnixNano()}]
		switch {
		case t == nil:
		case t.probe > 0:
			u.Label, u.Family = 1, "Nmap"
		case t.unknown == 0 && t.benign > 0:
			u.Label = 0
		}
	}
}
