package registry_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestAlertKindsAndClientFields: a client alert's window, names, NXDOMAIN
// share and median score come back as stored; an alert without a kind is a
// name alert; an unknown kind is refused.
func TestAlertKindsAndClientFields(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	share, med := 0.75, 0.93
	in := []registry.Alert{
		{SeenAt: start.Add(time.Minute), Source: "zeek-dns", ClientIP: "10.0.0.66", Input: "xkqw.net", Score: 0.99, Model: "dga", ScorerID: "s1"},
		{Kind: registry.AlertClient, SeenAt: start.Add(2 * time.Minute), Source: "zeek-dns", ClientIP: "10.0.0.66",
			Input: "10.0.0.66@2024-03-01T10:00:00Z", Score: med, Threshold: 0.5, Model: "dga", Version: 1, ScorerID: "s1",
			WindowStart: &start, WindowSeconds: 300, Names: []string{"a.net", "b.com", "c.org"}, NXDomainShare: &share, MedianScore: &med},
		{Kind: registry.AlertClient, SeenAt: start, Source: "dnstap", ClientIP: "10.0.0.7", Input: "10.0.0.7@2024-03-01T10:00:00Z",
			Model: "dga", ScorerID: "s1", WindowStart: &start, WindowSeconds: 300, Names: []string{"d.net"}, MedianScore: &med},
		{Kind: registry.AlertFlow, SeenAt: start, Source: "zeek-conn", ClientIP: "10.0.0.2", Input: "10.0.0.2@2024-03-01T10:00:00Z", Model: "flowcheck", ScorerID: "s1"},
	}
	if _, err := db.AddAlerts(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := db.Alerts(ctx, 10)
	if err != nil || len(got) != 4 {
		t.Fatalf("alerts %+v %v", got, err)
	}
	slices.Reverse(got)
	if got[0].Kind != registry.AlertName || got[0].WindowStart != nil || got[0].Names != nil || got[0].NXDomainShare != nil || got[0].MedianScore != nil {
		t.Fatalf("name alert %+v", got[0])
	}
	c := got[1]
	if c.Kind != registry.AlertClient || c.WindowStart == nil || !c.WindowStart.Equal(start) || c.WindowSeconds != 300 ||
		!slices.Equal(c.Names, []string{"a.net", "b.com", "c.org"}) || c.NXDomainShare == nil || *c.NXDomainShare != share ||
		c.MedianScore == nil || *c.MedianScore != med {
		t.Fatalf("client alert %+v", c)
	}
	if got[2].NXDomainShare != nil || got[3].Kind != registry.AlertFlow || got[3].WindowSeconds != 0 {
		t.Fatalf("client alert without rcodes %+v, flow alert %+v", got[2], got[3])
	}
	_, err = db.AddAlerts(ctx, []registry.Alert{{Kind: "dns", SeenAt: start, Source: "dnstap", Input: "x", Model: "dga"}})
	if mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Fatalf("an unknown kind: %v, want %s", err, mlctl.EINVALID)
	}
}

// TestAlertsStoredOnceByUID: a batch stored again (a retry after its
// acknowledgement was lost) adds only its alerts not stored yet; an alert
// without an ID is given one; an ID that is not a UUID is refused.
func TestAlertsStoredOnceByUID(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	now := time.Now()
	a := registry.Alert{UID: registry.NewAlertUID(), SeenAt: now, Source: "http", Input: "a.example", Model: "dga"}
	b := registry.Alert{UID: registry.NewAlertUID(), SeenAt: now, Source: "http", Input: "b.example", Model: "dga"}
	if n, err := db.AddAlerts(ctx, []registry.Alert{a}); err != nil || n != 1 {
		t.Fatalf("first: %d %v", n, err)
	}
	if n, err := db.AddAlerts(ctx, []registry.Alert{a, b, b}); err != nil || n != 1 {
		t.Fatalf("again with one new (given twice): stored %d, want 1: %v", n, err)
	}
	anon := []registry.Alert{{SeenAt: now, Source: "http", Input: "c.example", Model: "dga"}}
	if n, err := db.AddAlerts(ctx, anon); err != nil || n != 1 || anon[0].UID == "" {
		t.Fatalf("without an ID: %d %v, uid %q", n, err, anon[0].UID)
	}
	got, err := db.Alerts(ctx, 10)
	if err != nil || len(got) != 3 {
		t.Fatalf("%d alerts stored, want 3: %v", len(got), err)
	}
	if got[2].UID != a.UID || got[1].UID != b.UID {
		t.Fatalf("IDs read back %q %q, want %q %q", got[2].UID, got[1].UID, a.UID, b.UID)
	}
	_, err = db.AddAlerts(ctx, []registry.Alert{{UID: "not-a-uuid", SeenAt: now, Source: "http", Input: "d", Model: "dga"}})
	if mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Fatalf("a bad ID: %v, want %s", err, mlctl.EINVALID)
	}
}
