package servingbench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/internal/netfault"
)

// Options say what to run against.
type Options struct {
	// Bin is the mlctl binary; Dir a scratch directory.
	Bin, Dir string
	// ServerURL is a PostgreSQL server URL the bench may create a database
	// on; Temporal the dev server's host:port.
	ServerURL, Temporal string
	// Rows are the corpus (labeled names) to train on and to send.
	Rows []datasets.Row
	// Duration of each load run (default 10s).
	Duration time.Duration
	// Promotions to time (default 5).
	Promotions int
}

// Result is the serving benchmark's report.
type Result struct {
	Model     string  `json:"model"`
	TrainRows int     `json:"train_rows"`
	Single    Latency `json:"single_name_latency"`     // wrk, the run with the median p99
	SingleHey Latency `json:"single_name_latency_hey"` // hey, the run with the median p99
	// SingleBursts is the same rate from 57 wrk connections in phase.
	SingleBursts Latency   `json:"single_name_latency_bursts"`
	SingleRuns   []Latency `json:"single_name_runs"`
	// At500 is Single at 500 requests/s.
	At500 Latency `json:"single_name_latency_500_rps"`
	// Healthz is GET /healthz paced like Single in the same runs: the
	// same process and HTTP stack with no scoring, the loopback floor.
	Healthz   Latency      `json:"healthz_latency"`
	Batch     Throughput   `json:"batch_throughput"` // the run with the median names/s
	BatchRuns []Throughput `json:"batch_runs"`
	Dnstap    Dnstap       `json:"dnstap"`
	Promotion Promotion    `json:"promotion"`
	// Peer is mlctl serve and the scorer users build today (FastAPI +
	// uvicorn + XGBoost on heiDGAF's features, bench/serving/peer) under
	// the same load in the same run: mlctl first.
	Peer []Side `json:"side_by_side"`
	// Auth is the scorer with no authentication, with bearer tokens, and
	// with tokens over HTTPS, under the same load in the same run.
	Auth []AuthRun `json:"auth_overhead"`
	// Protocols are /v1/score and OIP infer on the same scorer.
	Protocols []Protocol `json:"protocols"`
}

// Promotion is how fast a promote reaches every scorer, under load.
type Promotion struct {
	Scorers       int       `json:"scorers"`
	Runs          int       `json:"runs"`
	ConfirmSecs   []float64 `json:"confirm_seconds"` // alias move → last scorer confirmed
	MedianSecs    float64   `json:"median_seconds"`
	MaxSecs       float64   `json:"max_seconds"`
	CommandSecs   []float64 `json:"promote_command_seconds"` // `mlctl promote --wait` wall time
	LoadRequests  int       `json:"requests_during_promotions"`
	LoadFailed    int       `json:"failed_requests_during_promotions"`
	LoadRate      int       `json:"load_requests_per_sec"`
	LoadP99Ms     float64   `json:"load_p99_ms"`
	VersionsMoved []string  `json:"versions"`
}

// Run trains two models through the real workflows, starts two scorers and
// measures them.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Duration <= 0 {
		o.Duration = 10 * time.Second
	}
	if o.Promotions <= 0 {
		o.Promotions = 5
	}
	res := Result{}
	s, err := newStack(ctx, o.Bin, o.Dir, o.ServerURL, o.Temporal)
	if err != nil {
		return res, err
	}
	defer s.close()
	if _, err := s.Run(ctx, "migrate"); err != nil {
		return res, err
	}
	if _, err := s.Start("worker.log", "worker"); err != nil {
		return res, err
	}
	rows := sample(o.Rows, 60000, 1)
	res.TrainRows = len(rows)
	corpus := filepath.Join(o.Dir, "corpus.csv")
	f, err := os.Create(corpus)
	if err != nil {
		return res, err
	}
	if err := datasets.WriteCSV(f, rows); err != nil {
		return res, err
	}
	f.Close()
	if _, err := s.Run(ctx, "dataset", "ingest", "bench", "--kind", "dga", "--file", corpus); err != nil {
		return res, err
	}
	for seed := 1; seed <= 2; seed++ {
		if _, err := s.Run(ctx, "train", "--dataset", "bench", "--model", "dga", "--seed", fmt.Sprint(seed), "--wait"); err != nil {
			return res, err
		}
	}
	res.Model = "dga (default recipe)"
	if _, err := s.Run(ctx, "promote", "dga@1", "--wait"); err != nil {
		return res, err
	}
	a, err := netfault.FreeAddr()
	if err != nil {
		return res, err
	}
	b, err := netfault.FreeAddr()
	if err != nil {
		return res, err
	}
	sock := filepath.Join(o.Dir, "dnstap.sock")
	if err := s.startScorer("scorer-a", a); err != nil {
		return res, err
	}
	if err := s.startScorer("scorer-b", b, "--dnstap", "unix:"+sock); err != nil {
		return res, err
	}

	names := make([]string, len(rows))
	var benign, dga []string
	for i, r := range rows {
		names[i] = r.Name
		if r.Label == 0 {
			benign = append(benign, r.Name)
		} else {
			dga = append(dga, r.Name)
		}
	}

	// 1. Single-name requests at 5,000/s.
	fmt.Fprintln(os.Stderr, "serving: wrk and hey, single names at 5,000 requests/s, 3 runs each")
	single := fmt.Sprintf(`{"names":[%q]}`, benign[0])
	var wrks, bursts, heys, floors []Latency
	for range 3 {
		f, err := wrkPaced(ctx, o.Dir, "http://"+a+"/healthz", "", 14, 2, o.Duration)
		if err != nil {
			return res, err
		}
		floors = append(floors, f)
		// 14 connections each waiting 2 ms between requests: about 5,000/s
		// once latency and wrk's timer granularity are added, smoothly.
		l, err := wrkPaced(ctx, o.Dir, "http://"+a+"/v1/score", single, 14, 2, o.Duration)
		if err != nil {
			return res, err
		}
		wrks = append(wrks, l)
		// The same rate in bursts: 57 connections each waiting 10 ms.
		if l, err = wrkPaced(ctx, o.Dir, "http://"+a+"/v1/score", single, 57, 10, o.Duration); err != nil {
			return res, err
		}
		bursts = append(bursts, l)
		if l, err = hey(ctx, "http://"+a+"/v1/score", single, 5000, 50, o.Duration); err != nil {
			return res, err
		}
		heys = append(heys, l)
	}
	res.Single, res.SingleBursts, res.SingleHey, res.Healthz = medianLatency(wrks), medianLatency(bursts), medianLatency(heys), medianLatency(floors)
	// 10 connections each waiting 20 ms: about 500/s.
	if res.At500, err = wrkPaced(ctx, o.Dir, "http://"+a+"/v1/score", single, 10, 20, o.Duration); err != nil {
		return res, err
	}
	res.SingleRuns = append(append(append(wrks, bursts...), heys...), floors...)
	if res.Auth, err = measureAuth(ctx, s, o.Dir, a, single, o.Duration); err != nil {
		return res, err
	}
	if res.Protocols, err = measureProtocols(ctx, o.Dir, a, "production", names, o.Duration); err != nil {
		return res, err
	}
	var auth strings.Builder
	authTable(&auth, res.Auth)
	protocolTable(&auth, res.Protocols)
	fmt.Fprint(os.Stderr, auth.String())
	// 2. Batches of 1,000 names as fast as they go.
	fmt.Fprintln(os.Stderr, "serving: wrk, batches of 1,000 names, 3 runs")
	batch, _ := json.Marshal(map[string][]string{"names": names[:1000]})
	for range 3 {
		t, err := wrk(ctx, o.Dir, "http://"+a+"/v1/score", string(batch), 1000, 1, 4, o.Duration)
		if err != nil {
			return res, err
		}
		res.BatchRuns = append(res.BatchRuns, t)
	}
	res.Batch = medianThroughput(res.BatchRuns)
	// 3. Side by side with the scorer users build today.
	fmt.Fprintln(os.Stderr, "serving: training and starting the peer (FastAPI + uvicorn + XGBoost, heiDGAF's 44 features)")
	pr, err := startPeer(ctx, o.Dir, rows)
	if err != nil {
		return res, err
	}
	peerName := fmt.Sprintf("FastAPI+uvicorn x%d, xgboost", PeerWorkers)
	res.Peer, err = compare(ctx, o.Dir, []string{"mlctl serve", peerName}, map[string]string{"mlctl serve": a, peerName: pr.addr}, names, o.Duration)
	pr.stop()
	if err != nil {
		return res, err
	}
	var side strings.Builder
	compareTable(&side, res.Peer)
	fmt.Fprint(os.Stderr, side.String())
	// 4. dnstap frames: benign traffic with 1% DGA queries.
	fmt.Fprintln(os.Stderr, "serving: dnstap frames")
	if res.Dnstap, err = measureDnstap(sock, b, benign, dga); err != nil {
		return res, err
	}
	// 5. Promotions under load on both scorers.
	fmt.Fprintln(os.Stderr, "serving: promotions under load")
	if res.Promotion, err = measurePromotions(ctx, s, []string{a, b}, single, o.Promotions); err != nil {
		return res, err
	}
	return res, nil
}

func measureDnstap(sock, addr string, benign, dga []string) (Dnstap, error) {
	r := rand.New(rand.NewPCG(3, 4))
	pick := func(n int) []string {
		names := make([]string, n)
		for i := range names {
			if r.IntN(100) == 0 {
				names[i] = dga[r.IntN(len(dga))]
			} else {
				names[i] = benign[r.IntN(len(benign))]
			}
		}
		return names
	}
	d := Dnstap{DGAShare: 0.01, Clients: 500}
	for _, rate := range []int{50000, 100000, 200000, 300000, 400000, 600000} {
		frames, err := dnstapFrames(pick(rate*3), d.Clients) // 3 seconds each
		if err != nil {
			return d, err
		}
		got, err := runDnstap(sock, addr, frames, rate)
		if err != nil {
			return d, err
		}
		dr := DnstapRate{Offered: rate, Frames: len(frames), Achieved: got.SendPerSec, Scored: got.Scored, Dropped: got.Dropped}
		d.Rates = append(d.Rates, dr)
		if dr.Dropped > 0 || dr.Achieved < 0.95*float64(rate) {
			break
		}
		d.SustainedPerSec = rate
	}
	frames, err := dnstapFrames(pick(300000), d.Clients)
	if err != nil {
		return d, err
	}
	d.Burst, err = runDnstap(sock, addr, frames, 0)
	return d, err
}

// runDnstap sends frames at rate and waits until the scorer has accounted
// for every one (scored, skipped, bad or dropped).
func runDnstap(sock, addr string, frames [][]byte, rate int) (DnstapBurst, error) {
	n := len(frames)
	before, err := scrape(addr)
	if err != nil {
		return DnstapBurst{}, err
	}
	start := time.Now()
	sendTime, err := sendDnstap(sock, frames, rate)
	if err != nil {
		return DnstapBurst{}, fmt.Errorf("send dnstap: %w", err)
	}
	key := func(m string) string { return m + `{source="dnstap"}` }
	delta := func(after map[string]float64, m string) float64 { return after[m] - before[m] }
	var after map[string]float64
	for {
		if after, err = scrape(addr); err != nil {
			return DnstapBurst{}, err
		}
		prefiltered := 0.0
		for k, v := range after {
			if strings.HasPrefix(k, "mlctl_prefiltered_total{") && strings.Contains(k, `source="dnstap"`) {
				prefiltered += v - before[k]
			}
		}
		done := delta(after, key("mlctl_source_scored_total")) + delta(after, key("mlctl_source_dropped_total")) +
			delta(after, key("mlctl_source_skipped_total")) + delta(after, key("mlctl_source_bad_total")) + prefiltered
		if int(done) >= n {
			break
		}
		if time.Since(start) > 2*time.Minute {
			return DnstapBurst{}, fmt.Errorf("dnstap: only %.0f of %d frames accounted for after 2 minutes (read %.0f, parsed %.0f, scored %.0f, prefiltered %.0f, skipped %.0f, bad %.0f, dropped %.0f)",
				done, n, delta(after, key("mlctl_source_read_total")), delta(after, key("mlctl_source_parsed_total")), delta(after, key("mlctl_source_scored_total")), prefiltered,
				delta(after, key("mlctl_source_skipped_total")), delta(after, key("mlctl_source_bad_total")), delta(after, key("mlctl_source_dropped_total")))
		}
		time.Sleep(10 * time.Millisecond)
	}
	el := time.Since(start).Seconds()
	b := DnstapBurst{Frames: n, SendSeconds: sendTime.Seconds(), SendPerSec: float64(n) / sendTime.Seconds(), ScoredSeconds: el, FramesPerSec: float64(n) / el,
		Scored:       uint64(delta(after, key("mlctl_source_scored_total"))),
		Dropped:      uint64(delta(after, key("mlctl_source_dropped_total"))),
		AlertsRaised: uint64(delta(after, `mlctl_alerts_total{kind="name"}`))}
	b.ScoredPerSec = float64(b.Scored) / el
	return b, nil
}

// measurePromotions promotes dga@2 and dga@1 in turn (forced: the timing is
// the point, not the gate) while hey loads both scorers at 2,500
// single-name requests/s each.
func measurePromotions(ctx context.Context, s *stack, addrs []string, body string, runs int) (Promotion, error) {
	p := Promotion{Scorers: len(addrs), Runs: runs, LoadRate: 2500 * len(addrs)}
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	lats := make([]Latency, len(addrs))
	errs := make([]error, len(addrs))
	d := time.Duration(runs)*3*time.Second + 4*time.Second
	for i, a := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lats[i], errs[i] = hey(lctx, "http://"+a+"/v1/score", body, 2500, 25, d)
		}()
	}
	time.Sleep(2 * time.Second)
	for i := range runs {
		v := 2 - i%2
		start := time.Now()
		out, err := s.Run(ctx, "promote", fmt.Sprintf("dga@%d", v), "--force", "--reason", "bench: promotion timing", "--wait", "--json")
		if err != nil {
			return p, err
		}
		p.CommandSecs = append(p.CommandSecs, time.Since(start).Seconds())
		var r struct {
			To        string `json:"to"`
			Confirmed struct {
				Scorers []json.RawMessage `json:"scorers"`
				Seconds float64           `json:"seconds"`
			} `json:"confirmed"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			return p, fmt.Errorf("promote answer %q: %w", out, err)
		}
		if len(r.Confirmed.Scorers) != len(addrs) {
			return p, fmt.Errorf("promote %s: %d scorers confirmed, want %d", r.To, len(r.Confirmed.Scorers), len(addrs))
		}
		p.ConfirmSecs = append(p.ConfirmSecs, r.Confirmed.Seconds)
		p.VersionsMoved = append(p.VersionsMoved, r.To)
		time.Sleep(2 * time.Second)
	}
	wg.Wait()
	for i := range addrs {
		if errs[i] != nil {
			return p, errs[i]
		}
		p.LoadRequests += lats[i].Requests
		p.LoadFailed += lats[i].Failed
		p.LoadP99Ms = max(p.LoadP99Ms, lats[i].P99Ms)
	}
	sorted := slices.Clone(p.ConfirmSecs)
	slices.Sort(sorted)
	p.MedianSecs, p.MaxSecs = sorted[len(sorted)/2], sorted[len(sorted)-1]
	return p, nil
}

// sample takes up to n rows, stratified by nothing but a seeded shuffle.
func sample(rows []datasets.Row, n int, seed uint64) []datasets.Row {
	if len(rows) <= n {
		return rows
	}
	r := rand.New(rand.NewPCG(seed, seed+1))
	idx := r.Perm(len(rows))[:n]
	slices.Sort(idx)
	out := make([]datasets.Row, n)
	for i, j := range idx {
		out[i] = rows[j]
	}
	return out
}

// Table prints the result for people.
func (r Result) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "serving (mlctl serve, %s, %d training rows), loopback, 2 scorers:\n", r.Model, r.TrainRows)
	q := r.At500
	fmt.Fprintf(&b, "  single names at 500/s, %s: %.0f req/s, p50 %.3f ms, p99 %.3f ms\n", q.Tool, q.Rate, q.P50Ms, q.P99Ms)
	h := r.Healthz
	fmt.Fprintf(&b, "  floor: GET /healthz (no scoring), same process, %s: %.0f req/s, p50 %.3f ms, p99 %.3f ms\n", h.Tool, h.Rate, h.P50Ms, h.P99Ms)
	for _, s := range []Latency{r.Single, r.SingleBursts, r.SingleHey} {
		fmt.Fprintf(&b, "  single names, %s, median of 3 runs by p99: %.0f req/s, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms (target <= 2 ms), max %.1f ms, failed %d of %d\n",
			s.Tool, s.Rate, s.P50Ms, s.P90Ms, s.P99Ms, s.MaxMs, s.Failed, s.Requests)
	}
	t := r.Batch
	fmt.Fprintf(&b, "  batches of %d, wrk -t%d -c%d, median of 3: %.0f req/s = %.0f names/s (target >= 500,000), non-2xx %d\n",
		t.Batch, t.Threads, t.Connections, t.Requests, t.NamesPerSec, t.Non2xx)
	authTable(&b, r.Auth)
	protocolTable(&b, r.Protocols)
	compareTable(&b, r.Peer)
	d := r.Dnstap
	fmt.Fprintf(&b, "  dnstap over one Frame Streams connection (1%% DGA, %d clients): sustained %d frames/s with nothing dropped (offered:", d.Clients, d.SustainedPerSec)
	for _, x := range d.Rates {
		fmt.Fprintf(&b, " %dk sent %.0fk/s dropped %d;", x.Offered/1000, x.Achieved/1000, x.Dropped)
	}
	u := d.Burst
	fmt.Fprintf(&b, ")\n    burst of %d frames as fast as one connection sends (%.0f/s): %.0f frames/s accounted, %d scored (%.0f/s), %d dropped, %d alerts\n",
		u.Frames, u.SendPerSec, u.FramesPerSec, u.Scored, u.ScoredPerSec, u.Dropped, u.AlertsRaised)
	p := r.Promotion
	fmt.Fprintf(&b, "  promote to %d scorers, %d runs under %d req/s: alias move -> last scorer confirmed median %.3f s, max %.3f s (target <= 1 s); `promote --wait` median %.2f s; failed requests %d of %d (p99 %.3f ms)\n",
		p.Scorers, p.Runs, p.LoadRate, p.MedianSecs, p.MaxSecs, medianOf(p.CommandSecs), p.LoadFailed, p.LoadRequests, p.LoadP99Ms)
	return b.String()
}

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
