package serving

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets/dnslog"
)

// TestDNSLogFollows follows a dnsmasq log as it grows and is rotated by
// rename: queries are emitted once each, in order, a reply whose query came
// before the rotation is still joined, a TXT reply's text is emitted as the
// query's TXT records, and a bad line is reported with file, line and field
// while reading goes on. Read = Parsed + Skipped + Bad.
func TestDNSLogFollows(t *testing.T) {
	f, ok, err := dnslog.Preset("dnsmasq")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "dnsmasq.log")
	write := func(p string, lines ...string) {
		t.Helper()
		fh, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		fh.WriteString(strings.Join(lines, "\n") + "\n")
		fh.Close()
	}
	write(path,
		"Dec  7 10:00:00 dnsmasq[9]: started, version 2.90 cachesize 150",
		"Dec  7 10:00:01 dnsmasq[9]: 1 10.0.0.7/5353 query[A] a.example.com from 10.0.0.7",
		"Dec  7 10:00:01 dnsmasq[9]: 1 10.0.0.7/5353 forwarded a.example.com to 192.0.2.53",
		"Dec  7 10:00:01 dnsmasq[9]: 1 10.0.0.7/5353 reply a.example.com is 192.0.2.1",
		"Dec  7 10:00:02 dnsmasq[9]: 2 10.0.0.8/5353 query[TXT] t.example.com from 10.0.0.8",
	)
	var mu sync.Mutex
	var emitted, observed []Query
	var bad []error
	counters := new(SourceCounters)
	src := &DNSLog{Path: path, Format: f, Poll: 10 * time.Millisecond, Counters: counters,
		Emit:    func(q Query) { mu.Lock(); emitted = append(emitted, q); mu.Unlock() },
		Observe: func(q Query) { mu.Lock(); observed = append(observed, q); mu.Unlock() },
		Bad:     func(err error) { mu.Lock(); bad = append(bad, err); mu.Unlock() },
		Now:     func() time.Time { return time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC) }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- src.Run(ctx) }()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			mu.Lock()
			ok := cond()
			mu.Unlock()
			if ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor("the first two queries", func() bool { return len(emitted) == 2 })

	// Rotation by rename; the TXT query's reply comes in the new file.
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	write(path,
		"Dec  7 10:00:02 dnsmasq[9]: 2 10.0.0.8/5353 reply t.example.com is v=spf1 -all",
		"Dec  7 10:00:03 dnsmasq[9]: 3 10.0.0.9/5353 query[A] <name unprintable> from 10.0.0.9",
		"Dec  7 10:00:04 dnsmasq[9]: 4 10.0.0.9/5353 query[AAAA] b.example.org from 10.0.0.9",
	)
	waitFor("the queries after the rotation", func() bool { return len(emitted) == 4 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	var got []string
	for _, q := range emitted {
		got = append(got, q.Source+" "+q.ClientIP+" "+q.QType+" "+q.Name+" "+strings.Join(q.TXT, "|"))
	}
	want := "dns-log 10.0.0.7 A a.example.com , dns-log 10.0.0.8 TXT t.example.com , dns-log 10.0.0.8 TXT t.example.com v=spf1 -all, dns-log 10.0.0.9 AAAA b.example.org "
	if strings.Join(got, ", ") != want {
		t.Errorf("emitted %q\nwant %q", strings.Join(got, ", "), want)
	}
	if len(observed) != 5 || !observed[1].Response || observed[1].RCode != "NOERROR" || observed[1].ClientIP != "10.0.0.7" {
		t.Errorf("observed %+v, want every record, a.example.com's answer second", observed)
	}
	if len(bad) != 1 || bad[0].Error() != path+`:2: field name: a control character or space in the name: "<name unprintable>"` {
		t.Errorf("bad %v", bad)
	}
	c := counters.Counts()
	if c.Read != 8 || c.Parsed != 5 || c.Bad != 1 || c.Skipped != 2 || c.Read != c.Parsed+c.Skipped+c.Bad {
		t.Errorf("counters %+v, want read 8 = parsed 5 + skipped 2 + bad 1", c)
	}
	if !emitted[0].Time.Equal(time.Date(2026, 12, 7, 10, 0, 1, 0, time.Local).UTC()) {
		t.Errorf("first query at %v", emitted[0].Time)
	}
}
