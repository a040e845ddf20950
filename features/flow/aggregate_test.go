package flow

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

var t0 = time.Unix(1655071200, 0).UTC() // a multiple of 10 s and of 60 s

// conn is a connection at t0+sec from src to dst:port over tcp.
func conn(sec float64, src, dst string, port uint16, label int) datasets.ConnRecord {
	return datasets.ConnRecord{
		Time:  t0.Add(time.Duration(sec * float64(time.Second))),
		SrcIP: netip.MustParseAddr(src), DstIP: netip.MustParseAddr(dst), DstPort: port,
		Proto: "tcp", ConnState: "S0", OrigBytes: 10, RespBytes: 20, OrigPkts: 1, RespPkts: 2,
		Duration: time.Second, Label: label,
	}
}

func TestWindowStart(t *testing.T) {
	for _, c := range []struct {
		t, want time.Time
		length  time.Duration
	}{
		{t0, t0, 10 * time.Second},
		{t0.Add(9999 * time.Millisecond), t0, 10 * time.Second},
		{t0.Add(10 * time.Second), t0.Add(10 * time.Second), 10 * time.Second},
		{t0.Add(59 * time.Second), t0, time.Minute},
		{time.Unix(19, 981745000), time.Unix(10, 0).UTC(), 10 * time.Second},
		{time.Unix(-1, 0), time.Unix(-10, 0).UTC(), 10 * time.Second},
		{time.Unix(-10, 0), time.Unix(-10, 0).UTC(), 10 * time.Second},
	} {
		if got := WindowStart(c.t, c.length); !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("WindowStart(%v, %v) = %v, want %v", c.t, c.length, got, c.want)
		}
	}
}

func TestGroupWindows(t *testing.T) {
	recs := []datasets.ConnRecord{
		conn(1, "10.0.0.1", "192.0.2.1", 80, 0),
		conn(2, "10.0.0.1", "192.0.2.1", 443, -1),
		conn(3, "10.0.0.1", "192.0.2.2", 443, 0),
		conn(4, "10.0.0.2", "192.0.2.1", 22, -1),
		conn(12, "10.0.0.1", "192.0.2.9", 8080, 1), // next window
		conn(5, "10.0.0.1", "192.0.2.1", 80, -1),   // out of order: no matter offline
	}
	icmp := conn(6, "10.0.0.2", "192.0.2.3", 0, -1)
	icmp.Proto = "icmp"
	recs = append(recs, icmp)
	batches, st, err := Group(recs, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 2 || st.Flows != 7 || st.LateFlows != 0 || st.Windows != 3 {
		t.Fatalf("batches %d stats %+v", len(batches), st)
	}
	b := batches[0]
	if !b.Start.Equal(t0) || b.Length != DefaultWindow || len(b.Sources) != 2 {
		t.Fatalf("first batch %+v", b)
	}
	w := b.Sources[0]
	if w.SrcIP.String() != "10.0.0.1" || w.Flows != 4 || w.DstIPs() != 2 || w.DstPorts() != 2 || w.PortFlows(80) != 2 ||
		w.BytesOut != 40 || w.BytesIn != 80 || w.PktsOut != 4 || w.PktsIn != 8 || w.States["S0"] != 4 || w.Label != 0 ||
		w.DurationSum != 4*time.Second || w.DurationMax != time.Second || w.DurationMean() != time.Second {
		t.Errorf("10.0.0.1 window: %+v", w)
	}
	dsts := map[string]DstStat{}
	for ip, d := range w.Dsts() {
		dsts[ip.String()] = d
	}
	if dsts["192.0.2.1"] != (DstStat{Flows: 3, Ports: 2}) || dsts["192.0.2.2"] != (DstStat{Flows: 1, Ports: 1}) {
		t.Errorf("dsts %v", dsts)
	}
	var pairs []string
	for dst, port := range w.Pairs() {
		pairs = append(pairs, netip.AddrPortFrom(dst, port).String())
	}
	slices.Sort(pairs)
	if !slices.Equal(pairs, []string{"192.0.2.1:443", "192.0.2.1:80", "192.0.2.2:443"}) {
		t.Errorf("pairs %v", pairs)
	}
	if got := w.Input(); got != "10.0.0.1@2022-06-12T22:00:00Z" {
		t.Errorf("input %q", got)
	}
	// ICMP counts as a flow and a destination but its "port" does not.
	w2 := b.Sources[1]
	if w2.Flows != 2 || w2.DstIPs() != 2 || w2.DstPorts() != 1 || w2.Protos["icmp"] != 1 || w2.Label != -1 {
		t.Errorf("10.0.0.2 window: %+v", w2)
	}
	if w := batches[1].Sources[0]; !w.Start.Equal(t0.Add(10*time.Second)) || w.Label != 1 {
		t.Errorf("second window %+v", w)
	}
}

func TestAggregatorClosesWindowsAsTimeMoves(t *testing.T) {
	a, err := NewAggregator(Config{Window: 10 * time.Second, Lateness: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	add := func(r datasets.ConnRecord) []Batch {
		t.Helper()
		_, closed := a.Add(r)
		return closed
	}
	if c := add(conn(1, "10.0.0.1", "192.0.2.1", 80, -1)); c != nil {
		t.Fatalf("closed %v", c)
	}
	// 14.9 s: window [0, 10) is still within its lateness; a late
	// connection for it still counts.
	if c := add(conn(14.9, "10.0.0.1", "192.0.2.1", 80, -1)); c != nil {
		t.Fatalf("closed early %v", c)
	}
	w, c := a.Add(conn(9, "10.0.0.2", "192.0.2.1", 80, 1))
	if w == nil || c != nil {
		t.Fatalf("in-lateness connection: %v %v", w, c)
	}
	w.Mark("x", 2)
	// 15 s closes [0, 10).
	c = add(conn(15, "10.0.0.1", "192.0.2.1", 80, -1))
	if len(c) != 1 || !c[0].Start.Equal(t0) || len(c[0].Sources) != 2 || c[0].Sources[1].Label != 1 || c[0].Sources[1].Marks["x"] != 2 {
		t.Fatalf("closed %+v", c)
	}
	// A connection for the closed window is late and dropped, also for a
	// window that never opened ([-10, 0)).
	for _, sec := range []float64{9.5, -3} {
		if w, c := a.Add(conn(sec, "10.0.0.3", "192.0.2.1", 80, -1)); w != nil || c != nil {
			t.Errorf("late connection at %v s: %v %v", sec, w, c)
		}
	}
	// A jump far ahead closes everything before it, oldest first, and
	// skips windows nobody used.
	c = add(conn(100, "10.0.0.1", "192.0.2.1", 80, -1))
	if len(c) != 1 || !c[0].Start.Equal(t0.Add(10*time.Second)) || c[0].Sources[0].Flows != 2 {
		t.Fatalf("jump closed %+v", c)
	}
	c = a.Flush()
	if len(c) != 1 || !c[0].Start.Equal(t0.Add(100*time.Second)) {
		t.Fatalf("flush %+v", c)
	}
	st := a.Stats()
	if st.Flows != 7 || st.LateFlows != 2 || st.Batches != 3 || st.Windows != 4 {
		t.Errorf("stats %+v", st)
	}
	if a.Flush() != nil {
		t.Error("second flush returned windows")
	}
}

func TestAggregatorCaps(t *testing.T) {
	a, err := NewAggregator(Config{MaxSources: 2, MaxPairsPerSource: 3})
	if err != nil {
		t.Fatal(err)
	}
	for i, src := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.3", "10.0.0.4"} {
		a.Add(conn(float64(i)/10, src, "192.0.2.1", 80, -1))
	}
	// 10.0.0.1 uses 1 destination + 1 pair; three more ports fill its
	// budget of 3 after one more pair; the rest are counted, not kept.
	for p := uint16(1); p <= 3; p++ {
		a.Add(conn(1, "10.0.0.1", "192.0.2.1", p, -1))
	}
	a.Add(conn(1, "10.0.0.1", "192.0.2.200", 1, -1))
	b := a.Flush()
	if len(b) != 1 || len(b[0].Sources) != 2 || b[0].DroppedSources != 2 || b[0].DroppedFlows != 3 {
		t.Fatalf("batch %+v", b)
	}
	w := b[0].Sources[0]
	if w.Flows != 5 || w.DstIPs() != 1 || w.Untracked != 3 || w.DstPorts() != 4 {
		t.Errorf("capped window: flows %d dsts %d ports %d untracked %d", w.Flows, w.DstIPs(), w.DstPorts(), w.Untracked)
	}
	st := a.Stats()
	if st.DroppedFlows != 3 || st.DroppedSources != 2 || st.UntrackedFlows != 3 {
		t.Errorf("stats %+v", st)
	}

	// The aggregator-wide cap frees what closed windows held.
	a, _ = NewAggregator(Config{Window: 10 * time.Second, Lateness: time.Second, MaxPairs: 4})
	for p := uint16(1); p <= 5; p++ {
		a.Add(conn(1, "10.0.0.1", "192.0.2.1", p, -1))
	}
	_, closed := a.Add(conn(20, "10.0.0.1", "192.0.2.1", 1, -1))
	if len(closed) != 1 || closed[0].Sources[0].Untracked != 2 {
		t.Fatalf("closed %+v", closed)
	}
	for p := uint16(2); p <= 3; p++ {
		a.Add(conn(21, "10.0.0.1", "192.0.2.1", p, -1))
	}
	if w := a.Flush()[0].Sources[0]; w.Untracked != 0 || w.DstPorts() != 3 {
		t.Errorf("after release: untracked %d ports %d", w.Untracked, w.DstPorts())
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []Config{{Window: -1}, {Lateness: -time.Second}, {MaxSources: -1}, {MaxPairs: -1}} {
		if _, err := NewAggregator(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	a, _ := NewAggregator(Config{})
	if c := a.Config(); c.Window != DefaultWindow || c.Lateness != DefaultLateness || c.MaxSources != DefaultMaxSources {
		t.Errorf("defaults %+v", c)
	}
}
