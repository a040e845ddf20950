package soak

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/mlctl/mlctl/bench/mlctlproc"
	"github.com/mlctl/mlctl/bench/stats"
	"github.com/mlctl/mlctl/internal/netfault"
)

// Run sets up the stack, trains and promotes the model, starts one scorer,
// loads it for o.Duration while sampling it, drains and stops it, and
// returns the report with its verdict. progress gets each stage and each
// sample as it happens. Cancelling ctx ends the load early (the report
// says so); the drain and the checks still run. An error means the soak
// could not be run or finished; a missed target is in the verdict.
func Run(ctx context.Context, o Options, progress io.Writer) (*Report, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	paths, err := freshPaths(o.Dir)
	if err != nil {
		return nil, err
	}
	c, err := loadCorpus(o.Data, o.TrainRows, o.Seed)
	if err != nil {
		return nil, err
	}
	r := &Report{When: time.Now().UTC(), Machine: fmt.Sprintf("%s/%s, %d cores", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		Data: c.source, Dir: o.Dir, Duration: o.Duration.String(), Interval: o.Interval.String(),
		Rates: Rates{HTTPPerSec: o.HTTPRate, NamesPerRequest: o.HTTPNames, ZeekPerSec: o.ZeekRate, DnstapPerSec: o.DnstapRate,
			DGAShare: o.DGAShare, Clients: o.Clients, Infected: o.Infected}}
	fmt.Fprintf(progress, "soak: %d benign and %d DGA names to send; a database on %s and a Temporal dev server of its own\n", len(c.benign), len(c.dga), mlctlproc.Redact(o.ServerURL))

	st, err := newStack(ctx, o)
	if err != nil {
		return nil, err
	}
	defer st.close()
	if r.Model, err = trainModel(ctx, st, c, o, progress); err != nil {
		return nil, err
	}

	zeek := &zeekFeed{path: paths.dnsLog, mix: newMix(c, o, 50, o.Seed), rate: o.ZeekRate}
	if err := zeek.create(); err != nil {
		return nil, err
	}
	addr, err := netfault.FreeAddr()
	if err != nil {
		return nil, err
	}
	scorer, err := st.Start("scorer.log", "serve", "--alias", "production", "--http", addr, "--zeek-dns", paths.dnsLog,
		"--dnstap", "unix:"+paths.sock, "--alerts", paths.alerts, "--state-dir", paths.state)
	if err != nil {
		return nil, err
	}
	if err := waitHealthy(addr, paths.sock, time.Minute); err != nil {
		return nil, fmt.Errorf("%w (see %s)", err, filepath.Join(o.Dir, "scorer.log"))
	}
	dnstap := &dnstapFeed{sock: paths.sock, mix: newMix(c, o, 60, o.Seed), rate: o.DnstapRate}
	load := newHTTPLoad(addr, o.HTTPRate, o.HTTPNames, newMix(c, o, 70, o.Seed))
	smp := &sampler{pid: scorer.PID(), addr: addr, load: load, zeek: zeek, dnstap: dnstap}
	smp.start = time.Now()
	if r.Idle, err = smp.sample(smp.start); err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "soak: scorer pid %d on %s serving %s; load for %s, a sample every %s\n%s\n", scorer.PID(), addr, r.Model.Ref, o.Duration, o.Interval, sampleHeader)

	// The load, sampled every interval until the duration is up.
	loadCtx, stopLoad := context.WithCancel(context.Background())
	feedErrs := make(chan error, 3)
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{zeek.run, dnstap.run, func(ctx context.Context) error { load.run(ctx); return nil }} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(loadCtx); err != nil {
				feedErrs <- err
			}
		}()
	}
	start := time.Now()
	smp.start = start
	tick := time.NewTicker(o.Interval)
	want := int(o.Duration / o.Interval)
sampling:
	for len(r.Samples) < want {
		select {
		case <-ctx.Done():
			r.Interrupted = true
			break sampling
		case err := <-feedErrs:
			r.Errors = append(r.Errors, err.Error())
			break sampling
		case now := <-tick.C:
			x, err := smp.sample(now)
			if err != nil {
				if scorer.Exited() {
					err = fmt.Errorf("the scorer exited during the load (%v): see %s", scorer.Err(), filepath.Join(o.Dir, "scorer.log"))
				}
				r.Errors = append(r.Errors, err.Error())
				break sampling
			}
			r.Samples = append(r.Samples, x)
			fmt.Fprintln(progress, x.row())
		}
	}
	tick.Stop()
	stopLoad()
	wg.Wait()
	r.Seconds = time.Since(start).Seconds()
	for done := false; !done; {
		select {
		case err := <-feedErrs:
			r.Errors = append(r.Errors, err.Error())
		default:
			done = true
		}
	}
	if scorer.Exited() {
		return r, fmt.Errorf("the scorer exited during the load (%v): see %s", scorer.Err(), filepath.Join(o.Dir, "scorer.log"))
	}

	// Drain, stop, count.
	post, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
	defer cancel()
	fmt.Fprintln(progress, "soak: load stopped; waiting for the scorer to drain")
	t0 := time.Now()
	zeekSent, dnstapSent := uint64(zeek.lines.Load()), uint64(dnstap.frames.Load())
	final, err := drain(addr, zeekSent, dnstapSent, 2*time.Minute)
	if err != nil {
		r.Errors = append(r.Errors, err.Error())
		if final == nil {
			return r, err
		}
	}
	r.Stop.DrainSeconds = time.Since(t0).Seconds()
	t0 = time.Now()
	inTime, exit := scorer.Stop(time.Minute)
	r.Stop.StopSeconds, r.Stop.InTime, r.Stop.Exit = time.Since(t0).Seconds(), inTime, exitText(exit)
	status, err := finalStatus(post, st)
	if err != nil {
		return r, err
	}
	r.Alerts = Alerts{Metrics: metricAlerts(final), Heartbeat: status.Counters.Alerts, Delivery: status.Counters.Delivery,
		Deduplicated: uint64(final["mlctl_alerts_deduplicated_total"])}
	reg, err := registryAlerts(post, st.dbURL, status.ID)
	if err != nil {
		return r, err
	}
	file, err := fileAlerts(paths.alerts)
	if err != nil {
		return r, err
	}
	r.Alerts.compare(reg, file)

	r.Inputs.Zeek = SourceResult{Sent: zeekSent}
	if s := status.Counters.ZeekDNS; s != nil {
		r.Inputs.Zeek.Scorer = *s
	}
	r.Inputs.Dnstap = SourceResult{Sent: dnstapSent, Unpackable: dnstap.unpackable.Load()}
	if s := status.Counters.Dnstap; s != nil {
		r.Inputs.Dnstap.Scorer = *s
	}
	all, requests, failed, errs := load.totals()
	r.Inputs.HTTP = HTTPResult{Requests: requests, Failed: failed, NamesScored: status.Counters.HTTPNamesScored, Errors: errs}
	if len(all) > 0 {
		r.Inputs.HTTP.P50Ms, r.Inputs.HTTP.P99Ms, r.Inputs.HTTP.MaxMs = stats.Percentile(all, 50), stats.Percentile(all, 99), stats.Percentile(all, 100)
	}
	r.Drift = computeDrift(r.Samples, time.Duration(len(r.Samples))*o.Interval, o.Interval)
	r.Verdict = judge(r)
	return r, nil
}

// runPaths are the files of one run.
type runPaths struct {
	dnsLog, sock, alerts, state string
}

// freshPaths names the run's files in dir and removes those a previous
// run left: the alerts file, the dnstap socket and the scorer's state
// directory (alerts spooled there would be delivered into this run).
func freshPaths(dir string) (runPaths, error) {
	p := runPaths{dnsLog: filepath.Join(dir, "dns.log"), sock: filepath.Join(dir, "dnstap.sock"),
		alerts: filepath.Join(dir, "alerts.jsonl"), state: filepath.Join(dir, "state")}
	if len(p.sock) > 100 {
		// A unix socket's path has at most 107 bytes.
		tmp, err := os.MkdirTemp("", "mlctl-soak-")
		if err != nil {
			return p, err
		}
		p.sock = filepath.Join(tmp, "dnstap.sock")
	}
	for _, f := range []string{p.alerts, p.sock, p.state} {
		if err := os.RemoveAll(f); err != nil {
			return p, fmt.Errorf("remove the previous run's %s: %w", f, err)
		}
	}
	return p, nil
}

// exitText says how a process exited: "exit 0", "exit status 1", "signal: killed".
func exitText(err error) string {
	if err == nil {
		return "exit 0"
	}
	var ee interface{ ExitCode() int }
	if errors.As(err, &ee) && ee.ExitCode() >= 0 {
		return fmt.Sprintf("exit %d", ee.ExitCode())
	}
	return err.Error()
}
