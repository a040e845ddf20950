package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/netfault"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/worker/temporaltest"
)

// lockedBuffer is a bytes.Buffer written by one goroutine and read by another.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestWorkerMetricsAndJSONLogs: `mlctl worker --metrics ADDR` on a real
// dev server runs a small training; its /metrics then shows the Temporal
// SDK's metrics (requests, the Train activity's latency), mlctl's own
// (one gbdt training succeeded, its rows, one evaluation) and the process
// and Go collectors' — and with --log-format json every line it logged,
// the SDK's included, is a JSON object with a level.
func TestWorkerMetricsAndJSONLogs(t *testing.T) {
	srv := temporaltest.Start(t)
	url := registrytest.NewDatabase(t)
	port, err := netfault.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	global := []string{"mlctl", "--db", url, "--temporal", srv.FrontendHostPort()}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	wctx, stopWorker := context.WithCancel(ctx)
	var logs lockedBuffer
	done := make(chan error, 1)
	go func() {
		app := App(io.Discard, &logs)
		done <- app.RunContext(wctx, append(global, "--log-format", "json", "worker", "--metrics", addr))
	}()
	defer func() {
		stopWorker()
		<-done
	}()
	scrape := func() string {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for deadline := time.Now().Add(time.Minute); scrape() == ""; time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("worker exited: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no /metrics on %s within a minute\n%s", addr, logs.String())
		}
	}

	cli := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		app := App(&out, &errOut)
		if err := app.RunContext(ctx, interspersed(app, append(append([]string{}, global...), args...))); err != nil {
			t.Fatalf("mlctl %s: %v\n%s\nworker:\n%s", strings.Join(args, " "), err, errOut.String(), logs.String())
		}
		return out.String()
	}
	corpus := filepath.Join(t.TempDir(), "names.csv")
	cli("dataset", "generate", "--rows", "600", "--seed", "3", "-o", corpus)
	cli("dataset", "ingest", "names", "--kind", "dga", "--file", corpus)
	var res struct {
		Model   string `json:"model"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal([]byte(cli("train", "--dataset", "names", "--algo", "gbdt", "--param", "rounds=5", "--wait", "--json")), &res); err != nil || res.Version != 1 {
		t.Fatalf("train result %+v: %v", res, err)
	}

	// The client sees the workflow's result as the worker's last task
	// completes; the worker counts it a moment later: scrape until the
	// SDK's workflow_completed is there (or 10 s).
	m := scrape()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); m = scrape() {
		if regexp.MustCompile(`(?m)^temporal_workflow_completed_total\{.*workflow_type="TrainModel".*\} 1$`).MatchString(m) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, want := range []string{
		`mlctl_trainings_started_total{algo="gbdt"} 1`,
		`mlctl_trainings_total{algo="gbdt",outcome="succeeded"} 1`,
		`mlctl_training_seconds_count{algo="gbdt"} 1`,
		`mlctl_evaluations_total{outcome="succeeded"} 1`,
		`mlctl_ingests_total{outcome="created"} 0`,
	} {
		if !strings.Contains(m, "\n"+want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	for _, re := range []string{
		`(?m)^mlctl_training_rows_total\{algo="gbdt"\} [1-9][0-9]*$`,
		`(?m)^temporal_request_total\{.*operation="RespondActivityTaskCompleted".*\} [1-9]`,
		`(?m)^temporal_long_request_total\{.*operation="PollActivityTaskQueue".*\} [1-9]`,
		`(?m)^temporal_activity_execution_latency_seconds_count\{.*activity_type="Train".*\} 1$`,
		`(?m)^temporal_workflow_completed_total\{.*workflow_type="TrainModel".*\} 1$`,
		`(?m)^temporal_worker_start_total\{.*task_queue="mlctl-training".*\} 1$`,
		`(?m)^process_cpu_seconds_total `,
		`(?m)^go_goroutines `,
		`(?m)^go_build_info\{`,
	} {
		if !regexp.MustCompile(re).MatchString(m) {
			t.Errorf("/metrics has no line matching %s", re)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", grepLines(m, "mlctl_", "temporal_"))
	}

	stopWorker()
	if err := <-done; err != nil {
		t.Fatalf("worker: %v", err)
	}
	done <- nil // for the deferred receive
	sawSDK := false
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("worker log line is not JSON: %q", line)
		}
		if rec["level"] == nil || rec["msg"] == nil || rec["time"] == nil {
			t.Fatalf("worker log line without time, level or msg: %q", line)
		}
		if rec["msg"] == "Started Worker" { // the SDK's
			sawSDK = true
		}
	}
	if !sawSDK {
		t.Fatalf("the SDK's \"Started Worker\" is not among the worker's JSON logs:\n%s", logs.String())
	}
}

// grepLines keeps the lines of s that start with one of prefixes.
func grepLines(s string, prefixes ...string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				fmt.Fprintln(&b, l)
				break
			}
		}
	}
	return b.String()
}
