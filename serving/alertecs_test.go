package serving

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlctl/mlctl/registry"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata/ecs")

// kindAlerts are one alert of each kind, as the scorer raises them.
func kindAlerts() map[string]registry.Alert {
	t0 := time.Date(2026, 3, 2, 10, 15, 30, 123456000, time.UTC)
	ws := time.Date(2026, 3, 2, 10, 10, 0, 0, time.UTC)
	f := func(v float64) *float64 { return &v }
	base := func(kind, uid string) registry.Alert {
		return registry.Alert{UID: uid, Kind: kind, SeenAt: t0, Source: SourceZeekDNS, ScorerID: "sensor1-4242-0a0b0c0d", Model: "dga", Version: 3,
			SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Threshold: 0.5, Campaign: registry.NoCampaign}
	}
	name := base(registry.AlertName, "0191f1a0-0000-7000-8000-000000000001")
	name.ClientIP, name.Input, name.Score, name.BatchMedian, name.Campaign = "10.1.2.3", "xjw3kq9zt0pl.com", 0.97, f(0.81), 7
	name.Detail = json.RawMessage(`{"top_features":[{"feature":"entropy","value":3.9,"margin":1.2}]}`)
	client := base(registry.AlertClient, "0191f1a0-0000-7000-8000-000000000002")
	client.ClientIP, client.Input, client.Score, client.MedianScore = "10.1.2.3", "10.1.2.3@2026-03-02T10:10:00Z", 0.91, f(0.91)
	client.WindowStart, client.WindowSeconds, client.Names, client.NXDomainShare = &ws, 600, []string{"xjw3kq9zt0pl.com", "qpl0zz7ab.net", "r8ty2nn1.org"}, f(0.75)
	client.Detail = json.RawMessage(`{"names":3}`)
	tunnel := base(registry.AlertTunnel, "0191f1a0-0000-7000-8000-000000000003")
	tunnel.Source, tunnel.Model, tunnel.Version, tunnel.Threshold = SourceDNSDomain, "tunnel", 2, 0.6
	tunnel.ClientIP, tunnel.Input, tunnel.Score, tunnel.Domain, tunnel.Clients = "10.9.8.7", "t.example.co.uk@2026-03-02T10:10:00Z", 0.99, "example.co.uk", []string{"10.9.8.7", "10.9.8.8"}
	tunnel.WindowStart, tunnel.WindowSeconds = &ws, 300
	tunnel.Detail = json.RawMessage(`{"domain":"example.co.uk","clients":["10.9.8.7","10.9.8.8"],"queries":412}`)
	flow := base(registry.AlertFlow, "0191f1a0-0000-7000-8000-000000000004")
	flow.Source, flow.Model, flow.Version, flow.SHA256, flow.Threshold = SourceZeekConn, FlowRulesModel, 0, "", 0
	flow.ClientIP, flow.Input, flow.Score = "2001:db8::5", "2001:db8::5@2026-03-02T10:10:00Z", 0.5
	flow.Detail = json.RawMessage(`{"checks":["blacklist","unusual_port"]}`)
	txt := base(registry.AlertTXT, "0191f1a0-0000-7000-8000-000000000005")
	txt.Source, txt.Model, txt.Version = SourceDnstap, "txt", 1
	txt.ClientIP, txt.Input, txt.Score = "192.0.2.44", "aGVsbG8gd29ybGQgZXhmaWw=", 0.88
	txt.Detail = json.RawMessage(`{"query":"c2.bad.example.net."}`)
	return map[string]registry.Alert{registry.AlertName: name, registry.AlertClient: client, registry.AlertTunnel: tunnel,
		registry.AlertFlow: flow, registry.AlertTXT: txt}
}

// TestECSAlertGolden: each alert kind maps to the ECS document in
// testdata/ecs/KIND.json (go test -run TestECSAlertGolden -update
// rewrites them); the fields a SOC queries on are checked by name too.
func TestECSAlertGolden(t *testing.T) {
	for kind, a := range kindAlerts() {
		t.Run(kind, func(t *testing.T) {
			got, err := json.MarshalIndent(NewECSAlert(&a), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "ecs", kind+".json")
			if *updateGolden {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./serving -run TestECSAlertGolden -update writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("ECS document of a %s alert differs from %s:\n%s", kind, path, got)
			}
			var doc map[string]any
			json.Unmarshal(got, &doc)
			for path, want := range map[string]any{
				"event.kind": "alert", "event.module": "mlctl", "event.dataset": "mlctl.alert", "event.id": a.UID,
				"observer.name": a.ScorerID, "mlctl.kind": kind, "mlctl.model": a.Model, "mlctl.score": a.Score,
				"rule.name": ecsKinds[kind].rule, "@timestamp": "2026-03-02T10:15:30.123456Z", "ecs.version": ECSVersion,
			} {
				if v := lookup(doc, path); v != want {
					t.Errorf("%s = %v, want %v", path, v, want)
				}
			}
			if got := lookup(doc, "event.risk_score"); got != float64(int(a.Score*1e4))/100 {
				t.Errorf("event.risk_score %v for score %v", got, a.Score)
			}
		})
	}
	a := kindAlerts()
	doc := func(kind, path string) any {
		al := a[kind]
		b, _ := json.Marshal(NewECSAlert(&al))
		var m map[string]any
		json.Unmarshal(b, &m)
		return lookup(m, path)
	}
	for _, c := range []struct {
		kind, path string
		want       any
	}{
		{registry.AlertName, "dns.question.name", "xjw3kq9zt0pl.com"},
		{registry.AlertName, "dns.question.registered_domain", "xjw3kq9zt0pl.com"},
		{registry.AlertName, "source.ip", "10.1.2.3"},
		{registry.AlertName, "threat.indicator.type", "domain-name"},
		{registry.AlertName, "threat.technique.subtechnique.id", "T1568.002"},
		{registry.AlertTunnel, "dns.question.registered_domain", "example.co.uk"},
		{registry.AlertTunnel, "threat.technique.subtechnique.id", "T1071.004"},
		{registry.AlertTXT, "dns.question.name", "c2.bad.example.net"},
		{registry.AlertTXT, "dns.question.registered_domain", "example.net"},
		{registry.AlertFlow, "source.ip", "2001:db8::5"},
		{registry.AlertFlow, "threat.indicator.type", "ipv6-addr"},
		{registry.AlertClient, "event.start", "2026-03-02T10:10:00Z"},
		{registry.AlertClient, "event.end", "2026-03-02T10:20:00Z"},
	} {
		if got := doc(c.kind, c.path); got != c.want {
			t.Errorf("%s alert: %s = %v, want %v", c.kind, c.path, got, c.want)
		}
	}
}

// lookup is the value at a dotted path of a decoded JSON object.
func lookup(doc map[string]any, path string) any {
	var cur any = doc
	for _, k := range splitDots(path) {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func splitDots(p string) []string {
	if p == "@timestamp" {
		return []string{p}
	}
	var out []string
	start := 0
	for i := range len(p) {
		if p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return append(out, p[start:])
}
