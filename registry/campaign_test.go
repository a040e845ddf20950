package registry_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestCampaignIDsAreUniqueAcrossConnections takes IDs concurrently through
// two pools on one database (two scorers) and after reconnecting (a
// restart): none is issued twice, none is 0 or negative.
func TestCampaignIDsAreUniqueAcrossConnections(t *testing.T) {
	ctx := context.Background()
	url := registrytest.NewDatabase(t)
	open := func() *registry.DB {
		db, err := registry.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	dbs := []*registry.DB{open(), open()}
	var mu sync.Mutex
	seen := map[int]bool{}
	take := func(db *registry.DB, n int) error {
		ids, err := db.NewCampaignIDs(ctx, n)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for i, id := range ids {
			if id < 1 || seen[id] || i > 0 && id <= ids[i-1] {
				t.Errorf("campaign ID %d: reused, not positive or out of order (%v)", id, ids)
			}
			seen[id] = true
		}
		return nil
	}
	var wg sync.WaitGroup
	for _, db := range dbs {
		for range 4 {
			wg.Go(func() {
				for n := range 20 {
					if err := take(db, n%5+1); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	wg.Wait()
	for _, db := range dbs {
		db.Close()
	}
	again := open()
	defer again.Close()
	if err := take(again, 3); err != nil {
		t.Fatal(err)
	}
	if ids, err := again.NewCampaignIDs(ctx, 0); err != nil || len(ids) != 0 {
		t.Fatalf("0 IDs: %v, %v", ids, err)
	}
	if _, err := again.NewCampaignIDs(ctx, -1); mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Fatalf("-1 IDs: %v; want invalid", err)
	}
}

// TestAlertCampaignIsStored: the campaign ID round-trips, the zero value is
// stored as none, and an ID below -1 is refused.
func TestAlertCampaignIsStored(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	ids, err := db.NewCampaignIDs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(1700000000, 0).UTC()
	in := []registry.Alert{
		{SeenAt: at, Source: "dnstap", ClientIP: "10.0.0.1", Input: "in.campaign", Model: "dga", Campaign: ids[0], Vector: []float64{1, 2}},
		{SeenAt: at, Source: "dnstap", ClientIP: "10.0.0.1", Input: "noise", Model: "dga", Campaign: registry.NoCampaign},
		{SeenAt: at, Source: "zeek-conn", ClientIP: "10.0.0.2", Input: "unset", Model: "flowcheck"},
	}
	if _, err := db.AddAlerts(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := db.Alerts(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"in.campaign": ids[0], "noise": registry.NoCampaign, "unset": registry.NoCampaign}
	if len(got) != len(want) {
		t.Fatalf("%d alerts stored; want %d", len(got), len(want))
	}
	for _, a := range got {
		if a.Campaign != want[a.Input] || a.Vector != nil {
			t.Errorf("%s: campaign %d, vector %v; want campaign %d and no vector", a.Input, a.Campaign, a.Vector, want[a.Input])
		}
	}
	bad := []registry.Alert{{SeenAt: at, Source: "dnstap", Input: "bad", Model: "dga", Campaign: -2}}
	if _, err := db.AddAlerts(ctx, bad); mlctl.ErrorCode(err) != mlctl.EINVALID {
		t.Fatalf("campaign -2: %v; want invalid", err)
	}
}
