package flow

import (
	"testing"

	"github.com/mlctl/mlctl/datasets"
)

func TestUnanswered(t *testing.T) {
	for _, c := range []struct {
		state      string
		proto      string
		out, in    int64
		unanswered bool
	}{
		{"S0", "tcp", 1, 0, true},
		{"S0", "udp", 1, 0, true},
		{"S0", "tcp", 1, 2, true}, // Zeek's S0 with a stray reply ("Sa") is still no SYN-ACK
		{"REJ", "tcp", 1, 1, true},
		{"RSTOS0", "tcp", 2, 0, true},
		{"SH", "tcp", 2, 0, true},
		{"OTH", "icmp", 1, 0, true}, // a ping nobody answered
		{"OTH", "tcp", 1, 0, true},  // an ACK probe
		{"", "tcp", 1, 0, true},
		{"OTH", "icmp", 1, 1, false},
		{"OTH", "tcp", 0, 2, false}, // only the responder seen: nothing to say about the attempt
		{"OTH", "tcp", 0, 0, false},
		{"", "tcp", 0, 0, false}, // the flow analyzer's CSV without packet counts
		{"RSTO", "tcp", 1, 1, false},
		{"RSTR", "tcp", 3, 2, false},
		{"SF", "tcp", 5, 6, false},
		{"S1", "tcp", 2, 1, false},
		{"SHR", "udp", 0, 1, false},
		{"RSTRH", "tcp", 0, 2, false},
		{"s0", "tcp", 1, 0, false}, // states are case-sensitive, as Zeek writes them
	} {
		r := datasets.ConnRecord{ConnState: c.state, Proto: c.proto, OrigPkts: c.out, RespPkts: c.in}
		if got := Unanswered(&r); got != c.unanswered {
			t.Errorf("%s %s %d/%d packets: Unanswered %v, want %v", c.proto, c.state, c.out, c.in, got, c.unanswered)
		}
	}
}
