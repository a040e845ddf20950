package servingbench

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Latency is what one hey run measured.
type Latency struct {
	Tool        string  `json:"tool"`
	URL         string  `json:"url"`
	TargetRate  int     `json:"target_requests_per_sec"`
	Rate        float64 `json:"achieved_requests_per_sec"`
	Requests    int     `json:"requests"`
	Failed      int     `json:"failed"` // transport errors and non-200 answers
	P50Ms       float64 `json:"p50_ms"`
	P90Ms       float64 `json:"p90_ms"`
	P99Ms       float64 `json:"p99_ms"`
	P999Ms      float64 `json:"p99_9_ms"`
	MaxMs       float64 `json:"max_ms"`
	Seconds     float64 `json:"seconds"`
	Connections int     `json:"connections"`
}

// hey runs Debian's hey at a fixed rate (workers × per-worker QPS) for d
// against url with body, and reads every request's latency from its CSV.
func hey(ctx context.Context, url, body string, rate, workers int, d time.Duration) (Latency, error) {
	bodyFile, err := os.CreateTemp("", "mlctl-hey-*.json")
	if err != nil {
		return Latency{}, err
	}
	defer os.Remove(bodyFile.Name())
	bodyFile.WriteString(body)
	bodyFile.Close()
	cmd := exec.CommandContext(ctx, "hey", "-z", d.String(), "-c", strconv.Itoa(workers), "-q", strconv.Itoa(rate/workers),
		"-m", "POST", "-T", "application/json", "-D", bodyFile.Name(), "-o", "csv", url)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return Latency{}, err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return Latency{}, fmt.Errorf("hey: %w (`make nettools` installs it)", err)
	}
	var lat []float64
	failed, requests := 0, 0
	last := 0.0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		// response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
		f := strings.Split(sc.Text(), ",")
		if len(f) < 8 {
			continue
		}
		rt, err1 := strconv.ParseFloat(f[0], 64)
		code, err2 := strconv.Atoi(f[6])
		off, err3 := strconv.ParseFloat(f[7], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			continue // the header
		}
		requests++
		if code != 200 {
			failed++
		}
		lat = append(lat, rt*1000)
		last = max(last, off+rt)
	}
	if err := cmd.Wait(); err != nil {
		return Latency{}, fmt.Errorf("hey: %w: %s", err, stderr.String())
	}
	// hey's CSV lists completed requests only; errors are in its summary.
	if m := regexp.MustCompile(`(?m)Error distribution:\s*\n((?:\s+\[\d+\].*\n?)+)`).FindStringSubmatch(stderr.String()); m != nil {
		for _, l := range strings.Split(strings.TrimSpace(m[1]), "\n") {
			var n int
			fmt.Sscanf(strings.TrimSpace(l), "[%d]", &n)
			failed += n
			requests += n
		}
	}
	if len(lat) == 0 {
		return Latency{}, fmt.Errorf("hey made no requests: %s", stderr.String())
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return Latency{Tool: "hey", URL: url, TargetRate: rate, Rate: float64(len(lat)) / last, Requests: requests, Failed: failed,
		P50Ms: q(0.50), P90Ms: q(0.90), P99Ms: q(0.99), P999Ms: q(0.999), MaxMs: lat[len(lat)-1], Seconds: last, Connections: workers}, nil
}

// Throughput is what one wrk run measured.
type Throughput struct {
	Tool        string  `json:"tool"`
	Batch       int     `json:"names_per_request"`
	Requests    float64 `json:"requests_per_sec"`
	NamesPerSec float64 `json:"names_per_sec"`
	Connections int     `json:"connections"`
	Threads     int     `json:"threads"`
	Non2xx      int     `json:"non_2xx"`
	Seconds     float64 `json:"seconds"`
}

// wrk runs Debian's wrk (closed loop, as fast as it goes) posting body.
func wrk(ctx context.Context, dir, url, body string, batch, threads, conns int, d time.Duration) (Throughput, error) {
	bodyPath := dir + "/wrk-body.json"
	if err := os.WriteFile(bodyPath, []byte(body), 0o644); err != nil {
		return Throughput{}, err
	}
	script := dir + "/wrk-post.lua"
	lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nlocal f = io.open(%q)\nwrk.body = f:read(\"*a\")\nf:close()\n", bodyPath)
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		return Throughput{}, err
	}
	out, err := exec.CommandContext(ctx, "wrk", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", d.String(), "-s", script, url).CombinedOutput()
	if err != nil {
		return Throughput{}, fmt.Errorf("wrk: %w (`make nettools` installs it)\n%s", err, out)
	}
	m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		return Throughput{}, fmt.Errorf("wrk printed no Requests/sec:\n%s", out)
	}
	rps, _ := strconv.ParseFloat(string(m[1]), 64)
	t := Throughput{Tool: "wrk", Batch: batch, Requests: rps, NamesPerSec: rps * float64(batch), Connections: conns, Threads: threads, Seconds: d.Seconds()}
	if m := regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`).FindSubmatch(out); m != nil {
		t.Non2xx, _ = strconv.Atoi(string(m[1]))
	}
	return t, nil
}

// wrkPaced runs Debian's wrk with each of conns connections waiting
// delayMs between a response and its next request (wrk's Lua delay()), and
// reads wrk's latency percentiles. Few connections with short waits give a
// smooth stream; many with long waits arrive in bursts of conns at once
// (they stay in phase), which queue and show in the tail.
//
// headers are "Name: value" lines added to every request.
func wrkPaced(ctx context.Context, dir, url, body string, conns, delayMs int, d time.Duration, headers ...string) (Latency, error) {
	bodyPath := dir + "/wrk-paced-body.json"
	if err := os.WriteFile(bodyPath, []byte(body), 0o644); err != nil {
		return Latency{}, err
	}
	script := dir + "/wrk-paced.lua"
	rate := conns * 1000 / delayMs
	lua := fmt.Sprintf("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nlocal f = io.open(%q)\nwrk.body = f:read(\"*a\")\nf:close()\nfunction delay() return %d end\n", bodyPath, delayMs)
	if body == "" { // a GET
		lua = fmt.Sprintf("function delay() return %d end\n", delayMs)
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		lua += fmt.Sprintf("wrk.headers[%q] = %q\n", name, value)
	}
	if err := os.WriteFile(script, []byte(lua), 0o644); err != nil {
		return Latency{}, err
	}
	out, err := exec.CommandContext(ctx, "wrk", "-t", "1", "-c", strconv.Itoa(conns), "-d", d.String(), "--latency", "-s", script, url).CombinedOutput()
	if err != nil {
		return Latency{}, fmt.Errorf("wrk: %w (`make nettools` installs it)\n%s", err, out)
	}
	l := Latency{Tool: fmt.Sprintf("wrk, %d connections each waiting %d ms", conns, delayMs), TargetRate: rate, Connections: conns, Seconds: d.Seconds(), URL: url}
	pct := map[string]*float64{"50%": &l.P50Ms, "90%": &l.P90Ms, "99%": &l.P99Ms}
	for _, m := range regexp.MustCompile(`(?m)^\s+(50%|90%|99%)\s+([0-9.]+)(us|ms|s)\s*$`).FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		switch string(m[3]) {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		*pct[string(m[1])] = v
	}
	if m := regexp.MustCompile(`Latency\s+[0-9.]+\w+\s+[0-9.]+\w+\s+([0-9.]+)(us|ms|s)`).FindSubmatch(out); m != nil {
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		l.MaxMs = map[string]float64{"us": v / 1000, "ms": v, "s": v * 1000}[string(m[2])]
	}
	if m := regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`).FindSubmatch(out); m != nil {
		l.Rate, _ = strconv.ParseFloat(string(m[1]), 64)
	}
	if m := regexp.MustCompile(`(\d+) requests in`).FindSubmatch(out); m != nil {
		l.Requests, _ = strconv.Atoi(string(m[1]))
	}
	if m := regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)`).FindSubmatch(out); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		l.Failed += n
	}
	if m := regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`).FindSubmatch(out); m != nil {
		for _, g := range m[1:] {
			n, _ := strconv.Atoi(string(g))
			l.Failed += n
		}
	}
	if l.P99Ms == 0 {
		return l, fmt.Errorf("wrk printed no latency distribution:\n%s", out)
	}
	return l, nil
}

// medianLatency returns the run with the median p99.
func medianLatency(runs []Latency) Latency {
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b Latency) int { return cmp.Compare(a.P99Ms, b.P99Ms) })
	return s[len(s)/2]
}

// medianThroughput returns the run with the median names/s.
func medianThroughput(runs []Throughput) Throughput {
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b Throughput) int { return cmp.Compare(a.NamesPerSec, b.NamesPerSec) })
	return s[len(s)/2]
}
