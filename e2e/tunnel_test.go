package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/serving/servingtest"
)

// TestRealTunnelThroughUnboundAlertsWithinAWindow trains a dns-domain
// model on a generated network (dnscat2, DNSExfiltrator, Cobalt Strike,
// Sliver, generic chunking; no iodine) and serves it beside a name model
// in one `mlctl serve` (two aliases). A real iodine session through a real
// unbound in network namespaces, unbound sending dnstap to the scorer,
// becomes a tunnel alert for its domain within a minute of its start,
// naming the client, the window and the bytes; the benign lookups of the
// same run raise none. The scorer also follows a dns.log with bad and
// truncated lines: counted, not fatal.
func TestRealTunnelThroughUnboundAlertsWithinAWindow(t *testing.T) {
	servingtest.RequireTunnelTools(t)
	s := newStack(t)
	s.startWorker()
	corpus := filepath.Join(s.dir, "network.dns.log")
	s.run("dataset", "generate", "--kind", "dns-domain", "--seed", "3", "--duration", "40m", "-o", corpus)
	var ing struct {
		Rows int `json:"rows"`
	}
	mustJSON(t, s.run("dataset", "ingest", "tunnels", "--kind", "dns-domain", "--file", corpus, "--json"), &ing)
	var tr struct {
		Version   int     `json:"version"`
		Threshold float64 `json:"threshold"`
	}
	mustJSON(t, s.run("train", "--dataset", "tunnels", "--algo", "gbdt", "--model", "tunnels", "--param", "threshold_fpr=0.0001", "--wait", "--json"), &tr)
	t.Logf("dns-domain model on %d windows: threshold %.4f", ing.Rows, tr.Threshold)
	s.trainModels("dga", 1)
	s.run("promote", "dga@1", "--wait")
	s.run("promote", "tunnels@1", "--alias", "tunnels", "--wait")

	dir, err := os.MkdirTemp("", "mlctl-tun-") // short: a unix socket path has at most 107 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "tap.sock")
	alerts := filepath.Join(dir, "alerts.jsonl")
	dnsLog := filepath.Join(dir, "dns.log")
	// A dns.log with a bad ts and a truncated last line beside the tunnel.
	os.WriteFile(dnsLog, []byte("#separator \\x09\n#fields\tts\tid.orig_h\tquery\tqtype_name\n"+
		fmt.Sprintf("%d.0\t10.1.1.1\twww.example.com\tA\n", time.Now().Unix())+
		"yesterday\t10.1.1.1\tmail.example.com\tA\n"+
		fmt.Sprintf("%d.5\t10.1.1.1\tcut.exa", time.Now().Unix())), 0o644)
	sc := s.startScorer(freeAddr(t), "--alias", "production", "--domain-alias", "tunnels", "--dnstap", "unix:"+sock,
		"--zeek-dns", dnsLog, "--alerts", alerts)
	waitFor(t, "the dnstap socket", 10*time.Second, func() bool {
		st, err := os.Stat(sock)
		return err == nil && st.Mode().Type() == fs.ModeSocket
	})
	sc.waitVersion(1, 30*time.Second)

	run := servingtest.RunTunnel(t, "iodine", sock, 40, 40_000)
	t.Logf("iodine ran %s → %s through unbound from %s", run.Start.Format(time.TimeOnly), run.End.Format(time.TimeOnly), run.Client)
	var first tunnelAlert
	var seen time.Time
	waitFor(t, "a tunnel alert for "+run.Zone, 90*time.Second, func() bool {
		for _, a := range readTunnelAlerts(t, alerts) {
			if strings.HasSuffix(run.Zone, a.Domain) {
				first, seen = a, time.Now()
				return true
			}
		}
		return false
	})
	if d := seen.Sub(run.Start); d > 60*time.Second {
		t.Errorf("the tunnel alert came %.0fs after the tunnel started, want ≤ 60s", d.Seconds())
	}
	t.Logf("tunnel alert %.1fs after the tunnel started: %s score %.4f, clients %v, window %s +%ds, detail %s",
		seen.Sub(run.Start).Seconds(), first.Input, first.Score, first.Clients, first.WindowStart, first.WindowSeconds, first.Detail)
	var detail struct {
		BytesUp int `json:"bytes_up"`
		Top     []struct {
			Feature string `json:"feature"`
		} `json:"top_features"`
	}
	if err := json.Unmarshal(first.Detail, &detail); err != nil || detail.BytesUp < 1000 || len(detail.Top) == 0 {
		t.Errorf("alert detail %s: want the bytes carried and the figures that pushed the score", first.Detail)
	}
	if len(first.Clients) == 0 || first.Clients[0] != run.Client || first.WindowSeconds != 60 || first.Kind != "tunnel" {
		t.Errorf("alert %+v: want kind tunnel, client %s, a 60 s window", first, run.Client)
	}
	sc.stop() // the open windows are scored
	for _, a := range readTunnelAlerts(t, alerts) {
		if !strings.HasSuffix(run.Zone, a.Domain) {
			t.Errorf("a tunnel alert for a benign domain: %+v", a)
		}
	}
	log := sc.log.String()
	if strings.Contains(log, "broken pipe") {
		t.Errorf("unbound stopping (STOP, then close) was reported as a bad dnstap connection; scorer log:\n%s", log)
	}
	if !strings.Contains(log, "dns.log:4") {
		t.Errorf("the bad dns.log line was not reported with file:line; scorer log:\n%s", log)
	}
}

// tunnelAlert is a tunnel alert's JSON line.
type tunnelAlert struct {
	Kind          string          `json:"kind"`
	Input         string          `json:"input"`
	Domain        string          `json:"domain"`
	Clients       []string        `json:"clients"`
	Score         float64         `json:"score"`
	WindowStart   string          `json:"window_start"`
	WindowSeconds int             `json:"window_seconds"`
	Detail        json.RawMessage `json:"detail"`
}

// readTunnelAlerts reads the tunnel alerts of an alerts file (none yet
// when it does not exist).
func readTunnelAlerts(t *testing.T, path string) []tunnelAlert {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []tunnelAlert
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var a tunnelAlert
		if json.Unmarshal(sc.Bytes(), &a) == nil && a.Kind == "tunnel" {
			out = append(out, a)
		}
	}
	return out
}

// waitFor polls cond every 200 ms until it holds, failing the test after within.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", within, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
