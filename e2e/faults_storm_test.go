package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/procstat"
)

// rssSampler reads a process's resident set size from /proc every few
// milliseconds and keeps the largest it saw.
type rssSampler struct {
	pid  int
	mu   sync.Mutex
	peak int64 // bytes
	stop chan struct{}
	done chan struct{}
}

func startRSSSampler(pid int) *rssSampler {
	r := &rssSampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			if v, err := procstat.Status(pid, "VmRSS"); err == nil {
				r.mu.Lock()
				r.peak = max(r.peak, v)
				r.mu.Unlock()
			}
			select {
			case <-r.stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return r
}

// finish stops sampling and returns the largest VmRSS seen.
func (r *rssSampler) finish() int64 {
	close(r.stop)
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peak
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/1e6) }

// namesBody is {"names":[...]} of n names made by name(i).
func namesBody(n int, name func(i int) string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"names":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		b.WriteString(name(i))
		b.WriteByte('"')
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// stormPerRequest is the memory README (Serving, "Memory per request")
// allows each request in flight: RSS stays under about idle +
// --max-in-flight × 75 MB.
const stormPerRequest = 75_000_000

// TestRequestStormRSS sends a real scorer (`mlctl serve --http`, --max-in-flight 4)
// a storm: 8 concurrent requests of 1,000,000 names each (10 times
// --max-inputs; each is answered 413 as soon as its 100,001st name is
// decoded, the rest of its body read and dropped) beside 8 concurrent
// requests at the limit (100,000 names of 160 bytes, a 16.3 MB body, near
// --max-body). Clients answered 503 retry after Retry-After, so every
// request is eventually read. The scorer's RSS, sampled from /proc and
// its high-water mark, stays under README's bound: idle + --max-in-flight
// × 75 MB.
func TestRequestStormRSS(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	s.trainModels("dga", 1)
	s.run("promote", "dga@1", "--wait")
	const inFlight = 4
	sc := s.startScorer(freeAddr(t), "--alias", "production", "--max-in-flight", strconv.Itoa(inFlight))
	sc.waitVersion(1, 30*time.Second)
	pid := sc.cmd.Process.Pid
	loaded, err := procstat.Status(pid, "VmRSS")
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := scoreOnce(t, sc.addr, 0); code != 200 {
		t.Fatalf("a first score request: %d", code)
	}
	idle, err := procstat.Status(pid, "VmRSS")
	if err != nil {
		t.Fatal(err)
	}
	bound := idle + inFlight*stormPerRequest
	anon, _ := procstat.Status(pid, "RssAnon")
	file, _ := procstat.Status(pid, "RssFile")

	// 1,000,000 names of 6 to 11 bytes: 12.9 MB, under --max-body, so the
	// whole body is read and the client gets its 413 on a clean connection.
	storm := namesBody(1_000_000, func(i int) string { return "n" + strconv.Itoa(i) + ".io" })
	long := strings.Repeat("abcdefghij", 6)[:60]
	limit := namesBody(100_000, func(i int) string { return fmt.Sprintf("%08d.%s.%s.%s.com", i, long, long, long[:25]) })
	t.Logf("bodies: 1,000,000 names %s, 100,000 names at the limit %s; RSS with the model loaded %s, idle after one request %s (anonymous %s, file-backed %s), bound %s",
		mb(int64(len(storm))), mb(int64(len(limit))), mb(loaded), mb(idle), mb(anon), mb(file), mb(bound))

	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	type outcome struct {
		code, results, retries int
		took                   time.Duration
		err                    error
	}
	send := func(body []byte) outcome {
		began := time.Now()
		var o outcome
		for deadline := began.Add(90 * time.Second); ; o.retries++ {
			resp, err := client.Post("http://"+sc.addr+"/v1/score", "application/json", bytes.NewReader(body))
			if err != nil {
				o.err = err
				return o
			}
			var r struct {
				Results []json.RawMessage `json:"results"`
			}
			if resp.StatusCode == 200 {
				o.err = json.NewDecoder(resp.Body).Decode(&r)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			o.code, o.results, o.took = resp.StatusCode, len(r.Results), time.Since(began)
			if resp.StatusCode != http.StatusServiceUnavailable || time.Now().After(deadline) {
				return o
			}
			time.Sleep(time.Duration(atoiOr(resp.Header.Get("Retry-After"), 1)) * time.Second)
		}
	}

	rss := startRSSSampler(pid)
	began := time.Now()
	var wg sync.WaitGroup
	stormOut, limitOut := make([]outcome, 8), make([]outcome, 8)
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); stormOut[i] = send(storm) }()
		go func() { defer wg.Done(); limitOut[i] = send(limit) }()
	}
	wg.Wait()
	took := time.Since(began)
	peak := rss.finish()
	hwm, err := procstat.Status(pid, "VmHWM")
	if err != nil {
		t.Fatal(err)
	}
	after, _ := procstat.Status(pid, "VmRSS")

	retries := 0
	var slowest413 time.Duration
	fastest413 := time.Hour
	for i, o := range stormOut {
		if o.err != nil || o.code != http.StatusRequestEntityTooLarge {
			t.Errorf("1,000,000-name request %d: status %d, error %v, want 413", i, o.code, o.err)
		}
		retries += o.retries
		slowest413 = max(slowest413, o.took)
		if o.retries == 0 {
			fastest413 = min(fastest413, o.took)
		}
	}
	for i, o := range limitOut {
		if o.err != nil || o.code != 200 || o.results != 100_000 {
			t.Errorf("100,000-name request %d: status %d, %d results, error %v, want 200 with 100,000 results", i, o.code, o.results, o.err)
		}
		retries += o.retries
	}
	best := "none had a slot at once"
	if fastest413 < time.Hour {
		best = fastest413.Round(time.Millisecond).String() + " at best (a slot at once)"
	}
	t.Logf("storm of 16 requests answered in %s (%d retries after 503); 413 after %s, %s at worst (retries included)",
		took.Round(time.Millisecond), retries, best, slowest413.Round(time.Millisecond))
	t.Logf("scorer RSS: idle %s, peak sampled %s, high-water mark %s, after %s; per request in flight (peak - idle) / %d = %s; bound idle + %d × 75 MB = %s",
		mb(idle), mb(peak), mb(hwm), mb(after), inFlight, mb((max(peak, hwm)-idle)/inFlight), inFlight, mb(bound))
	if hwm > bound || peak > bound {
		t.Fatalf("scorer RSS peaked at %s (high-water mark %s), over the README's bound of idle %s + %d × 75 MB = %s",
			mb(peak), mb(hwm), mb(idle), inFlight, mb(bound))
	}
	if m := sc.srcMetric(`mlctl_http_rejected_total{reason="too_many_inputs"}`); m != 8 {
		t.Fatalf("mlctl_http_rejected_total{reason=\"too_many_inputs\"} = %v, want 8", m)
	}
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 {
		return n
	}
	return def
}
