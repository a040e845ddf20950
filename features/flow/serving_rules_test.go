package flow_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/flow"
	"github.com/mlctl/mlctl/serving"
)

// synthetic makes n connections over 20 minutes from 30 sources: most
// use a few popular ports, a few scan many ports of one or two hosts, some
// flows are ICMP and some go to the unusual ports.
func synthetic(n int, seed uint64) []datasets.ConnRecord {
	rng := rand.New(rand.NewPCG(seed, 1))
	t0 := time.Unix(1655071200, 0).UTC()
	popular := []uint16{80, 443, 53, 22, 8080}
	recs := make([]datasets.ConnRecord, n)
	for i := range recs {
		src := rng.IntN(30)
		r := datasets.ConnRecord{
			Time:  t0.Add(time.Duration(rng.Int64N(int64(20 * time.Minute)))),
			SrcIP: netip.AddrFrom4([4]byte{10, 0, 0, byte(src + 1)}),
			DstIP: netip.AddrFrom4([4]byte{192, 0, 2, byte(rng.IntN(40) + 1)}),
			Proto: "tcp", ConnState: "SF", Label: -1,
		}
		switch {
		case src < 3: // scanners
			r.DstIP = netip.AddrFrom4([4]byte{192, 0, 2, byte(200 + src + rng.IntN(2))})
			r.DstPort = uint16(1 + rng.IntN(2000))
			r.ConnState = "REJ"
		case rng.IntN(40) == 0:
			r.DstPort = []uint16{0, 81, 82}[rng.IntN(3)]
		case rng.IntN(10) == 0:
			r.Proto, r.ConnState = "icmp", "OTH"
		case rng.IntN(8) == 0:
			r.DstPort = uint16(1024 + rng.IntN(64))
		default:
			r.DstPort = popular[rng.IntN(len(popular))]
		}
		recs[i] = r
	}
	return recs
}

// TestRuleHitsMatchServing checks that the rule-hit features say what
// serving's FlowChecker (the flow analyzer's rules) says about the same windows.
func TestRuleHitsMatchServing(t *testing.T) {
	fixture, _, err := datasets.ReadConn("testdata/windows.conn.log")
	if err != nil {
		t.Fatal(err)
	}
	bl, err := serving.ParseIPBlacklist(strings.NewReader("192.0.2.10\n192.0.2.7\n10.0.0.29\n"), "blacklist")
	if err != nil {
		t.Fatal(err)
	}
	for name, recs := range map[string][]datasets.ConnRecord{"fixture": fixture, "synthetic": synthetic(20000, 7)} {
		for _, d := range []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute} {
			set, err := flow.NewWindowSet(flow.WindowSetConfig{Scales: []time.Duration{d}, Blacklist: bl})
			if err != nil {
				t.Fatal(err)
			}
			units, err := flow.Windows(recs, flow.WindowsConfig{Set: set})
			if err != nil {
				t.Fatal(err)
			}
			names := set.Names()
			idx := func(n string) int { return slices.Index(names, n) }
			mine := map[string][]string{}
			hits := map[string]int{}
			for _, u := range units {
				var checks []string
				if u.Values[idx("blacklist_hits")] > 0 {
					checks = append(checks, serving.CheckBlacklist)
				}
				if u.Values[idx("unusual_port_ratio")] > 0 {
					checks = append(checks, serving.CheckUnusualPort)
				}
				if u.Values[idx("fanout_hit")] == 1 {
					checks = append(checks, serving.CheckPortFanout)
				}
				if u.Values[idx("iqr_outlier_hit")] == 1 {
					checks = append(checks, serving.CheckIQROutlier)
				}
				if checks != nil {
					mine[u.Input()] = checks
				}
				for _, c := range checks {
					hits[c]++
				}
			}
			findings, _, err := serving.CheckConns(serving.FlowCheckConfig{Config: flow.Config{Window: d}, Blacklist: bl}, recs)
			if err != nil {
				t.Fatal(err)
			}
			theirs := map[string][]string{}
			for _, f := range findings {
				theirs[f.Input()] = f.Checks
			}
			what := fmt.Sprintf("%s, %v windows", name, d)
			if len(mine) != len(theirs) {
				t.Errorf("%s: %d windows trip a rule here, %d in serving", what, len(mine), len(theirs))
			}
			for in, c := range theirs {
				if !slices.Equal(mine[in], c) {
					t.Errorf("%s: %s: features say %v, serving %v", what, in, mine[in], c)
				}
			}
			if name == "synthetic" && len(hits) != len(serving.FlowCheckNames()) {
				t.Errorf("%s: rule hits %v; the test data should trip every rule", what, hits)
			}
		}
	}
}
