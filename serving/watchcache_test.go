package serving

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	neturl "net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl/internal/netfault"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// logBuffer takes a scorer's log while a test reads it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// healthAnswer is GET /healthz's answer.
type healthAnswer struct {
	Model         string `json:"model"`
	Version       int    `json:"version"`
	SHA256        string `json:"sha256"`
	Registry      string `json:"registry"`
	RegistryError string `json:"registry_error"`
	ModelSource   string `json:"model_source"`
	CachedSince   string `json:"cached_since"`
	CacheError    string `json:"cache_error"`
	Error         string `json:"error"`
}

func getHealth(t *testing.T, addr string) (healthAnswer, int) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h healthAnswer
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatalf("healthz answer: %v", err)
	}
	return h, resp.StatusCode
}

// TestScorerServesItsCachedModelUntilTheRegistryReturns: a scorer caches
// the model it serves; one started while the registry does not answer
// serves that model from the cache and says so, writes nothing, then, when
// the registry answers, confirms it without reloading, heartbeats that it
// served from the cache, and follows the alias again.
func TestScorerServesItsCachedModelUntilTheRegistryReturns(t *testing.T) {
	ctx := context.Background()
	url := registrytest.NewDatabase(t)
	db := registrytest.OpenURL(t, url)
	m1, m2 := publishModel(t, db, "dga", 5), publishModel(t, db, "dga", 6)
	promote(t, db, "production", m1)
	cfg := Config{Alias: "production", HTTPAddr: "127.0.0.1:0", StateDir: t.TempDir(), Heartbeat: 100 * time.Millisecond, Poll: 100 * time.Millisecond}
	cache := NewModelCache(cfg.StateDir)

	// With the registry: the model in service is cached.
	a, stopA := runServer(t, db, cfg)
	eventually(t, "the first scorer caches dga@1", func() bool {
		rec, _, err := cache.Load("production")
		return err == nil && rec.Model.ID == m1.ID
	})
	if h, _ := getHealth(t, a.Addr()); h.Registry != "ok" || h.ModelSource != "registry" || h.CachedSince != "" {
		t.Fatalf("healthz with the registry: %+v", h)
	}
	stopA()

	// Without it: the cached model serves, and every answer says so.
	proxy := cutProxy(t, url)
	dbB, err := registry.Connect(proxy.URL(t, url))
	if err != nil {
		t.Fatal(err)
	}
	defer dbB.Close()
	down := StartRegistry(ctx, dbB)
	if !registry.Unreachable(down) {
		t.Fatalf("StartRegistry through a proxy that hangs up: %v, want unreachable", down)
	}
	cfg.RegistryDown = down
	var log logBuffer
	reg := prometheus.NewRegistry()
	b, err := NewServer(dbB, cfg, slog.New(slog.NewTextHandler(&log, nil)), reg)
	if err != nil {
		t.Fatal(err)
	}
	run(t, b)
	eventually(t, "the scorer serves the cached model", func() bool { return b.Holder().Get() != nil })
	cached := b.Holder().Get()
	h, code := getHealth(t, b.Addr())
	if code != 200 || h.Registry != "unreachable" || h.RegistryError == "" || h.ModelSource != "cache" || h.CachedSince == "" ||
		h.Version != 1 || h.SHA256 != m1.SHA256 {
		t.Fatalf("healthz from the cache: %d %+v", code, h)
	}
	if !strings.Contains(log.String(), "serving model dga@1 from the local cache (verified SHA-256 "+m1.SHA256+")") {
		t.Fatalf("log does not say the model came from the cache:\n%s", log.String())
	}
	names := []string{"google.com", "xkqwjzprtmvbfgh.net", "mail.example.org"}
	want := load(t, db, m1)
	wantScores := make([]float64, len(names))
	want.Scorer.Score(names, wantScores)
	body, _ := json.Marshal(map[string][]string{"names": names})
	resp, err := http.Post("http://"+b.Addr()+"/v1/score", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var scored struct {
		Version   int     `json:"version"`
		Threshold float64 `json:"threshold"`
		Results   []struct {
			Score float64 `json:"score"`
			Label int     `json:"label"`
		} `json:"results"`
	}
	json.NewDecoder(resp.Body).Decode(&scored)
	resp.Body.Close()
	if resp.StatusCode != 200 || scored.Version != 1 || scored.Threshold != want.Threshold || len(scored.Results) != len(names) {
		t.Fatalf("score from the cache: %d %+v", resp.StatusCode, scored)
	}
	for i, r := range scored.Results {
		if math.Abs(r.Score-wantScores[i]) > 1e-7 || r.Label != btoi(wantScores[i] >= want.Threshold) {
			t.Fatalf("%s scored %v from the cache, %v from the registry", names[i], r.Score, wantScores[i])
		}
	}
	metrics := scrape(t, reg)
	for _, line := range []string{"mlctl_registry_up 0", "mlctl_model_from_cache 1"} {
		if !strings.Contains(metrics, line+"\n") {
			t.Fatalf("metrics lack %q", line)
		}
	}
	if ss, err := db.Scorers(ctx, "production"); err != nil || len(ss) != 1 || ss[0].ID != a.ID() {
		t.Fatalf("scorers in the registry while it was cut off: %+v %v (want only the first)", ss, err)
	}

	// The registry answers: the cached model is confirmed, not reloaded,
	// and the first heartbeat says it served from the cache.
	proxy.Restore()
	eventually(t, "healthz says the registry answers", func() bool {
		h, _ := getHealth(t, b.Addr())
		return h.Registry == "ok" && h.ModelSource == "registry"
	})
	if b.Holder().Get() != cached || b.watcher.Swaps() != 1 {
		t.Fatalf("the confirmed model was reloaded: %d swaps", b.watcher.Swaps())
	}
	var beat Counters
	eventually(t, "a heartbeat of the scorer", func() bool {
		ss, err := db.Scorers(ctx, "production")
		for _, s := range ss {
			if err == nil && s.ID == b.ID() && json.Unmarshal(s.Counters, &beat) == nil && beat.ServedFromCache != nil && beat.ServedFromCache.Until != nil {
				return s.ModelID == m1.ID
			}
		}
		return false
	})
	if sp := beat.ServedFromCache; sp.Model != "dga@1" || sp.SHA256 != m1.SHA256 || sp.Since.IsZero() || sp.Until.Before(sp.Since) || beat.ModelSource != "registry" {
		t.Fatalf("heartbeat counters %+v %+v", beat, sp)
	}
	if !strings.Contains(log.String(), "confirmed, not reloaded") {
		t.Fatalf("log does not say the cached model was confirmed:\n%s", log.String())
	}

	// It follows the alias again, and caches the new model in place of
	// the old.
	promote(t, db, "production", m2)
	eventually(t, "the scorer swaps to dga@2", func() bool { m := b.Holder().Get(); return m != nil && m.ID == m2.ID })
	eventually(t, "the cache holds dga@2 alone", func() bool {
		rec, _, err := cache.Load("production")
		_, gone := os.Stat(cache.ArtifactPath(m1.SHA256))
		return err == nil && rec.Model.ID == m2.ID && os.IsNotExist(gone)
	})

	// An outage at run time: healthz says so, the model keeps serving.
	proxy.Cut()
	eventually(t, "healthz says the registry is unreachable", func() bool {
		h, code := getHealth(t, b.Addr())
		return code == 200 && h.Registry == "unreachable" && h.ModelSource == "registry" && h.Version == 2
	})
	proxy.Restore()
	eventually(t, "healthz says the registry answers again", func() bool {
		h, _ := getHealth(t, b.Addr())
		return h.Registry == "ok"
	})
}

// TestScorerRefusesACorruptedCacheAndWaits: a cached artifact whose bytes
// no longer have their SHA-256 is refused; the scorer serves nothing
// (503, with why) until the registry answers, then serves the alias's model.
func TestScorerRefusesACorruptedCacheAndWaits(t *testing.T) {
	ctx := context.Background()
	url := registrytest.NewDatabase(t)
	db := registrytest.OpenURL(t, url)
	m1 := publishModel(t, db, "dga", 5)
	promote(t, db, "production", m1)
	cfg := Config{Alias: "production", HTTPAddr: "127.0.0.1:0", StateDir: t.TempDir(), Heartbeat: 100 * time.Millisecond, Poll: 100 * time.Millisecond}
	cache := NewModelCache(cfg.StateDir)
	data, _, err := db.Artifact(ctx, m1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := cache.Save(CachedModel{Alias: "production", ChangeID: 1, Model: m1, VerifiedAt: time.Now()}, data); err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 1
	if err := os.WriteFile(cache.ArtifactPath(m1.SHA256), data, 0o600); err != nil {
		t.Fatal(err)
	}

	proxy := cutProxy(t, url)
	dbB, err := registry.Connect(proxy.URL(t, url))
	if err != nil {
		t.Fatal(err)
	}
	defer dbB.Close()
	cfg.RegistryDown = StartRegistry(ctx, dbB)
	var log logBuffer
	srv, err := NewServer(dbB, cfg, slog.New(slog.NewTextHandler(&log, nil)), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	run(t, srv)
	eventually(t, "the scorer refuses the cached model", func() bool { return srv.watcher.Refusals() == 1 })
	h, code := getHealth(t, srv.Addr())
	if code != 503 || h.Registry != "unreachable" || !strings.Contains(h.CacheError, "SHA-256") {
		t.Fatalf("healthz with a corrupted cache: %d %+v", code, h)
	}
	if !strings.Contains(log.String(), "the cached model is refused") || !strings.Contains(log.String(), "refusing it") {
		t.Fatalf("log does not say why the cached model was refused:\n%s", log.String())
	}
	resp, err := http.Post("http://"+srv.Addr()+"/v1/score", "application/json", strings.NewReader(`{"names":["a.com"]}`))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatalf("score with a corrupted cache: %d, want 503", resp.StatusCode)
	}
	proxy.Restore()
	eventually(t, "the scorer serves the alias's model from the registry", func() bool {
		h, code := getHealth(t, srv.Addr())
		return code == 200 && h.Registry == "ok" && h.ModelSource == "registry" && h.SHA256 == m1.SHA256
	})
	eventually(t, "the cache is mended", func() bool { _, _, err := cache.Load("production"); return err == nil })
}

// cutProxy starts a netfault proxy to the server of dbURL, cut: a
// registry that does not answer until the test restores it.
func cutProxy(t *testing.T, dbURL string) *netfault.Proxy {
	t.Helper()
	u, err := neturl.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	p := netfault.Start(t, u.Host)
	p.Cut()
	return p
}
