package serving

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/flow"
)

var flowT0 = time.Unix(1655071200, 0).UTC() // a multiple of 10 s

// fc is a TCP connection at flowT0+sec from src to dst:port.
func fc(sec float64, src, dst string, port uint16) datasets.ConnRecord {
	return datasets.ConnRecord{
		Time:  flowT0.Add(time.Duration(sec * float64(time.Second))),
		SrcIP: netip.MustParseAddr(src), SrcPort: 40000, DstIP: netip.MustParseAddr(dst), DstPort: port,
		Proto: "tcp", ConnState: "SF", OrigBytes: 100, RespBytes: 1000, OrigPkts: 3, RespPkts: 3, Label: -1,
	}
}

func withProto(r datasets.ConnRecord, proto string) datasets.ConnRecord {
	r.Proto = proto
	return r
}

func withLabel(r datasets.ConnRecord, label int) datasets.ConnRecord {
	r.Label = label
	return r
}

// benignHosts are n clients each making one HTTPS connection to its own
// server: a window's ordinary background.
func benignHosts(n int) []datasets.ConnRecord {
	var out []datasets.ConnRecord
	for i := range n {
		out = append(out, fc(float64(i)/10, fmt.Sprintf("10.0.0.%d", 100+i), fmt.Sprintf("192.0.2.%d", 100+i), 443))
	}
	return out
}

// fanOut is src connecting once to each port, each on its own destination
// (so no (source, destination) pair stands out).
func fanOut(src string, ports ...uint16) []datasets.ConnRecord {
	var out []datasets.ConnRecord
	for i, p := range ports {
		out = append(out, fc(1+float64(i)/100, src, fmt.Sprintf("198.18.%d.%d", i/250, 1+i%250), p))
	}
	return out
}

// portRange is ports lo..hi.
func portRange(lo, hi int) []uint16 {
	var out []uint16
	for p := lo; p <= hi; p++ {
		out = append(out, uint16(p))
	}
	return out
}

// vertical is src connecting to every port on one destination.
func vertical(src, dst string, ports ...uint16) []datasets.ConnRecord {
	var out []datasets.ConnRecord
	for i, p := range ports {
		out = append(out, fc(2+float64(i)/100, src, dst, p))
	}
	return out
}

func concat(parts ...[]datasets.ConnRecord) []datasets.ConnRecord { return slices.Concat(parts...) }

func TestFlowChecks(t *testing.T) {
	bl, err := ParseIPBlacklist(strings.NewReader(blacklistFile), "blacklist_ips.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		recs []datasets.ConnRecord
		// want maps each source that should be found to its checks; every
		// other source must not be.
		want map[string][]string
	}{
		{"benign background", benignHosts(20), nil},
		{"benign host on many popular ports",
			concat(benignHosts(9), fanOut("10.0.0.50", 80, 443, 22, 53, 123, 143, 993, 8080)), nil},
		{"blacklisted source", concat(benignHosts(9), []datasets.ConnRecord{fc(3, "203.0.113.5", "192.0.2.1", 443)}),
			map[string][]string{"203.0.113.5": {CheckBlacklist}}},
		{"blacklisted destination in a prefix",
			concat(benignHosts(9), []datasets.ConnRecord{fc(3, "10.0.0.7", "198.51.100.99", 443), fc(4, "10.0.0.8", "2001:db8:bad::1", 443)}),
			map[string][]string{"10.0.0.7": {CheckBlacklist}, "10.0.0.8": {CheckBlacklist}}},
		{"unusual ports over tcp and udp, not icmp",
			concat(benignHosts(9), []datasets.ConnRecord{
				fc(3, "10.0.0.7", "192.0.2.1", 81), fc(3, "10.0.0.6", "192.0.2.1", 82),
				withProto(fc(3, "10.0.0.8", "192.0.2.1", 0), "udp"),
				withProto(fc(3, "10.0.0.9", "192.0.2.1", 0), "icmp"),
			}),
			map[string][]string{"10.0.0.6": {CheckUnusualPort}, "10.0.0.7": {CheckUnusualPort}, "10.0.0.8": {CheckUnusualPort}}},
		{"fan-out above the 90th percentile",
			concat(benignHosts(9), fanOut("10.0.0.66", 443, 4444, 5555)),
			map[string][]string{"10.0.0.66": {CheckPortFanout}}},
		{"fan-out over 100 ports with no one to compare",
			fanOut("10.0.0.66", portRange(1000, 1100)...),
			map[string][]string{"10.0.0.66": {CheckPortFanout}}},
		{"100 ports alone is not over 100", fanOut("10.0.0.66", portRange(1000, 1099)...), nil},
		{"vertical scan: one pair far above the others",
			concat(benignHosts(12), vertical("10.0.0.66", "192.0.2.200", portRange(20, 39)...)),
			map[string][]string{"10.0.0.66": {CheckPortFanout, CheckIQROutlier}}},
		{"pair outlier without fan-out",
			concat(
				fanOut("10.0.0.1", 1001, 1002, 1003), fanOut("10.0.0.2", 1001, 1002, 1003),
				fanOut("10.0.0.3", 1001, 1002, 1003), fanOut("10.0.0.4", 1001, 1002, 1003),
				vertical("10.0.0.66", "192.0.2.200", 1001, 1002, 1003)),
			map[string][]string{"10.0.0.66": {CheckIQROutlier}}},
		{"everything at once",
			concat(benignHosts(20), vertical("203.0.113.6", "192.0.2.200", portRange(70, 90)...)),
			map[string][]string{"203.0.113.6": {CheckBlacklist, CheckUnusualPort, CheckPortFanout, CheckIQROutlier}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			finds, st, err := CheckConns(FlowCheckConfig{Blacklist: bl}, c.recs)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, f := range finds {
				got[f.SrcIP] = f.Checks
				if want := float64(len(f.Checks)) / 4; f.Score != want {
					t.Errorf("%s: score %v, want %v", f.SrcIP, f.Score, want)
				}
				if !f.WindowStart.Equal(flowT0) || f.WindowSeconds != 10 || f.Detail["flows"] == 0 {
					t.Errorf("finding %+v", f)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("findings %v, want %v", got, c.want)
			}
			if st.Findings != int64(len(finds)) || st.Flows != int64(len(c.recs)) {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

func TestFlowFindingDetail(t *testing.T) {
	recs := concat(benignHosts(12), vertical("10.0.0.66", "192.0.2.200", portRange(20, 39)...))
	recs[len(recs)-1] = withLabel(recs[len(recs)-1], 1)
	recs[0] = withLabel(recs[0], 0)
	finds, _, err := CheckConns(FlowCheckConfig{}, recs)
	if err != nil || len(finds) != 1 {
		t.Fatalf("%v %+v", err, finds)
	}
	f := finds[0]
	// Without a blacklist three checks run; two tripped.
	if f.Score != 2.0/3 || f.WindowLabel != 1 || f.Input() != "10.0.0.66@2022-06-12T22:00:00Z" {
		t.Errorf("finding %+v input %s", f, f.Input())
	}
	// Pairs: twelve of 1 port and one of 20, so Q1 = Q3 = 1; sources:
	// twelve of 1 and one of 20, so the 90th percentile is 1.
	for k, want := range map[string]float64{
		"flows": 20, "dst_ips": 1, "dst_ports": 20, "bytes_out": 2000, "bytes_in": 20000, "window_sources": 13,
		"fanout_threshold": 1, "max_pair_ports": 20, "iqr_low": 1, "iqr_high": 1,
	} {
		if f.Detail[k] != want {
			t.Errorf("detail %s = %v, want %v", k, f.Detail[k], want)
		}
	}
	b, err := json.Marshal(f)
	if err != nil || !strings.HasPrefix(string(b), `{"src_ip":"10.0.0.66","window_start":"2022-06-12T22:00:00Z","window_seconds":10,"checks":["port_fanout","iqr_outlier"],"score":0.6666666666666666,"window_label":1,`) {
		t.Errorf("json %s %v", b, err)
	}
}

// TestFlowCheckerStream feeds connections one at a time, as from a
// followed log: findings come when the stream's time passes a window's end
// plus the lateness.
func TestFlowCheckerStream(t *testing.T) {
	c, err := NewFlowChecker(FlowCheckConfig{Config: flow.Config{Window: 10 * time.Second, Lateness: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	var got []FlowFinding
	add := func(r datasets.ConnRecord) []FlowFinding {
		f := c.Add(r)
		got = append(got, f...)
		return f
	}
	add(fc(1, "10.0.0.1", "192.0.2.1", 443))
	if f := add(fc(2, "10.0.0.66", "192.0.2.1", 81)); f != nil {
		t.Fatalf("finding before the window closed: %+v", f)
	}
	// Within the lateness, an older connection still joins its window.
	add(fc(14, "10.0.0.1", "192.0.2.1", 443))
	add(fc(9, "10.0.0.67", "192.0.2.1", 82))
	f := add(fc(15, "10.0.0.1", "192.0.2.1", 443))
	if len(f) != 2 || f[0].SrcIP != "10.0.0.66" || f[1].SrcIP != "10.0.0.67" || !f[0].WindowStart.Equal(flowT0) {
		t.Fatalf("closing findings %+v", f)
	}
	// Now late: dropped and counted.
	if f := add(fc(8, "10.0.0.68", "192.0.2.1", 81)); f != nil {
		t.Errorf("late connection produced %+v", f)
	}
	add(fc(16, "10.0.0.69", "192.0.2.1", 0))
	if len(got) != 2 {
		t.Errorf("findings so far %+v", got)
	}
	f = c.Flush()
	if len(f) != 1 || f[0].SrcIP != "10.0.0.69" || !f[0].WindowStart.Equal(flowT0.Add(10*time.Second)) {
		t.Errorf("flush %+v", f)
	}
	st := c.Stats()
	if st.Flows != 7 || st.LateFlows != 1 || st.Findings != 3 || st.Batches != 2 || st.Windows != 5 {
		t.Errorf("stats %+v", st)
	}
}

// TestFlowCheckLog runs the checks on a conn.log as a reader gives it.
func TestFlowCheckLog(t *testing.T) {
	var b strings.Builder
	b.WriteString("#separator \\x09\n#unset_field\t-\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\torig_pkts\tresp_pkts\tlabel\tdetailedlabel\n")
	for i := range 10 {
		fmt.Fprintf(&b, "%d.%d\tC%d\t10.0.0.%d\t5000%d\t192.0.2.1\t443\ttcp\tssl\t0.5\t100\t2000\tSF\t5\t6\tBenign\t-\n", 1655071200, i, i, i+1, i)
	}
	for p := 1; p <= 30; p++ {
		fmt.Fprintf(&b, "1655071205.%02d\tS%d\t203.0.113.9\t6000%d\t192.0.2.1\t%d\ttcp\t-\t-\t-\t-\tS0\t1\t0\tMalicious\tPortScan\n", p, p, p%10, p)
	}
	fmt.Fprintf(&b, "1655071215.0\tX\t10.0.0.1\t1\t192.0.2.1\t443\ttcp\t-\tbad\t1\t1\tSF\t1\t1\tBenign\t-\n")
	recs, bad, err := datasets.ReadConnFrom(strings.NewReader(b.String()), "conn.log")
	if err != nil || len(bad) != 1 || bad[0].String() != `conn.log:45: duration: not an interval in seconds: "bad"` {
		t.Fatalf("%v %v", err, bad)
	}
	finds, _, err := CheckConns(FlowCheckConfig{}, recs)
	if err != nil || len(finds) != 1 {
		t.Fatalf("%v %+v", err, finds)
	}
	if f := finds[0]; f.SrcIP != "203.0.113.9" || f.WindowLabel != 1 || !slices.Equal(f.Checks, []string{CheckPortFanout, CheckIQROutlier}) {
		t.Errorf("finding %+v", f)
	}
}

func TestFlowCheckConfigErrors(t *testing.T) {
	for _, c := range []FlowCheckConfig{
		{Checks: []string{"dga"}},
		{Checks: []string{CheckBlacklist}},
		{Checks: []string{}},
		{Config: flow.Config{Window: 1500 * time.Millisecond}},
		{Config: flow.Config{Window: 500 * time.Millisecond}},
		{Config: flow.Config{Lateness: -time.Second}},
		{FanoutPercentile: 101},
		{FanoutPercentile: -5},
		{IQRFence: -1},
		{FanoutHistory: -1},
	} {
		if _, err := NewFlowChecker(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	c, err := NewFlowChecker(FlowCheckConfig{Checks: []string{CheckUnusualPort}, UnusualPorts: []uint16{4444}})
	if err != nil {
		t.Fatal(err)
	}
	c.Add(fc(1, "10.0.0.1", "192.0.2.1", 81))
	c.Add(fc(1, "10.0.0.2", "192.0.2.1", 4444))
	if f := c.Flush(); len(f) != 1 || f[0].SrcIP != "10.0.0.2" || f[0].Score != 1 {
		t.Errorf("custom unusual ports: %+v", f)
	}
	if got := FlowCheckNames(); !slices.Equal(got, []string{"blacklist", "unusual_port", "port_fanout", "iqr_outlier"}) {
		t.Errorf("names %v", got)
	}
}

// A longer fan-out history lets a lone scanner stand out against its own
// quieter past.
func TestFlowCheckFanoutHistory(t *testing.T) {
	var recs []datasets.ConnRecord
	for w := range 5 {
		recs = append(recs, fc(float64(10*w), "10.0.0.66", "192.0.2.1", 443))
	}
	for i, p := range portRange(5000, 5009) {
		recs = append(recs, fc(50+float64(i)/10, "10.0.0.66", fmt.Sprintf("198.18.0.%d", i+1), p))
	}
	for _, hist := range []int{1, 6} {
		finds, _, err := CheckConns(FlowCheckConfig{FanoutHistory: hist, Checks: []string{CheckPortFanout}}, recs)
		if err != nil {
			t.Fatal(err)
		}
		if want := hist > 1; (len(finds) == 1) != want || (want && !finds[0].WindowStart.Equal(flowT0.Add(50*time.Second))) {
			t.Errorf("history %d: %+v", hist, finds)
		}
	}
}

func TestQuantile(t *testing.T) {
	// numpy.percentile / pandas.Series.quantile with linear interpolation.
	for _, c := range []struct {
		xs   []float64
		q    float64
		want float64
	}{
		{[]float64{1, 2, 3, 4, 10}, 0.9, 7.6},
		{[]float64{1, 2, 3, 4}, 0.25, 1.75},
		{[]float64{1, 2, 3, 4}, 0.75, 3.25},
		{[]float64{5}, 0.9, 5},
		{[]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 3}, 0.9, 1.2},
		{nil, 0.5, 0},
	} {
		if got := quantile(c.xs, c.q); got < c.want-1e-12 || got > c.want+1e-12 {
			t.Errorf("quantile(%v, %v) = %v, want %v", c.xs, c.q, got, c.want)
		}
	}
}
