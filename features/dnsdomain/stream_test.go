package dnsdomain

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

var t0 = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

func value(t *testing.T, u Unit, name string) float64 {
	t.Helper()
	i := slices.Index(Names(), name)
	if i < 0 {
		t.Fatalf("no feature %q", name)
	}
	return u.Values[i]
}

// tunnel is a hex-chunking tunnel: one client, 2 queries a second of
// unique 60-character names under x-tunnel.com, TXT.
func tunnel(seconds int, rng *rand.Rand) []datasets.DNSRecord {
	var out []datasets.DNSRecord
	buf := make([]byte, 30)
	for i := range seconds * 2 {
		for j := range buf {
			buf[j] = byte(rng.IntN(256))
		}
		out = append(out, datasets.DNSRecord{Time: t0.Add(time.Duration(i) * 500 * time.Millisecond), Client: "10.0.0.7",
			Name: fmt.Sprintf("%s.%d.x-tunnel.com", hex.EncodeToString(buf), i), QType: "TXT", RCode: "NOERROR", Label: 1, Family: "hexchunk"})
	}
	return out
}

// browsing is ordinary traffic: a few names of example.org asked again and
// again by 20 clients.
func browsing(seconds int, rng *rand.Rand) []datasets.DNSRecord {
	names := []string{"example.org", "www.example.org", "cdn.example.org", "api.example.org"}
	var out []datasets.DNSRecord
	for i := range seconds {
		out = append(out, datasets.DNSRecord{Time: t0.Add(time.Duration(i) * time.Second), Client: fmt.Sprintf("10.0.1.%d", rng.IntN(20)),
			Name: names[rng.IntN(len(names))], QType: "A", RCode: "NOERROR", Label: 0})
	}
	return out
}

func TestTunnelAndBrowsingWindows(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	recs := append(tunnel(120, rng), browsing(120, rng)...)
	units, st, err := Windows(recs, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Queries != int64(len(recs)) || st.Late != 0 || st.Domains != 0 {
		t.Fatalf("stats %+v, want %d queries, none late, nothing left tracked after the flush", st, len(recs))
	}
	// 120 s from a window start: panes 0..3, windows ending at panes 0..4 → 5 units per domain.
	by := map[string][]Unit{}
	for _, u := range units {
		by[u.Domain] = append(by[u.Domain], u)
	}
	if len(by["x-tunnel.com"]) != 5 || len(by["example.org"]) != 5 {
		t.Fatalf("units per domain: tunnel %d, browsing %d; want 5 each", len(by["x-tunnel.com"]), len(by["example.org"]))
	}
	full := by["x-tunnel.com"][1] // [0 s, 60 s)
	if !full.WindowStart.Equal(t0) || full.Queries != 120 || full.Label != 1 || full.Family != "hexchunk" {
		t.Fatalf("tunnel window %+v", full)
	}
	for name, want := range map[string]float64{"queries": 120, "distinct_names": 120, "unique_ratio": 1, "clients": 1, "hex_fit": 1, "txt_share": 1, "sub_len_max": 64} {
		if got := value(t, full, name); got != want {
			t.Errorf("tunnel %s = %v, want %v", name, got, want)
		}
	}
	if e := value(t, full, "char_entropy"); e < 3.9 || e > 4.0 {
		t.Errorf("tunnel char_entropy = %v, want near 4 bits (hex)", e)
	}
	b := by["example.org"][1]
	if b.Label != 0 || value(t, b, "distinct_names") > 4 || value(t, b, "unique_ratio") > 0.1 || value(t, b, "hex_fit") != 0 {
		t.Fatalf("browsing window %+v", b)
	}
	if got := value(t, by["x-tunnel.com"][4], "queries_long"); got != 240 {
		t.Errorf("last tunnel window's queries_long = %v, want 240 (all of it within 10 minutes)", got)
	}
}

func TestStreamMatchesWindowsAndCountsLate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	recs := append(tunnel(90, rng), browsing(90, rng)...)
	want, _, err := Windows(recs, Config{})
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(recs)
	slices.SortStableFunc(sorted, func(a, b datasets.DNSRecord) int { return a.Time.Compare(b.Time) })
	s, _ := NewStream(Config{})
	var got []Unit
	for _, r := range sorted {
		got = append(got, s.Add(r)...)
	}
	// A record 40 s late: its pane closed.
	late := sorted[len(sorted)-1]
	late.Time = late.Time.Add(-40 * time.Second)
	got = append(got, s.Add(late)...)
	got = append(got, s.Flush()...)
	if s.Stats().Late != 1 {
		t.Errorf("late = %d, want 1", s.Stats().Late)
	}
	if len(got) != len(want) {
		t.Fatalf("stream gave %d units, Windows %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Input() != want[i].Input() || !slices.Equal(got[i].Values, want[i].Values) {
			t.Fatalf("unit %d: stream %s %v, Windows %s %v", i, got[i].Input(), got[i].Values, want[i].Input(), want[i].Values)
		}
	}
}

func TestAdvanceClosesWindowsWhenTrafficStops(t *testing.T) {
	s, _ := NewStream(Config{})
	s.Add(datasets.DNSRecord{Time: t0.Add(time.Second), Name: "a.b.example.com", QType: "A"})
	if u := s.Advance(t0.Add(31 * time.Second)); len(u) != 0 {
		t.Fatalf("units before the pane's lateness ran out: %v", u)
	}
	u := s.Advance(t0.Add(36 * time.Second))
	if len(u) != 1 || u[0].Domain != "example.com" || !u[0].WindowStart.Equal(t0.Add(-30*time.Second)) {
		t.Fatalf("units = %+v", u)
	}
}

func TestSplit(t *testing.T) {
	for _, c := range []struct{ in, domain, sub string }{
		{"AbC.x.Example.co.uk.", "example.co.uk", "AbC.x"},
		{"example.com", "example.com", ""},
		{"1.2.0.127.zen.spamhaus.org", "spamhaus.org", "1.2.0.127.zen"},
	} {
		d, sub, ok := Split(c.in)
		if !ok || d != c.domain || sub != c.sub {
			t.Errorf("Split(%q) = %q %q %v, want %q %q", c.in, d, sub, ok, c.domain, c.sub)
		}
	}
	if _, _, ok := Split("localhost"); ok {
		t.Error("a single label has no registrable domain")
	}
}

func TestDistinctEstimates(t *testing.T) {
	d := newDistinct(256)
	for i := range 100_000 {
		d.add(hashString(fmt.Sprint(i)))
	}
	if c := d.count(); c < 85_000 || c > 115_000 {
		t.Fatalf("estimate of 100,000 distinct = %.0f", c)
	}
	e := newDistinct(256)
	for i := range 200 {
		e.add(hashString(fmt.Sprint(i)))
		e.add(hashString(fmt.Sprint(i)))
	}
	if e.count() != 200 {
		t.Fatalf("exact below k: %v", e.count())
	}
}

func TestEscapedBytesCountOnce(t *testing.T) {
	p := newPane()
	p.addLabel(`a\229b\.c`)
	if p.nonLDH != 2 || p.charsN != 3 || p.digits != 0 {
		t.Fatalf("nonLDH %d, letters and digits %d, digits %d; want 2, 3, 0", p.nonLDH, p.charsN, p.digits)
	}
}

func TestWireLen(t *testing.T) {
	for in, want := range map[string]int{`abc`: 3, `a\229b`: 3, `a\.b`: 3, `\229\230.x`: 4, ``: 0} {
		if got := wireLen(in); got != want {
			t.Errorf("wireLen(%q) = %d, want %d", in, got, want)
		}
	}
}
