package serving

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/dnsdomain"
	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/training/gbdt"
)

// domainTraffic is 3 minutes of a hex tunnel under x-tunnel.com (one
// client, TXT) among browsing of example.org, from start.
func domainTraffic(start time.Time, seed uint64) []datasets.DNSRecord {
	rng := rand.New(rand.NewPCG(seed, 1))
	var out []datasets.DNSRecord
	buf := make([]byte, 24)
	for i := range 360 {
		for j := range buf {
			buf[j] = byte(rng.Uint32())
		}
		out = append(out, datasets.DNSRecord{Time: start.Add(time.Duration(i) * 500 * time.Millisecond), Client: "10.0.0.7",
			Name: fmt.Sprintf("%s.%d.x-tunnel.com", hex.EncodeToString(buf), i), QType: "TXT", RCode: "NOERROR", Label: 1})
		out = append(out, datasets.DNSRecord{Time: start.Add(time.Duration(i)*500*time.Millisecond + 250*time.Millisecond),
			Client: fmt.Sprintf("10.0.1.%d", rng.IntN(20)), Name: []string{"www", "api", "cdn"}[rng.IntN(3)] + ".example.org", QType: "A", RCode: "NOERROR", Label: 0})
	}
	return out
}

// publishDomainModel trains a small gbdt on domainTraffic's windows and
// publishes it with threshold 0.5.
func publishDomainModel(t *testing.T, db *registry.DB, name string) *registry.Model {
	t.Helper()
	units, _, err := dnsdomain.Windows(domainTraffic(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), 1), dnsdomain.Config{})
	if err != nil {
		t.Fatal(err)
	}
	names := dnsdomain.Names()
	vectors := make([][]float64, len(units))
	y := make([]float32, len(units))
	for i, u := range units {
		vectors[i], y[i] = u.Values, float32(u.Label)
	}
	idx, _ := artifact.ColumnMap(names, names)
	p := gbdt.DefaultParams()
	p.Rounds, p.MaxDepth = 10, 3
	m, err := gbdt.Train(context.Background(), artifact.VectorMatrix(idx, vectors), y, p, gbdt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := artifact.VectorFeatureSet(dnsdomain.SetName, names)
	if err != nil {
		t.Fatal(err)
	}
	return publishedtest.Publish(t, db, name, &artifact.Artifact{Algo: "gbdt", Params: map[string]string{}, Model: m, FeatureSet: fs}, 0.5)
}

// TestOneScorerServesANameAndADomainAlias: --alias scores names,
// --domain-alias scores the same dns.log's domain windows; the tunnel
// domain raises one tunnel alert (de-duplicated for --tunnel-realert),
// browsing none; both aliases see the scorer in their scorer rows.
func TestOneScorerServesANameAndADomainAlias(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	promote(t, db, "production", publishNameModel(t, db, "names", 1, false))
	promote(t, db, "tunnels", publishDomainModel(t, db, "tunnels"))
	dir := t.TempDir()
	logPath := filepath.Join(dir, "dns.log")
	var b bytes.Buffer
	recs := domainTraffic(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), 2)
	if err := datasets.WriteZeekDNS(&b, recs, false); err != nil {
		t.Fatal(err)
	}
	b.WriteString("not\ta\tdns\tline\n")
	if err := os.WriteFile(logPath, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, stop := runServer(t, db, Config{Alias: "production", DomainAlias: "tunnels", ZeekDNS: logPath, Heartbeat: 100 * time.Millisecond,
		Alerts: filepath.Join(dir, "alerts.jsonl")})
	eventually(t, "dns.log read", func() bool { return srv.domains.Counters().Read.Load() == uint64(len(recs)) })
	eventually(t, "both aliases' scorer rows", func() bool {
		p, err1 := db.Scorers(ctx, "production")
		tu, err2 := db.Scorers(ctx, "tunnels")
		return err1 == nil && err2 == nil && len(p) == 1 && len(tu) == 1 && tu[0].ID == srv.ID()+"/tunnels" && tu[0].SHA256 != ""
	})
	stop()
	alerts, err := db.Alerts(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	tunnels := 0
	for _, a := range alerts {
		if a.Kind == registry.AlertTunnel {
			tunnels++
			if a.Model != "tunnels" || a.WindowSeconds != 60 || a.ClientIP != "10.0.0.7" || a.Input[:len("x-tunnel.com@")] != "x-tunnel.com@" {
				t.Errorf("tunnel alert %+v", a)
			}
		}
	}
	if tunnels != 1 {
		t.Fatalf("%d tunnel alerts, want 1 (x-tunnel.com, then quiet for 10 minutes)", tunnels)
	}
	c := srv.Counters()
	if c.DNSDomain == nil || c.DNSDomain.Scored == 0 || c.ZeekDNS.Bad != 1 {
		t.Fatalf("counters: domain windows %+v, zeek-dns %+v; want windows scored and the bad line counted", c.DNSDomain, c.ZeekDNS)
	}
}
