package serving

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestPipelineScoresTXTRecords: with a txt model in service the TXT records
// of the queries are scored, each alerting record names its query; queries
// without records and unusable records are skipped.
func TestPipelineScoresTXTRecords(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	pub := publishTXTModel(t, db, "txt")
	m, err := Load(ctx, db, pub)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Scorer.Names()) != 0 {
		t.Fatalf("an lstm lists features %v", m.Scorer.Names())
	}
	h := &Holder{}
	h.Swap(m)
	sink, err := NewAlertSink(db, "scorer-txt", t.TempDir()+"/alerts.jsonl", quiet)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPipeline(h, sink, quiet, []string{"dnstap", "zeek-dns"}, PipelineOptions{MaxWait: time.Millisecond})
	at := time.Unix(1709287200, 0).UTC()
	for _, q := range []Query{
		{Source: "dnstap", Time: at, ClientIP: "10.0.0.9", Name: "t1.tunnel.example", TXT: []string{"AgLCFgAABAA", "AgLBXxCgkAA"}},
		{Source: "dnstap", Time: at, ClientIP: "10.0.0.9", Name: "example.com", TXT: []string{" v=spf1 -all ", "\xff\xfe", "  "}},
		{Source: "dnstap", Time: at, ClientIP: "10.0.0.8", Name: "www.example.com"},
		{Source: "zeek-dns", Time: at, ClientIP: "10.0.0.7", Name: "t2.tunnel.example", TXT: []string{"AgLAAAAABEA"}},
		{Source: "zeek-dns", Time: at, ClientIP: "10.0.0.7", Name: "_dmarc.example.com", TXT: []string{"v=DMARC1; p=reject; rua=mailto:dmarc@example.com"}},
	} {
		p.Offer(q)
	}
	p.Close()
	p.Run(ctx)
	sink.Close()
	dt, zk := p.Counters("dnstap"), p.Counters("zeek-dns")
	if dt.Scored.Load() != 3 || dt.Skipped.Load() != 3 || zk.Scored.Load() != 2 || zk.Skipped.Load() != 0 {
		t.Fatalf("dnstap scored %d skipped %d, zeek-dns scored %d skipped %d; want 3 3 2 0",
			dt.Scored.Load(), dt.Skipped.Load(), zk.Scored.Load(), zk.Skipped.Load())
	}
	alerts, err := db.Alerts(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]registry.Alert{}
	for _, a := range alerts {
		got[a.Input] = a
	}
	want := map[string]string{"AgLCFgAABAA": "t1.tunnel.example", "AgLBXxCgkAA": "t1.tunnel.example", "AgLAAAAABEA": "t2.tunnel.example"}
	if len(got) != len(want) {
		t.Fatalf("alerts for %v, want %v", slices.Collect(maps.Keys(got)), want)
	}
	for input, query := range want {
		a, ok := got[input]
		if !ok {
			t.Fatalf("no alert for %q", input)
		}
		var d map[string]json.RawMessage
		if err := json.Unmarshal(a.Detail, &d); err != nil || string(d["query"]) != `"`+query+`"` || len(d) != 1 {
			t.Errorf("alert %q detail %s, want only {\"query\":%q}", input, a.Detail, query)
		}
		if a.Model != "txt" || a.SHA256 != pub.SHA256 || a.Score < 0.5 || a.Threshold != 0.5 || a.BatchMedian == nil ||
			a.Campaign != registry.NoCampaign || a.ScorerID != "scorer-txt" || !a.SeenAt.Equal(at) {
			t.Errorf("alert %+v", a)
		}
	}
	// Client 10.0.0.9's records in the batch: two tunnel answers and the
	// SPF record; its median is the lower tunnel score, over 0.5.
	if a := got["AgLCFgAABAA"]; *a.BatchMedian < 0.5 || a.ClientIP != "10.0.0.9" || a.Source != "dnstap" {
		t.Errorf("alert %+v median %v", a, *a.BatchMedian)
	}
	if a := got["AgLAAAAABEA"]; a.ClientIP != "10.0.0.7" || a.Source != "zeek-dns" || *a.BatchMedian >= a.Score {
		t.Errorf("alert %+v median %v: want the median of its client's two records, below its score", a, *a.BatchMedian)
	}
	if sink.CampaignFailed() != 0 {
		t.Errorf("%d campaign failures", sink.CampaignFailed())
	}
}

// TestPipelineNameModelIgnoresTXT: a domain-name model scores the names of
// queries that carry TXT records, one input per query as before.
func TestPipelineNameModelIgnoresTXT(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	m, err := Load(ctx, db, publishModel(t, db, "dga", 6))
	if err != nil {
		t.Fatal(err)
	}
	h := &Holder{}
	h.Swap(m)
	sink, err := NewAlertSink(db, "scorer-dga", "", quiet)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPipeline(h, sink, quiet, []string{"dnstap"}, PipelineOptions{MaxWait: time.Millisecond})
	p.Offer(Query{Source: "dnstap", ClientIP: "10.0.0.9", Name: "xkqwjzprtmvbnd.net", TXT: []string{"AgLCFgAABAA", "AgLBXxCgkAA"}})
	p.Offer(Query{Source: "dnstap", ClientIP: "10.0.0.9", Name: "www.google.com"})
	p.Close()
	p.Run(ctx)
	sink.Close()
	if c := p.Counters("dnstap"); c.Scored.Load() != 2 || c.Skipped.Load() != 0 {
		t.Fatalf("scored %d skipped %d, want 2 names and none skipped", c.Scored.Load(), c.Skipped.Load())
	}
	alerts, err := db.Alerts(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Input != "xkqwjzprtmvbnd.net" && a.Input != "www.google.com" {
			t.Errorf("alert on %q", a.Input)
		}
	}
}
