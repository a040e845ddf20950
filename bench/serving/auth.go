package servingbench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlctl/mlctl/internal/netfault"
)

// AuthRun is single names at about 5,000 requests/s against one scorer
// configuration: the run with the median p99 of 3, interleaved with the
// other configurations' runs.
type AuthRun struct {
	Config  string  `json:"config"`
	Latency Latency `json:"single_name_5000_rps"`
}

// authConfig is a scorer started for the overhead runs.
type authConfig struct {
	name, scheme, addr string
	args, headers      []string
}

// measureAuth starts two more scorers of the alias, one taking bearer
// tokens (--http-tokens) and one taking them over HTTPS (--tls-cert), and
// loads them and the plain scorer at plain in turn.
func measureAuth(ctx context.Context, s *stack, dir, plain, single string, d time.Duration) ([]AuthRun, error) {
	tokens := filepath.Join(dir, "tokens")
	out, err := s.Run(ctx, "serve", "token", "bench", "--file", tokens)
	if err != nil {
		return nil, err
	}
	token := strings.TrimSpace(out)
	cert, key, err := selfSignedCert(dir)
	if err != nil {
		return nil, err
	}
	bearer := "Authorization: Bearer " + token
	configs := []authConfig{
		{name: "no auth, HTTP", scheme: "http", addr: plain},
		{name: "bearer token, HTTP", scheme: "http", args: []string{"--http-tokens", tokens}, headers: []string{bearer}},
		{name: "bearer token, HTTPS (TLS 1.3, P-256)", scheme: "https", args: []string{"--http-tokens", tokens, "--tls-cert", cert, "--tls-key", key}, headers: []string{bearer}},
	}
	for i := range configs[1:] {
		c := &configs[i+1]
		if c.addr, err = netfault.FreeAddr(); err != nil {
			return nil, err
		}
		p, err := s.startScorerAt(fmt.Sprintf("scorer-auth-%d", i), c.scheme, c.addr, c.headers, c.args...)
		if err != nil {
			return nil, err
		}
		// Stopped once measured: the promotions count the alias's scorers.
		defer p.Stop(10 * time.Second)
	}
	runs := make([][]Latency, len(configs))
	for run := range 3 {
		fmt.Fprintf(os.Stderr, "serving: auth and TLS overhead, run %d of 3\n", run+1)
		for i, c := range configs {
			l, err := wrkPaced(ctx, dir, c.scheme+"://"+c.addr+"/v1/score", single, 14, 2, d, c.headers...)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", c.name, err)
			}
			if l.Failed > 0 {
				return nil, fmt.Errorf("%s: %d of %d requests failed (refused credentials?)", c.name, l.Failed, l.Requests)
			}
			runs[i] = append(runs[i], l)
		}
	}
	res := make([]AuthRun, len(configs))
	for i, c := range configs {
		res[i] = AuthRun{Config: c.name, Latency: medianLatency(runs[i])}
	}
	return res, nil
}

// authTable prints the runs with each one's p99 over the plain scorer's.
func authTable(b *strings.Builder, runs []AuthRun) {
	if len(runs) == 0 {
		return
	}
	base := runs[0].Latency.P99Ms
	fmt.Fprintf(b, "  auth and TLS overhead, single names at ~5,000/s (wrk, 14 connections each waiting 2 ms, median of 3 by p99):\n")
	for _, r := range runs {
		l := r.Latency
		fmt.Fprintf(b, "    %-38s %6.0f req/s  p50 %.3f ms  p99 %.3f ms  (p99 ratio to no auth %.2f)  failed %d\n", r.Config, l.Rate, l.P50Ms, l.P99Ms, l.P99Ms/base, l.Failed)
	}
}
