package flow

import (
	"math"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// fixture is testdata/windows.conn.log: a Stratosphere-style labeled Zeek
// conn.log of 13 connections (one out of time order) and 2 bad lines, all
// within 10 minutes of t0 (a multiple of 10 s and of 5 min):
//
//	src        t0+   dst:port            proto  state   dur   bytes o/i  pkts o/i  label
//	A 10.0.0.1 1.0   192.0.2.1:443       tcp    SF      2.0   100/1000   5/6       Benign
//	A          2.0   192.0.2.1:443       tcp    SF      1.0   200/2000   4/5       Benign
//	A          3.0   192.0.2.2:53        udp    SF      0.5   40/80      1/1       Benign
//	(line 12: bad responder address 192.0.2.999)
//	A          4.0   192.0.2.3:8000      tcp    S0      -     -/-        1/0       Background
//	A          5.0   192.0.2.4 (8/0)     icmp   OTH     0.5   56/56      1/1       Background
//	B 10.0.0.2 6.0   192.0.2.10:22       tcp    REJ     -     0/0        1/1       Malicious PortScan
//	B          6.1   192.0.2.10:23       tcp    REJ     -     0/0        1/1       Malicious PortScan
//	B          6.2   192.0.2.10:81       tcp    S0      -     0/0        1/0       Malicious PortScan
//	A          12.0  192.0.2.1:443       tcp    SF      3.0   300/3000   6/7       Benign (logged before 6.3)
//	B          6.3   192.0.2.10:3389     tcp    RSTO    0.25  0/0        1/1       Malicious PortScan
//	B          6.4   192.0.2.11:22       tcp    RSTOS0  -     0/0        1/0       Malicious Other
//	(line 21: 4 fields)
//	C 10.0.0.3 15.0  192.0.2.1:80        tcp    SF      1.0   10/20      2/2       - (unset)
//	A          301.0 198.51.100.7:0      tcp    S0      -     -/-        1/0       Malicious -
const fixture = "testdata/windows.conn.log"

func readFixture(t *testing.T) []datasets.ConnRecord {
	t.Helper()
	recs, bad, err := datasets.ReadConn(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range bad {
		got = append(got, b.String())
	}
	want := []string{
		fixture + `:12: id.resp_h: not an IP address: "192.0.2.999"`,
		fixture + `:21: line: 4 fields, #fields has 23: "1655071206.5\tCBAD2\t10.0.0.2\t40001"`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("bad rows\n got %q\nwant %q", got, want)
	}
	if len(recs) != 13 {
		t.Fatalf("%d records, want 13", len(recs))
	}
	return recs
}

// byName maps a unit's feature names to its values.
func byName(set *WindowSet, values []float64) map[string]float64 {
	m := make(map[string]float64)
	for i, n := range set.Names() {
		m[n] = values[i]
	}
	return m
}

// scaleValues are the ScaleNames values given by name; absent names are 0.
func scaleValues(v map[string]float64) []float64 {
	out := make([]float64, ScaleLen)
	for i, n := range scaleFeatureNames {
		out[i] = v[n]
	}
	for n := range v {
		if !slices.Contains(scaleFeatureNames[:], n) {
			panic("no feature " + n)
		}
	}
	return out
}

// withLogs adds the log1p features to hand-computed values.
func withLogs(v map[string]float64) map[string]float64 {
	for _, n := range []string{"flows", "bytes_out", "bytes_in", "pkts_out", "pkts_in"} {
		v["log_"+n] = math.Log1p(v[n])
	}
	return v
}

func closeTo(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b))
}

func checkValues(t *testing.T, what string, names []string, got, want []float64) {
	t.Helper()
	for i := range want {
		if !closeTo(got[i], want[i]) {
			t.Errorf("%s: %s = %v, want %v", what, names[i], got[i], want[i])
		}
	}
}

func TestWindowSetNames(t *testing.T) {
	s := DefaultWindowSet()
	names := s.Names()
	if s.Name() != "flow" || s.Version() != 2 || len(names) != 2*ScaleLen || ScaleLen != 24 {
		t.Fatalf("%s v%d, %d names", s.Name(), s.Version(), len(names))
	}
	if names[0] != "flows" || names[ScaleLen-1] != "window_seconds" || names[ScaleLen] != "flows_5m" || names[2*ScaleLen-1] != "window_seconds_5m" {
		t.Errorf("names %v", names)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("name %q twice", n)
		}
		seen[n] = true
	}
	if got := s.Scales(); !slices.Equal(got, []time.Duration{10 * time.Second, 5 * time.Minute}) {
		t.Errorf("scales %v", got)
	}
	one, err := NewWindowSet(WindowSetConfig{Scales: []time.Duration{time.Minute}})
	if err != nil || !slices.Equal(one.Names(), s.ScaleNames()) {
		t.Errorf("single scale: %v %v", one.Names(), err)
	}
	three, err := NewWindowSet(WindowSetConfig{Scales: []time.Duration{10 * time.Second, 90 * time.Second, time.Hour}})
	if err != nil || three.Names()[2*ScaleLen] != "flows_1h" || three.Names()[ScaleLen] != "flows_90s" {
		t.Errorf("three scales: %v %v", three.Names(), err)
	}
	for _, c := range []WindowSetConfig{
		{Scales: []time.Duration{}},
		{Scales: []time.Duration{500 * time.Millisecond}},
		{Scales: []time.Duration{10 * time.Second, 15 * time.Second}},
		{Scales: []time.Duration{5 * time.Minute, 10 * time.Second}},
		{Scales: []time.Duration{10 * time.Second, time.Minute, time.Minute}},
		{FanoutPercentile: 101},
		{FanoutMax: -1},
		{IQRFence: -1},
	} {
		if _, err := NewWindowSet(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if c := s.Config(); c.FanoutPercentile != 90 || c.FanoutMax != 100 || c.IQRFence != 3 || !slices.Equal(c.PopularPorts, DefaultPopularPorts()) || !slices.Equal(c.UnusualPorts, []uint16{0, 81, 82}) {
		t.Errorf("config %+v", c)
	}
}

func TestWindowsFixture(t *testing.T) {
	recs := readFixture(t)
	set := DefaultWindowSet()
	units, st, err := WindowsWithStats(recs, WindowsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	// Units in order of window start, then source.
	var inputs []string
	for _, u := range units {
		inputs = append(inputs, u.Input())
	}
	wantInputs := []string{
		"10.0.0.1@2022-06-12T22:00:00Z", "10.0.0.2@2022-06-12T22:00:00Z",
		"10.0.0.1@2022-06-12T22:00:10Z", "10.0.0.3@2022-06-12T22:00:10Z",
		"10.0.0.1@2022-06-12T22:05:00Z",
	}
	if !slices.Equal(inputs, wantInputs) {
		t.Fatalf("inputs %v", inputs)
	}
	if st.Units != 5 || len(st.Scales) != 2 || st.Scales[0].Flows != 13 || st.Scales[0].LateFlows != 0 || st.Scales[0].Windows != 5 || st.Scales[1].Windows != 4 || st.MissingOuter != 0 {
		t.Errorf("stats %+v", st)
	}
	// Labels: A's first windows have Benign flows only (Background is no
	// label); B's are Malicious; C's one flow is unlabeled; A's last flow
	// is Malicious without a detailed label.
	for i, want := range []struct {
		label  int
		family string
	}{{0, ""}, {1, "PortScan"}, {0, ""}, {-1, ""}, {1, ""}} {
		if u := units[i]; u.Label != want.label || u.Family != want.family || u.WindowSeconds != 10 || len(u.Values) != 2*ScaleLen {
			t.Errorf("unit %s: label %d family %q seconds %d", u.Input(), u.Label, u.Family, u.WindowSeconds)
		}
	}

	// Unit 0, A in [0, 10 s): 5 flows to 4 destinations (the ICMP one
	// included). Ports: 443 twice, 53, 8000 (ICMP's 8/0 is no port), so 3
	// distinct over 4 flows with ports: p = 1/2, 1/4, 1/4, entropy
	// 1/2·1 + 2·1/4·2 = 1.5 bits. Bytes 100+200+40+0+56 = 396 out,
	// 1000+2000+80+0+56 = 3136 in; packets 5+4+1+1+1 = 12 out,
	// 6+5+1+0+1 = 13 in. Failed: S0 only (OTH is not) = 1/5. Popular:
	// 443, 443, 53 = 3/5. Durations 2+1+0.5+0+0.5 = 4 s, mean 0.8, max 2.
	// Unusual: none (the ICMP code 0 is not port 0). Unanswered: the S0
	// flow only (the ICMP one got its 1 packet back) = 1, ratio 1/5.
	// Batch [0, 10 s) has A (3 ports) and B (4): the 90th percentile is
	// 3 + 0.9·(4-3) = 3.9, A is under it. Its pairs with ports: A→.1, .2,
	// .3 with 1 port each, B→.10 with 4, B→.11 with 1: sorted 1 1 1 1 4,
	// Q1 = Q3 = 1, fences [1, 1]: A's pairs are inside.
	a0 := withLogs(map[string]float64{
		"flows": 5, "dst_ips": 4, "dst_ports": 3, "dst_port_entropy": 1.5,
		"bytes_out": 396, "bytes_in": 3136, "pkts_out": 12, "pkts_in": 13,
		"failed_ratio": 0.2, "unanswered": 1, "unanswered_ratio": 0.2,
		"popular_port_ratio": 0.6, "duration_mean": 0.8, "duration_max": 2,
		"window_seconds": 10,
	})
	// A over [0, 5 min): the flows above and the one at 12 s to
	// 192.0.2.1:443 (3 s, 300/3000 bytes, 6/7 packets): 6 flows, 4
	// destinations, ports 443 ×3, 53, 8000: p = 3/5, 1/5, 1/5, entropy
	// 0.6·log2(5/3) + 0.4·log2(5) = log2(5) - 0.6·log2(3). Bytes 696 / 6136,
	// packets 18 / 20, failed 1/6, unanswered 1 (the S0), ratio 1/6,
	// popular 4/6, durations 7 s: mean 7/6,
	// max 3. Batch [0, 5 min) has A (3 ports), B (4), C (1): sorted 1 3 4,
	// 90th percentile at rank 1.8: 3 + 0.8 = 3.8; A is under it. Pairs 1
	// 1 1 (A) 4 1 (B) 1 (C): fences [1, 1].
	a5m := withLogs(map[string]float64{
		"flows": 6, "dst_ips": 4, "dst_ports": 3, "dst_port_entropy": math.Log2(5) - 0.6*math.Log2(3),
		"bytes_out": 696, "bytes_in": 6136, "pkts_out": 18, "pkts_in": 20,
		"failed_ratio": 1.0 / 6, "unanswered": 1, "unanswered_ratio": 1.0 / 6,
		"popular_port_ratio": 4.0 / 6, "duration_mean": 7.0 / 6, "duration_max": 3,
		"window_seconds": 300,
	})
	// Unit 1, B in [0, 10 s): 5 flows to 2 destinations, ports 22 ×2, 23,
	// 81, 3389: 4 distinct, p = 2/5, 1/5 ×3, entropy 0.4·log2(5/2) +
	// 0.6·log2(5) = log2(5) - 0.4. No bytes; packets 5 out, 1+1+0+1+0 = 3
	// in. All five states (REJ, REJ, S0, RSTO, RSTOS0) failed: 1; all but
	// the RSTO (accepted, then reset) unanswered: 4, ratio 4/5. Popular:
	// 22 twice = 2/5; unusual: 81 = 1/5. Durations: 0.25 s once: mean 0.05,
	// max 0.25. Fan-out: 4 > 3.9 with unpopular ports (23, 81, 3389): hit.
	// IQR: the pair B→192.0.2.10 used 4 ports, above the fence 1: hit.
	// B's 5 min window holds the same flows; 4 > 3.8: the same hits.
	b0 := withLogs(map[string]float64{
		"flows": 5, "dst_ips": 2, "dst_ports": 4, "dst_port_entropy": math.Log2(5) - 0.4,
		"pkts_out": 5, "pkts_in": 3,
		"failed_ratio": 1, "unanswered": 4, "unanswered_ratio": 0.8,
		"popular_port_ratio": 0.4, "unusual_port_ratio": 0.2,
		"duration_mean": 0.05, "duration_max": 0.25,
		"fanout_hit": 1, "iqr_outlier_hit": 1, "window_seconds": 10,
	})
	b5m := withLogs(map[string]float64{
		"flows": 5, "dst_ips": 2, "dst_ports": 4, "dst_port_entropy": math.Log2(5) - 0.4,
		"pkts_out": 5, "pkts_in": 3,
		"failed_ratio": 1, "unanswered": 4, "unanswered_ratio": 0.8,
		"popular_port_ratio": 0.4, "unusual_port_ratio": 0.2,
		"duration_mean": 0.05, "duration_max": 0.25,
		"fanout_hit": 1, "iqr_outlier_hit": 1, "window_seconds": 300,
	})
	// Unit 2, A in [10 s, 20 s): one SF flow to 443. Batch: A and C with
	// 1 port each: percentile 1, and 1 > 1 is false; pairs 1 1.
	a10 := withLogs(map[string]float64{
		"flows": 1, "dst_ips": 1, "dst_ports": 1,
		"bytes_out": 300, "bytes_in": 3000, "pkts_out": 6, "pkts_in": 7,
		"popular_port_ratio": 1, "duration_mean": 3, "duration_max": 3, "window_seconds": 10,
	})
	// Unit 3, C in [10 s, 20 s): one SF flow to port 80.
	c10 := withLogs(map[string]float64{
		"flows": 1, "dst_ips": 1, "dst_ports": 1,
		"bytes_out": 10, "bytes_in": 20, "pkts_out": 2, "pkts_in": 2,
		"popular_port_ratio": 1, "duration_mean": 1, "duration_max": 1, "window_seconds": 10,
	})
	c5m := withLogs(map[string]float64{
		"flows": 1, "dst_ips": 1, "dst_ports": 1,
		"bytes_out": 10, "bytes_in": 20, "pkts_out": 2, "pkts_in": 2,
		"popular_port_ratio": 1, "duration_mean": 1, "duration_max": 1, "window_seconds": 300,
	})
	// Unit 4, A in [300 s, 310 s) and in [5 min, 10 min): one S0 flow to
	// TCP port 0: failed 1, unanswered 1 (ratio 1), unusual 1, one port so
	// no fan-out (1 > 1 is false) and no IQR outlier.
	a300 := withLogs(map[string]float64{
		"flows": 1, "dst_ips": 1, "dst_ports": 1, "pkts_out": 1,
		"failed_ratio": 1, "unanswered": 1, "unanswered_ratio": 1, "unusual_port_ratio": 1, "window_seconds": 10,
	})
	a300m := withLogs(map[string]float64{
		"flows": 1, "dst_ips": 1, "dst_ports": 1, "pkts_out": 1,
		"failed_ratio": 1, "unanswered": 1, "unanswered_ratio": 1, "unusual_port_ratio": 1, "window_seconds": 300,
	})
	want := [][2]map[string]float64{{a0, a5m}, {b0, b5m}, {a10, a5m}, {c10, c5m}, {a300, a300m}}
	names := set.Names()
	for i, w := range want {
		exp := append(scaleValues(w[0]), scaleValues(w[1])...)
		checkValues(t, units[i].Input(), names, units[i].Values, exp)
	}
	if v := byName(set, units[1].Values); v["fanout_hit_5m"] != 1 || v["dst_ports"] != 4 {
		t.Errorf("byName: %v", v)
	}

	// The order of the records does not matter, and recs is not changed.
	rev := slices.Clone(recs)
	slices.Reverse(rev)
	again, err := Windows(rev, WindowsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range units {
		if again[i].Input() != units[i].Input() || !slices.Equal(again[i].Values, units[i].Values) {
			t.Errorf("reversed input: unit %d differs", i)
		}
	}
	if rev[0].UID != "CA7" {
		t.Error("Windows reordered its input")
	}
}

// ipSet is a Blacklist of single addresses.
type ipSet map[netip.Addr]bool

func (s ipSet) Contains(ip netip.Addr) bool { return s[ip] }

func TestWindowsBlacklist(t *testing.T) {
	recs := readFixture(t)
	at := func(cfg WindowSetConfig) [][]float64 {
		t.Helper()
		set, err := NewWindowSet(cfg)
		if err != nil {
			t.Fatal(err)
		}
		units, err := Windows(recs, WindowsConfig{Set: set})
		if err != nil {
			t.Fatal(err)
		}
		hits := make([][]float64, len(units))
		for i, u := range units {
			hits[i] = []float64{u.Values[fBlacklistHits], u.Values[ScaleLen+fBlacklistHits]}
		}
		return hits
	}
	// A destination on the list: B's four flows to 192.0.2.10 in both
	// scales; nobody else.
	got := at(WindowSetConfig{Blacklist: ipSet{netip.MustParseAddr("192.0.2.10"): true}})
	if want := [][]float64{{0, 0}, {4, 4}, {0, 0}, {0, 0}, {0, 0}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("destination listed: %v, want %v", got, want)
	}
	// A source on the list: every flow of A (5 and 6 in the first 5
	// minutes, 1 and 1 after).
	got = at(WindowSetConfig{Blacklist: ipSet{netip.MustParseAddr("10.0.0.1"): true}})
	if want := [][]float64{{5, 6}, {0, 0}, {1, 6}, {0, 0}, {1, 1}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("source listed: %v, want %v", got, want)
	}
}

func TestWindowsCapsAndScales(t *testing.T) {
	recs := readFixture(t)
	// Two sources a window: the 10 s windows keep all (at most two
	// each), the first 5 min window drops C, whose unit gets NaN there.
	units, st, err := WindowsWithStats(recs, WindowsConfig{Limits: Config{MaxSources: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 5 || st.MissingOuter != 1 || st.Scales[1].DroppedSources != 1 || st.Scales[0].DroppedFlows != 0 {
		t.Fatalf("%d units, stats %+v", len(units), st)
	}
	for i, u := range units {
		nan := math.IsNaN(u.Values[ScaleLen])
		if nan != (i == 3) || math.IsNaN(u.Values[0]) {
			t.Errorf("unit %s: values %v", u.Input(), u.Values)
		}
	}
	// One 60 s scale: units are minutes.
	set, _ := NewWindowSet(WindowSetConfig{Scales: []time.Duration{time.Minute}})
	units, err = Windows(recs, WindowsConfig{Set: set})
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 4 || units[0].WindowSeconds != 60 || len(units[0].Values) != ScaleLen || units[0].Values[fFlows] != 6 || units[0].Values[fWindowSeconds] != 60 {
		t.Errorf("minute units %+v", units)
	}
	if _, err := Windows(recs, WindowsConfig{Limits: Config{MaxPairs: -1}}); err == nil {
		t.Error("negative cap accepted")
	}
	if units, err := Windows(nil, WindowsConfig{}); err != nil || len(units) != 0 {
		t.Errorf("no records: %v %v", units, err)
	}
}

// TestExtractMatchesWindows checks that the streaming path (Group or an
// Aggregator per scale, then Extract with a BatchContext, as serving
// would) gives the values Windows gives.
func TestExtractMatchesWindows(t *testing.T) {
	recs := readFixture(t)
	set := DefaultWindowSet()
	units, err := Windows(recs, WindowsConfig{})
	if err != nil {
		t.Fatal(err)
	}
	short, _, err := Group(recs, Config{Window: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	long, _, err := Group(recs, Config{Window: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	outer := map[string]OuterWindow{}
	for _, b := range long {
		st := set.BatchStats(b)
		for _, w := range b.Sources {
			outer[w.Input()] = OuterWindow{Window: w, Batch: st}
		}
	}
	i := 0
	dst := make([]float64, len(set.Names()))
	for _, b := range short {
		st := set.BatchStats(b)
		for _, w := range b.Sources {
			o := outer[Input(w.SrcIP, WindowStart(w.Start, 5*time.Minute))]
			set.Extract(w, BatchContext{Batch: st, Outer: []OuterWindow{o}}, dst)
			if u := units[i]; u.Input() != w.Input() || !slices.Equal(u.Values, dst) {
				t.Errorf("window %s: Extract %v, Windows %v", w.Input(), dst, u.Values)
			}
			i++
		}
	}
	if i != len(units) {
		t.Errorf("%d windows, %d units", i, len(units))
	}
	// A missing outer window gives NaN; a wrong number panics.
	set.Extract(short[0].Sources[0], BatchContext{Outer: []OuterWindow{{}}}, dst)
	if !math.IsNaN(dst[ScaleLen]) || math.IsNaN(dst[0]) {
		t.Errorf("missing outer window: %v", dst)
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), "outer windows") {
				t.Errorf("recover %v", r)
			}
		}()
		set.Extract(short[0].Sources[0], BatchContext{}, dst)
	}()
	w := short[0].Sources[1]
	ctx := BatchContext{Batch: set.BatchStats(short[0]), Outer: []OuterWindow{outer[w.Input()]}}
	if allocs := testing.AllocsPerRun(100, func() { set.Extract(w, ctx, dst) }); allocs != 0 && !raceEnabled {
		t.Errorf("Extract allocates %v times", allocs)
	}
}

func TestPortEntropy(t *testing.T) {
	for _, c := range []struct {
		ports map[uint16]int
		want  float64
	}{
		{nil, 0},
		{map[uint16]int{80: 7}, 0},
		{map[uint16]int{80: 1, 443: 1}, 1},
		{map[uint16]int{1: 1, 2: 1, 3: 1, 4: 1}, 2},
		{map[uint16]int{80: 2, 443: 1, 53: 1}, 1.5},
	} {
		total := 0
		for _, n := range c.ports {
			total += n
		}
		if got := portEntropy(c.ports, total); !closeTo(got, c.want) || math.Signbit(got) {
			t.Errorf("entropy %v = %v, want %v", c.ports, got, c.want)
		}
	}
}

func TestFailedStates(t *testing.T) {
	all := []string{"S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH", "", "s0"}
	var got []string
	for _, s := range all {
		if isFailedState(s) {
			got = append(got, s)
		}
	}
	want := FailedStates()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || len(want) != 6 {
		t.Errorf("failed states %v, FailedStates %v", got, want)
	}
}

func TestScaleSuffix(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute: "5m", time.Hour: "1h", 2 * time.Hour: "2h", 90 * time.Second: "90s", 10 * time.Second: "10s", 90 * time.Minute: "90m",
	} {
		if got := ScaleSuffix(d); got != want {
			t.Errorf("ScaleSuffix(%v) = %q, want %q", d, got, want)
		}
	}
}
