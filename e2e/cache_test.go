package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/netfault"
)

// cacheHealth is /healthz's answer, with what it says of the registry and
// the model's source.
type cacheHealth struct {
	Version       int    `json:"version"`
	SHA256        string `json:"sha256"`
	Registry      string `json:"registry"`
	RegistryError string `json:"registry_error"`
	ModelSource   string `json:"model_source"`
	CachedSince   string `json:"cached_since"`
	CacheError    string `json:"cache_error"`
}

func (sc *scorer) cacheHealth() (cacheHealth, int) {
	sc.t.Helper()
	resp, err := httpClient.Get("http://" + sc.addr + "/healthz")
	if err != nil {
		sc.t.Fatalf("healthz: %v\n%s", err, sc.log.String())
	}
	defer resp.Body.Close()
	var h cacheHealth
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		sc.t.Fatalf("healthz answer: %v", err)
	}
	return h, resp.StatusCode
}

// scoreBody posts names to /v1/score and returns the status and body.
func (sc *scorer) scoreBody(names string) (int, string) {
	sc.t.Helper()
	resp, err := httpClient.Post("http://"+sc.addr+"/v1/score", "application/json", strings.NewReader(`{"names":`+names+`}`))
	if err != nil {
		sc.t.Fatalf("score: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// withDB is the stack's environment with another database URL.
func (s *stack) withDB(dbURL string) []string {
	return append(s.env(), "MLCTL_DATABASE_URL="+dbURL) // the last value wins
}

// TestScorerStartsFromItsCacheWithoutPostgreSQL: a scorer caches the model
// it serves in its state directory; one started while PostgreSQL does not
// answer serves that model from the cache, says so in /healthz and
// /metrics, and scores as the first did; when the registry answers it
// catches up with an alias moved meanwhile and its heartbeat says it
// served from the cache; a cached artifact corrupted on disk is refused.
func TestScorerStartsFromItsCacheWithoutPostgreSQL(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	shas := s.trainModels("dga", 2)
	models := filepath.Join(s.dir, "state", "models")

	a := s.startScorer(freeAddr(t), "--alias", "production")
	var r rollout
	mustJSON(t, s.run("promote", "dga@1", "--wait", "--json"), &r)
	a.waitVersion(1, 5*time.Second)
	names := `["google.com","xkqwjzprtmvbfgh.net","mail.example.org","qzxwvbnmlkjhgf.biz"]`
	code, fromRegistry := a.scoreBody(names)
	if code != 200 {
		t.Fatalf("score with the registry: %d %s", code, fromRegistry)
	}
	srcPoll(t, 10*time.Second, "the scorer caches dga@1", func() (bool, string) {
		_, err := os.Stat(filepath.Join(models, shas[0]+".artifact"))
		_, rerr := os.Stat(filepath.Join(models, "alias-production.json"))
		return err == nil && rerr == nil, "no artifact or record in " + models
	})
	a.stop()

	// PostgreSQL does not answer (nothing listens on its port): the
	// scorer starts and serves dga@1 from its cache.
	u, err := url.Parse(s.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = freeAddr(t)
	closed := u.String()
	b := s.startScorerEnv(s.withDB(closed), freeAddr(t), "--alias", "production")
	var h cacheHealth
	srcPoll(t, 10*time.Second, "the scorer serves its cached model", func() (bool, string) {
		h, code = b.cacheHealth()
		return code == 200, b.log.String()
	})
	if code != 200 || h.Registry != "unreachable" || h.RegistryError == "" || h.ModelSource != "cache" || h.CachedSince == "" ||
		h.Version != 1 || h.SHA256 != shas[0] {
		t.Fatalf("healthz of a scorer started without PostgreSQL: %d %+v\n%s", code, h, b.log.String())
	}
	code, fromCache := b.scoreBody(names)
	if code != 200 || fromCache != fromRegistry {
		t.Fatalf("scored from the cache: %d %s\nfrom the registry: %s", code, fromCache, fromRegistry)
	}
	if !strings.Contains(b.log.String(), "serving model dga@1 from the local cache (verified SHA-256 "+shas[0]+")") {
		t.Fatalf("the log does not say the model came from the cache:\n%s", b.log.String())
	}
	m := b.srcMetrics()
	if up, ok := m["mlctl_registry_up"]; !ok || up != 0 || m["mlctl_model_from_cache"] != 1 {
		t.Fatalf("metrics: mlctl_registry_up %v (exported %v), mlctl_model_from_cache %v", up, ok, m["mlctl_model_from_cache"])
	}
	b.stop()
	if out := s.run("serve", "status", "--json"); strings.Count(out, "\n") != 1 {
		t.Fatalf("a scorer cut off from the registry wrote a heartbeat:\n%s", out)
	}

	// Through a proxy that hangs up until the test switches it on: the
	// alias moves while the scorer serves from its cache; when the
	// registry answers the scorer loads the new model.
	proxy := cutProxy(t, s.dbURL)
	d := s.startScorerEnv(s.withDB(proxy.URL(t, s.dbURL)), freeAddr(t), "--alias", "production")
	srcPoll(t, 10*time.Second, "the scorer behind the proxy serves its cached model", func() (bool, string) {
		h, _ := d.cacheHealth()
		return h.ModelSource == "cache" && h.Version == 1, d.log.String()
	})
	mustJSON(t, s.run("promote", "dga@2", "--force", "--reason", "e2e: while a scorer is cut off", "--wait", "--json"), &r)
	if h, _ := d.cacheHealth(); h.ModelSource != "cache" || h.Version != 1 || h.Registry != "unreachable" {
		t.Fatalf("healthz after a promotion it cannot see: %+v", h)
	}
	proxy.Restore()
	d.waitVersion(2, 15*time.Second)
	if h, _ := d.cacheHealth(); h.Registry != "ok" || h.ModelSource != "registry" || h.SHA256 != shas[1] || h.CachedSince != "" {
		t.Fatalf("healthz after catching up: %+v", h)
	}
	var st struct {
		Model    string `json:"model"`
		Live     bool   `json:"live"`
		Counters struct {
			ModelSource     string `json:"model_source"`
			ServedFromCache *struct {
				Model string     `json:"model"`
				Since time.Time  `json:"since"`
				Until *time.Time `json:"until"`
			} `json:"served_from_cache"`
		} `json:"counters"`
	}
	srcPoll(t, 10*time.Second, "serve status shows the scorer served from its cache", func() (bool, string) {
		out := s.run("serve", "status", "--json")
		line, _, _ := strings.Cut(out, "\n") // live ones first
		mustJSON(t, line, &st)
		sp := st.Counters.ServedFromCache
		return st.Live && st.Model == "dga@2" && st.Counters.ModelSource == "registry" && sp != nil && sp.Model == "dga@1" &&
			sp.Until != nil && !sp.Until.Before(sp.Since), out
	})
	if out := s.run("serve", "status"); !strings.Contains(out, "served dga@1 from its local cache (registry unreachable) since") {
		t.Fatalf("serve status does not say the scorer served from its cache:\n%s", out)
	}
	d.stop()

	// A cached artifact corrupted on disk: refused, and nothing is served
	// until the registry answers.
	path := filepath.Join(models, shas[1]+".artifact")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the scorer did not cache dga@2: %v", err)
	}
	data[len(data)/2] ^= 0x20
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	c := s.startScorerEnv(s.withDB(closed), freeAddr(t), "--alias", "production")
	srcPoll(t, 10*time.Second, "the scorer refuses the corrupted cache", func() (bool, string) {
		h, code := c.cacheHealth()
		return code == http.StatusServiceUnavailable && h.Registry == "unreachable" && strings.Contains(h.CacheError, "SHA-256"),
			c.log.String()
	})
	if code, body := c.scoreBody(names); code != http.StatusServiceUnavailable {
		t.Fatalf("score with a corrupted cache: %d %s, want 503", code, body)
	}
	if l := c.log.String(); !strings.Contains(l, "the cached model is refused") || !strings.Contains(l, "refusing it") {
		t.Fatalf("the log does not say why the cached model was refused:\n%s", l)
	}
	time.Sleep(time.Second)
	if _, code := c.cacheHealth(); code != http.StatusServiceUnavailable {
		t.Fatalf("healthz a second later: %d", code) // still running, still waiting
	}
	c.stop()
}

// cutProxy starts a netfault proxy to the server of dbURL, cut: a
// registry that does not answer until the test restores it.
func cutProxy(t *testing.T, dbURL string) *netfault.Proxy {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	p := netfault.Start(t, u.Host)
	p.Cut()
	return p
}
