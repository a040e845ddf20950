package dga

import (
	"context"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestReplayServing replays a small synthesized dns.log through serve's
// pipeline on a real registry: every line is read, nothing is dropped,
// prefiltered names are counted, and the infected clients' DGA names make
// client alerts that Outcome finds.
func TestReplayServing(t *testing.T) {
	ctx := context.Background()
	rows := datasets.GenerateDemo(1, 6000)
	parts, err := datasets.Split(rows, 1, []string{"newgoz"})
	if err != nil {
		t.Fatal(err)
	}
	art, threshold, err := TrainDefault(ctx, pick(rows, parts.Train), pick(rows, parts.Validation), 1)
	if err != nil {
		t.Fatal(err)
	}
	var benign []LogQuery
	dga := map[string][]string{}
	for _, r := range rows {
		switch {
		case r.Family == "newgoz":
			dga[r.Family] = append(dga[r.Family], r.Name)
		case r.Label == 0 && len(benign) < 300:
			benign = append(benign, LogQuery{Name: r.Name, QType: "A", RCode: "NOERROR"})
		}
	}
	benign = append(benign, LogQuery{Name: "1.0.0.10.in-addr.arpa", QType: "PTR", RCode: "NOERROR"}, LogQuery{Name: "wpad", QType: "A", RCode: "NXDOMAIN"})
	o := DefaultSynthOptions()
	o.BenignClients, o.InfectedClients, o.Duration = 3, 2, 30*time.Minute
	o.DGARate, o.InfectedAfter = [2]float64{600, 900}, [2]time.Duration{time.Minute, 5 * time.Minute}
	clients, lines, err := Synthesize(o, benign, dga, []string{"newgoz"})
	if err != nil {
		t.Fatal(err)
	}
	alerts, counts, err := ReplayServing(ctx, registrytest.Open(t), art, threshold, t.TempDir(), lines)
	if err != nil {
		t.Fatal(err)
	}
	if counts.Parsed != uint64(len(lines)) || counts.Dropped != 0 || counts.AlertsLost != 0 {
		t.Errorf("%d lines: parsed %d, dropped %d, alerts lost %d", len(lines), counts.Parsed, counts.Dropped, counts.AlertsLost)
	}
	if counts.Prefiltered["arpa"] == 0 || counts.Prefiltered["single_label"] == 0 {
		t.Errorf("prefiltered %v, want arpa and single_label", counts.Prefiltered)
	}
	// Every parsed name is scored or prefiltered (the skipped are the
	// '#' lines: these names are all domain names).
	if counts.Scored+counts.Prefiltered["arpa"]+counts.Prefiltered["single_label"] != counts.Parsed {
		t.Errorf("scored %d + prefiltered %v != parsed %d", counts.Scored, counts.Prefiltered, counts.Parsed)
	}
	if counts.ClientAlerts == 0 || counts.NameAlerts == 0 {
		t.Fatalf("no client or name alerts: %+v", counts)
	}
	for _, a := range alerts {
		if a.Kind == registry.AlertClient && (a.WindowStart == nil || len(a.Names) < 3 || a.NXDomainShare == nil) {
			t.Errorf("client alert without its window, names or NXDOMAIN share: %+v", a)
		}
	}
	r := Outcome(clients, lines, alerts, counts)
	if r.InfectedAlerted != 2 || r.DelayMax <= 0 {
		t.Errorf("infected alerted %d of 2, delay max %.0f s", r.InfectedAlerted, r.DelayMax)
	}
}
