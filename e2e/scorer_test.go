package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// scorer is an `mlctl serve` process.
type scorer struct {
	t    *testing.T
	cmd  *exec.Cmd
	log  *syncBuffer
	addr string // HTTP address, "" without --http
}

// syncBuffer is a bytes.Buffer safe for a process writing while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startScorer runs `mlctl serve` with args and, with an HTTP address, waits
// until it answers /metrics.
func (s *stack) startScorer(http string, args ...string) *scorer {
	s.t.Helper()
	return s.startScorerEnv(s.env(), http, args...)
}

// startScorerEnv is startScorer with the process's environment.
func (s *stack) startScorerEnv(env []string, http string, args ...string) *scorer {
	s.t.Helper()
	all := []string{"serve", "--heartbeat", "500ms"}
	if http != "" {
		all = append(all, "--http", http)
	}
	all = append(all, args...)
	cmd := exec.Command(mlctlBin, all...)
	cmd.Env = env
	cmd.Dir = s.dir
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("start scorer: %v", err)
	}
	sc := &scorer{t: s.t, cmd: cmd, log: log, addr: http}
	s.t.Cleanup(func() {
		if sc.cmd.ProcessState == nil {
			syscall.Kill(-sc.cmd.Process.Pid, syscall.SIGCONT)
			syscall.Kill(-sc.cmd.Process.Pid, syscall.SIGKILL)
			sc.cmd.Wait()
		}
		if s.t.Failed() {
			s.t.Logf("scorer %s log:\n%s", http, log.String())
		}
	})
	if http != "" {
		deadline := time.Now().Add(20 * time.Second)
		for {
			resp, err := httpClient.Get("http://" + http + "/metrics")
			if err == nil {
				resp.Body.Close()
				break
			}
			if time.Now().After(deadline) {
				s.t.Fatalf("scorer on %s did not answer: %v\n%s", http, err, log.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return sc
}

// stop sends SIGTERM and waits for a clean exit.
func (sc *scorer) stop() {
	sc.t.Helper()
	syscall.Kill(sc.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- sc.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			sc.t.Fatalf("scorer exited with %v after SIGTERM\n%s", err, sc.log.String())
		}
	case <-time.After(30 * time.Second):
		sc.t.Fatalf("scorer did not stop within 30s of SIGTERM\n%s", sc.log.String())
	}
}

var httpClient = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// health is /healthz's answer.
type health struct {
	Model   string `json:"model"`
	Version int    `json:"version"`
	SHA256  string `json:"sha256"`
}

func (sc *scorer) health() (health, int) {
	sc.t.Helper()
	resp, err := httpClient.Get("http://" + sc.addr + "/healthz")
	if err != nil {
		sc.t.Fatalf("healthz: %v", err)
	}
	defer resp.Body.Close()
	var h health
	json.NewDecoder(resp.Body).Decode(&h)
	return h, resp.StatusCode
}

// waitVersion waits until the scorer serves the version.
func (sc *scorer) waitVersion(v int, within time.Duration) {
	sc.t.Helper()
	deadline := time.Now().Add(within)
	for {
		h, _ := sc.health()
		if h.Version == v {
			return
		}
		if time.Now().After(deadline) {
			sc.t.Fatalf("scorer %s serves version %d, want %d\n%s", sc.addr, h.Version, v, sc.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// trainModels ingests a generated corpus and trains n small models of the
// same name (versions 1..n), each with another seed.
func (s *stack) trainModels(name string, n int) []string {
	s.t.Helper()
	corpus := filepath.Join(s.dir, "corpus.csv")
	s.run("dataset", "generate", "--rows", "6000", "--seed", "5", "-o", corpus)
	s.run("dataset", "ingest", "corpus", "--kind", "dga", "--file", corpus)
	var shas []string
	for i := 1; i <= n; i++ {
		var res struct {
			Version int    `json:"version"`
			SHA256  string `json:"sha256"`
		}
		mustJSON(s.t, s.run("train", "--dataset", "corpus", "--model", name, "--param", "rounds=20", "--seed", fmt.Sprint(i), "--wait", "--json"), &res)
		if res.Version != i {
			s.t.Fatalf("trained %s@%d, want version %d", name, res.Version, i)
		}
		shas = append(shas, res.SHA256)
	}
	return shas
}

// rollout is `promote/rollback --wait --json`'s answer.
type rollout struct {
	Alias     string `json:"alias"`
	From      string `json:"from"`
	To        string `json:"to"`
	SHA256    string `json:"sha256"`
	Confirmed struct {
		Scorers []struct {
			ID    string  `json:"id"`
			After float64 `json:"seconds_after_move"`
		} `json:"scorers"`
		Seconds float64 `json:"seconds"`
	} `json:"confirmed"`
	WorkflowID string `json:"workflow_id"`
}

// load sends single-name requests at a fixed rate to the scorers, round
// robin, until stopped, and counts what went wrong.
type load struct {
	mu       sync.Mutex
	sent     int
	failed   []string
	versions map[int]int
	stop     chan struct{}
	done     chan struct{}
}

func startLoad(addrs []string, perSecond int) *load {
	l := &load{versions: map[int]int{}, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		tick := time.NewTicker(time.Second / time.Duration(perSecond))
		defer tick.Stop()
		var wg sync.WaitGroup
		defer wg.Wait()
		for i := 0; ; i++ {
			select {
			case <-l.stop:
				return
			case <-tick.C:
			}
			wg.Add(1)
			go func(addr string, i int) {
				defer wg.Done()
				body := fmt.Sprintf(`{"names":["host%d.example.com","xkqwjzprtmvb%d.net"]}`, i, i)
				resp, err := httpClient.Post("http://"+addr+"/v1/score", "application/json", strings.NewReader(body))
				l.mu.Lock()
				defer l.mu.Unlock()
				l.sent++
				if err != nil {
					l.failed = append(l.failed, err.Error())
					return
				}
				defer resp.Body.Close()
				var r struct {
					Version int `json:"version"`
					Results []struct {
						Score *float64 `json:"score"`
					} `json:"results"`
				}
				if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&r) != nil || len(r.Results) != 2 || r.Results[0].Score == nil {
					l.failed = append(l.failed, fmt.Sprintf("status %d", resp.StatusCode))
					return
				}
				l.versions[r.Version]++
			}(addrs[i%len(addrs)], i)
		}
	}()
	return l
}

func (l *load) finish() (sent int, failed []string, versions map[int]int) {
	close(l.stop)
	<-l.done
	return l.sent, l.failed, l.versions
}

// TestPromoteRollbackAcrossScorers: two real scorer processes follow the
// alias; promote and rollback swap them with no restart and no failed
// request under a fixed-rate load; a corrupted artifact is refused and the
// old model keeps serving; a scorer that cannot confirm makes the rollout
// restore the previous model.
func TestPromoteRollbackAcrossScorers(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	shas := s.trainModels("dga", 3)

	a, b := s.startScorer(freeAddr(t), "--alias", "production", "--max-inputs", "300000"), s.startScorer(freeAddr(t), "--alias", "production")
	if _, code := a.health(); code != http.StatusServiceUnavailable {
		t.Fatalf("healthz before any model: %d, want 503", code)
	}

	var r rollout
	mustJSON(t, s.run("promote", "dga@1", "--wait", "--json"), &r)
	if r.To != "dga@1" || r.SHA256 != shas[0] || len(r.Confirmed.Scorers) != 2 {
		t.Fatalf("first promote: %+v", r)
	}
	a.waitVersion(1, time.Second)
	b.waitVersion(1, time.Second)

	// A fixed-rate load across both scorers during a promotion and a rollback.
	l := startLoad([]string{a.addr, b.addr}, 200)
	time.Sleep(500 * time.Millisecond)
	mustJSON(t, s.run("promote", "dga@2", "--force", "--reason", "e2e: newer seed", "--wait", "--json"), &r)
	if r.From != "dga@1" || r.To != "dga@2" || len(r.Confirmed.Scorers) != 2 {
		t.Fatalf("promote dga@2: %+v", r)
	}
	t.Logf("promote dga@2: every scorer confirmed %.3f s after the alias moved", r.Confirmed.Seconds)
	for _, sc := range []*scorer{a, b} {
		if h, _ := sc.health(); h.Version != 2 || h.SHA256 != shas[1] {
			t.Fatalf("after promote, scorer %s serves %+v", sc.addr, h)
		}
	}
	time.Sleep(500 * time.Millisecond)
	mustJSON(t, s.run("rollback", "--wait", "--json"), &r)
	if r.From != "dga@2" || r.To != "dga@1" || len(r.Confirmed.Scorers) != 2 {
		t.Fatalf("rollback: %+v", r)
	}
	time.Sleep(500 * time.Millisecond)
	sent, failed, versions := l.finish()
	if len(failed) > 0 {
		t.Fatalf("%d of %d requests failed during promote and rollback: %v", len(failed), sent, failed[:min(5, len(failed))])
	}
	if versions[1] == 0 || versions[2] == 0 {
		t.Fatalf("responses by version %v: want both 1 and 2", versions)
	}
	t.Logf("load: %d requests during promote+rollback, none failed, by version %v", sent, versions)

	// The history records every change, who made it and why.
	var hist []struct {
		Action, From, To, By, Reason string
		WorkflowID                   string `json:"workflow_id"`
	}
	for _, line := range strings.Split(strings.TrimSpace(s.run("aliases", "history", "--alias", "production", "--json")), "\n") {
		var h struct {
			Action, From, To, By, Reason string
			WorkflowID                   string `json:"workflow_id"`
		}
		mustJSON(t, line, &h)
		hist = append(hist, h)
	}
	if len(hist) != 3 || hist[0].Action != "rollback" || hist[1].Action != "promote" || hist[1].Reason != "e2e: newer seed" ||
		hist[2].To != "dga@1" || hist[2].From != "" || !strings.HasPrefix(hist[0].WorkflowID, "rollback-production-") || hist[0].By == "" {
		t.Fatalf("history %+v", hist)
	}
	// The rollout is findable in the web UI by its alias.
	resp, err := s.client.WorkflowService().ListWorkflowExecutions(context.Background(), listRequest(`MlctlAlias = "production"`))
	if err != nil || len(resp.Executions) < 3 {
		t.Fatalf("workflows by MlctlAlias: %v, %d", err, len(resp.GetExecutions()))
	}

	// A corrupted artifact: the rollout fails at verification, the alias
	// and the scorers stay on dga@1.
	if _, err := s.db.Pool().Exec(context.Background(),
		`UPDATE models SET artifact = overlay(artifact PLACING '\x00'::bytea FROM 200 FOR 1) WHERE name = 'dga' AND version = 2`); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := s.try("promote", "dga@2", "--force", "--reason", "corrupted on purpose", "--wait")
	if code := exitCode(err); code != 4 || !strings.Contains(stderr, "checksum") {
		t.Fatalf("promote of a corrupted artifact: exit %d, stderr %q", code, stderr)
	}
	for _, sc := range []*scorer{a, b} {
		if h, _ := sc.health(); h.Version != 1 {
			t.Fatalf("after a corrupted promote, scorer %s serves %+v", sc.addr, h)
		}
	}
	var cur struct {
		Version int `json:"version"`
	}
	mustJSON(t, s.run("aliases", "--alias", "production", "--json"), &cur)
	if cur.Version != 1 {
		t.Fatalf("alias moved to version %d on a corrupted artifact", cur.Version)
	}

	// A scorer that cannot confirm (stopped): the rollout restores dga@1.
	syscall.Kill(b.cmd.Process.Pid, syscall.SIGSTOP)
	_, stderr, err = s.try("promote", "dga@3", "--force", "--reason", "one scorer is frozen", "--confirm-timeout", "2s", "--wait")
	syscall.Kill(b.cmd.Process.Pid, syscall.SIGCONT)
	if err == nil || !strings.Contains(stderr, "restored") || !strings.Contains(stderr, "did not load dga@3") {
		t.Fatalf("promote with a frozen scorer: err %v, stderr %q", err, stderr)
	}
	mustJSON(t, s.run("aliases", "--alias", "production", "--json"), &cur)
	if cur.Version != 1 {
		t.Fatalf("alias at version %d after a failed rollout; want dga@1 restored", cur.Version)
	}
	a.waitVersion(1, 5*time.Second)
	b.waitVersion(1, 5*time.Second)
	hist = hist[:0]
	out := s.run("aliases", "history", "--alias", "production", "--json")
	if !strings.Contains(strings.SplitN(out, "\n", 2)[0], `"action":"restore"`) {
		t.Fatalf("newest history row is not the restore:\n%s", out)
	}

	// serve status lists both scorers, live, on dga@1 with counters.
	var st []struct {
		ID       string          `json:"id"`
		Model    string          `json:"model"`
		Live     bool            `json:"live"`
		Counters json.RawMessage `json:"counters"`
	}
	for _, line := range strings.Split(strings.TrimSpace(s.run("serve", "status", "--json")), "\n") {
		var x struct {
			ID       string          `json:"id"`
			Model    string          `json:"model"`
			Live     bool            `json:"live"`
			Counters json.RawMessage `json:"counters"`
		}
		mustJSON(t, line, &x)
		st = append(st, x)
	}
	if len(st) != 2 || !st[0].Live || !st[1].Live || st[0].Model != "dga@1" || st[1].Model != "dga@1" {
		t.Fatalf("serve status %+v", st)
	}

	// SIGTERM while a large request is being scored: it still gets its
	// whole answer, then the scorer exits cleanly and is marked stopped.
	big := make([]string, 300000)
	for i := range big {
		big[i] = fmt.Sprintf("host%d.example%d.com", i, i%97)
	}
	body, _ := json.Marshal(map[string][]string{"names": big})
	answered := make(chan string, 1)
	go func() {
		resp, err := httpClient.Post("http://"+a.addr+"/v1/score", "application/json", bytes.NewReader(body))
		if err != nil {
			answered <- err.Error()
			return
		}
		defer resp.Body.Close()
		var r struct {
			Results []json.RawMessage `json:"results"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 || len(r.Results) != len(big) {
			answered <- fmt.Sprintf("status %d, %d results, %v", resp.StatusCode, len(r.Results), err)
			return
		}
		answered <- ""
	}()
	time.Sleep(200 * time.Millisecond)
	a.stop()
	if msg := <-answered; msg != "" {
		t.Fatalf("request in flight at SIGTERM: %s", msg)
	}
	b.stop()
	out = s.run("serve", "status", "--json")
	if strings.Count(out, `"stopped_at"`) != 2 || strings.Contains(out, `"live":true`) {
		t.Fatalf("after SIGTERM serve status says:\n%s", out)
	}
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	return -1
}
