// Command mlctl-bench runs mlctl's benchmarks side by side with the
// reference tools in one run, prints a table and writes it as JSON:
//
//   - GBDT training time vs xgboost 1.7 (tree_method=hist, same depth, eta,
//     rounds, max_bin; 1 and 2 threads) with both ROC-AUCs;
//   - scoring throughput (features + predict, domains/s) vs xgboost's batch
//     predict on the same rows;
//   - generalisation: models trained with whole DGA families or a benign
//     source held out, scored on what they never saw;
//   - forests: mlctl's random forest and isolation forest beside
//     scikit-learn's and golearn's on the same rows, with fit times,
//     ROC-AUCs and whether the same seed gives the same scores (golearn's
//     random forest on a random subset; -golearn-full adds all the rows);
//   - port-scan detection on the Stratosphere captures of ../shared/data/flows,
//     leave one capture out, mlctl's forests and sklearn's (bench/flows);
//   - DGA alerts on real logs and infected clients: distinct benign names
//     the default recipe alerts on real DNS logs (beside the recipe before
//     issue 13 and heiDGAF's), and a replay of benign and infected clients
//     through serve's pipeline with client verdicts (bench/dga RunOps);
//   - the LSTM vs torch 1.13.1 on one thread: training steps/s and
//     inference sequences/s on synthetic batches, and both ROC-AUCs on the
//     shared corpora's TXT records (bench/lstm);
//   - `mlctl tune` vs Optuna 3.1 + xgboost on the same folds and budget:
//     wall time, best objective, held-out families, one and two workers
//     (bench/tune).
//   - DNS tunnels (bench/tunnel): dns-domain windows, leave one tool out
//     beside RITA's C2-over-DNS rule, real benign logs, delay, throughput
//     and the exfiltration floor;
//   - the scale table (bench/scale): ingest, PostgreSQL bytes, training
//     time and peak memory of gbdt and rf at 1×, 4× and 16× rows (10M).
//
// Data: ../shared/data (DGA families + Umbrella benign) when present, else
// the demo generator; the flow benchmark needs ../shared/data/flows.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mlctl/mlctl/bench/corpora"
	dgabench "github.com/mlctl/mlctl/bench/dga"
	flowsbench "github.com/mlctl/mlctl/bench/flows"
	gbdtbench "github.com/mlctl/mlctl/bench/gbdt"
	lstmbench "github.com/mlctl/mlctl/bench/lstm"
	"github.com/mlctl/mlctl/bench/scale"
	servingbench "github.com/mlctl/mlctl/bench/serving"
	tunebench "github.com/mlctl/mlctl/bench/tune"
	tunnelbench "github.com/mlctl/mlctl/bench/tunnel"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/deploy/devenv"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/worker/temporaltest"
)

func main() {
	if scale.IsChild() {
		// A scale measurement's child process (bench/scale).
		os.Exit(scale.RunChild())
	}
	data := flag.String("data", "../shared/data", "directory laid out like ../shared/data")
	out := flag.String("out", "bench/out/bench.json", "JSON report")
	rounds := flag.Int("rounds", 100, "boosting rounds for the speed comparison")
	depth := flag.Int("depth", 6, "max_depth for the speed comparison")
	skipGen := flag.Bool("skip-generalisation", false, "skip the held-out family runs")
	onlyGen := flag.Bool("only-generalisation", false, "run only the held-out family runs")
	onlyTrees := flag.Bool("only-forests", false, "run only the random forest and isolation forest comparisons with sklearn")
	skipTrees := flag.Bool("skip-forests", false, "skip the random forest and isolation forest comparisons with sklearn")
	skipServing := flag.Bool("skip-serving", false, "skip the serving benchmark (mlctl serve under hey, wrk, dnstap and promotions)")
	onlyServing := flag.Bool("only-serving", false, "run only the serving benchmark")
	onlyFlows := flag.Bool("only-flows", false, "run only the port-scan detection benchmark on the Stratosphere captures (no database or Temporal)")
	skipFlows := flag.Bool("skip-flows", false, "skip the port-scan detection benchmark on the Stratosphere captures")
	onlyLSTM := flag.Bool("only-lstm", false, "run only the LSTM comparison with torch (speed on one thread, ROC-AUC on TXT records; no database or Temporal)")
	skipLSTM := flag.Bool("skip-lstm", false, "skip the LSTM comparison with torch")
	onlyDGAOps := flag.Bool("only-dga-ops", false, "run only the DGA alerts on real logs and the infected-client replay (needs ../shared/data and PostgreSQL)")
	skipDGAOps := flag.Bool("skip-dga-ops", false, "skip the DGA alerts on real logs and the infected-client replay")
	golearnRows := flag.Int("golearn-rows", 20000, "rows of the random subset on which the forest comparison also runs golearn's random forest beside mlctl's and sklearn's (0: none)")
	golearnFull := flag.Bool("golearn-full", false, "also fit golearn's random forest on all the rows (minutes)")
	golearnRepeats := flag.Int("golearn-repeats", 3, "fits of each golearn forest, seeded alike (at least 2 to tell whether the same seed gives the same scores)")
	golearnFullRepeats := flag.Int("golearn-full-repeats", 2, "fits of golearn's random forest on all the rows with -golearn-full, seeded alike, each given 10 minutes")
	onlyTune := flag.Bool("only-tune", false, "run only the tuning benchmark (mlctl tune with 1 and 2 workers vs Optuna + xgboost; needs PostgreSQL and bin/temporal)")
	skipTune := flag.Bool("skip-tune", false, "skip the tuning benchmark")
	tuneTrials := flag.Int("tune-trials", 50, "trials of each search in the tuning benchmark")
	tuneFraction := flag.Float64("tune-fraction", 0.5, "share of each DGA family and of the benign names the tuning benchmark keeps")
	tuneParallel := flag.Int("tune-parallel", 2, "mlctl tune --parallel in the tuning benchmark")
	onlyScale := flag.Bool("only-scale", false, "run only the scale table (ingest, PostgreSQL bytes, training time and peak memory at 1x, 4x, 16x rows; needs PostgreSQL)")
	skipScale := flag.Bool("skip-scale", false, "skip the scale table")
	scaleRows := flag.Int("scale-rows", 0, "rows at 1x of the scale table's ingest (default 625,000: 10M at 16x); training takes a quarter")
	onlyTunnels := flag.Bool("only-tunnels", false, "run only the DNS tunnel benchmark (dns-domain windows: leave one tool out beside RITA's C2-over-DNS rule, real benign logs, delay, throughput, exfiltration floor; captures real iodine and dns2tcp first when root)")
	skipTunnels := flag.Bool("skip-tunnels", false, "skip the DNS tunnel benchmark")
	tunnelCaptures := flag.String("tunnel-captures", ".dev/tunnelcap", "directory of the real tunnel captures (deploy/tunnels/capture.sh makes them when missing)")
	genSets := flag.String("gen-recipes", "mlctl,mlctl-noaug,heidgaf44-xgboost", "recipes of the generalisation runs (bench/dga: mlctl, mlctl-noaug, mlctl-nogen, mlctl-noreg, mlctl-nobenign, heidgaf44, heidgaf44-xgboost, lstm)")
	flag.Parse()
	cfg := config{data: *data, out: *out, rounds: *rounds, depth: *depth, skipGen: *skipGen, onlyGen: *onlyGen,
		genSets: strings.Split(*genSets, ","), skipServing: *skipServing, onlyServing: *onlyServing, onlyTrees: *onlyTrees, skipTrees: *skipTrees,
		onlyFlows: *onlyFlows, skipFlows: *skipFlows, onlyLSTM: *onlyLSTM, skipLSTM: *skipLSTM, onlyDGAOps: *onlyDGAOps, skipDGAOps: *skipDGAOps,
		forests:  forestOptions{golearnRows: *golearnRows, golearnFull: *golearnFull, golearnRepeats: *golearnRepeats, golearnFullRepeats: *golearnFullRepeats},
		onlyTune: *onlyTune, skipTune: *skipTune, tuneTrials: *tuneTrials, tuneFraction: *tuneFraction, tuneParallel: *tuneParallel,
		onlyScale: *onlyScale, skipScale: *skipScale, scaleRows: *scaleRows,
		onlyTunnels: *onlyTunnels, skipTunnels: *skipTunnels, tunnelCaptures: *tunnelCaptures}
	if err := run(context.Background(), cfg); err != nil {
		fmt.Fprintln(os.Stderr, "mlctl-bench:", err)
		os.Exit(1)
	}
}

// Report is the JSON the benchmark writes.
type Report struct {
	When           time.Time                  `json:"when"`
	Machine        string                     `json:"machine"`
	Data           string                     `json:"data"`
	Rows           int                        `json:"rows"`
	FeatureSet     string                     `json:"feature_set"`
	Features       int                        `json:"features"`
	FeatureFitSecs float64                    `json:"feature_fit_seconds"`
	Training       gbdtbench.Result           `json:"training"`
	Scoring        Scoring                    `json:"scoring"`
	Generalisation *Generalisation            `json:"generalisation,omitempty"`
	Serving        *servingbench.Result       `json:"serving,omitempty"`
	Forests        *Forests                   `json:"forests,omitempty"`
	Flows          *flowsbench.Result         `json:"flows,omitempty"`
	LSTM           *lstmbench.Result          `json:"lstm,omitempty"`
	DGAOps         *dgabench.OpsResult        `json:"dga_ops,omitempty"`
	Tuning         *tunebench.Result          `json:"tuning,omitempty"`
	Scale          *scale.Result              `json:"scale,omitempty"`
	Tunnels        *tunnelbench.Result        `json:"tunnels,omitempty"`
	Extra          map[string]json.RawMessage `json:"extra,omitempty"`
}

type config struct {
	data, out        string
	rounds, depth    int
	skipGen, onlyGen bool
	skipServing      bool
	onlyServing      bool
	onlyTrees        bool
	skipTrees        bool
	onlyFlows        bool
	skipFlows        bool
	onlyLSTM         bool
	skipLSTM         bool
	onlyDGAOps       bool
	skipDGAOps       bool
	onlyTune         bool
	skipTune         bool
	tuneTrials       int
	tuneFraction     float64
	tuneParallel     int
	onlyScale        bool
	skipScale        bool
	scaleRows        int
	onlyTunnels      bool
	skipTunnels      bool
	tunnelCaptures   string
	genSets          []string
	forests          forestOptions
}

func run(ctx context.Context, cfg config) error {
	dataDir, outPath, rounds, depth := cfg.data, cfg.out, cfg.rounds, cfg.depth
	if cfg.onlyFlows {
		// The flow captures only: no DGA rows to load.
		rep := Report{When: time.Now().UTC(), Machine: machine(), Data: dataDir}
		f, err := compareFlows(ctx, dataDir)
		if err != nil {
			return err
		}
		rep.Flows = f
		return writeReport(rep, outPath)
	}
	if cfg.onlyDGAOps {
		// Its own split of ../shared/data and PostgreSQL: no rows to load here.
		o, err := dgaOps(ctx, dataDir)
		if err != nil {
			return err
		}
		rep := Report{When: time.Now().UTC(), Machine: machine(), Data: dataDir, DGAOps: o}
		return writeReport(rep, outPath)
	}
	if cfg.onlyScale {
		// Its own generated rows and database: no DGA rows to load here.
		sc, err := scaleBench(ctx, dataDir, cfg.scaleRows)
		if err != nil {
			return err
		}
		rep := Report{When: time.Now().UTC(), Machine: machine(), Data: dataDir, Scale: sc}
		return writeReport(rep, outPath)
	}
	if cfg.onlyTunnels {
		// Generated networks, the real captures and the shared corpora's
		// capture: no DGA rows to load.
		t, err := tunnelbench.Run(ctx, dataDir, cfg.tunnelCaptures)
		if err != nil {
			return err
		}
		fmt.Println(t.Table())
		rep := Report{When: time.Now().UTC(), Machine: machine(), Data: dataDir, Tunnels: t}
		return writeReport(rep, outPath)
	}
	if cfg.onlyLSTM {
		// Synthetic batches and the TXT records only: no DGA rows to load.
		l, err := compareLSTM(ctx)
		if err != nil {
			return err
		}
		rep := Report{When: time.Now().UTC(), Machine: machine(), Data: l.Data, LSTM: l}
		return writeReport(rep, outPath)
	}
	rows, source, err := loadRows(dataDir)
	if err != nil {
		return err
	}
	fmt.Printf("data: %s, %d rows\n", source, len(rows))
	rep := Report{When: time.Now().UTC(), Machine: machine(), Data: source, Rows: len(rows)}

	if cfg.onlyTune {
		t, err := tuneBench(ctx, rows, cfg)
		if err != nil {
			return err
		}
		fmt.Println(t.Table())
		rep.Tuning = t
		return writeReport(rep, outPath)
	}
	if cfg.onlyServing {
		sv, err := servingBench(ctx, rows)
		if err != nil {
			return err
		}
		fmt.Println(sv.Table())
		rep.Serving = &sv
		return writeReport(rep, outPath)
	}
	if cfg.onlyTrees {
		f, err := compareForests(ctx, rows, cfg.forests)
		if err != nil {
			return err
		}
		rep.Forests = &f
		return writeReport(rep, outPath)
	}
	if cfg.onlyGen {
		g, err := generalisation(ctx, dataDir, cfg.genSets)
		if err != nil {
			return err
		}
		fmt.Println(g.Table())
		rep.Generalisation = g
		return writeReport(rep, outPath)
	}

	// Features fitted on every row (cross-fitted: each name's learned values
	// come from folds that did not see it), so both trainers get one matrix.
	t0 := time.Now()
	set, err := features.FitDomain(rows, features.DomainOptions{Seed: 1})
	if err != nil {
		return err
	}
	rep.FeatureFitSecs = time.Since(t0).Seconds()
	rep.FeatureSet, rep.Features = set.Name(), len(set.Names())
	names := make([]string, len(rows))
	y := make([]float32, len(rows))
	for i, r := range rows {
		names[i], y[i] = r.Name, float32(r.Label)
	}
	x := featureMatrix(set, names)

	p := gbdt.DefaultParams()
	p.Rounds, p.MaxDepth, p.Eta, p.MaxBin, p.Seed = rounds, depth, 0.3, 256, 1
	fmt.Printf("training: mlctl gbdt vs xgboost hist, %d rounds, depth %d, eta %.1f, max_bin %d\n", p.Rounds, p.MaxDepth, p.Eta, p.MaxBin)
	res, err := gbdtbench.Compare(ctx, x, y, p, []int{1, 2})
	if err != nil {
		return fmt.Errorf("training comparison: %w", err)
	}
	rep.Training = res
	fmt.Println(res.Table())

	sc, err := measureScoring(ctx, set, names, x, y, p, res)
	if err != nil {
		return err
	}
	rep.Scoring = sc
	fmt.Println(sc.Table())

	if !cfg.skipGen && source != "generator" {
		g, err := generalisation(ctx, dataDir, cfg.genSets)
		if err != nil {
			return err
		}
		rep.Generalisation = g
		fmt.Println(g.Table())
	}

	if !cfg.skipDGAOps {
		o, err := dgaOps(ctx, dataDir)
		if err != nil {
			return fmt.Errorf("DGA alerts on real logs (-skip-dga-ops runs without it): %w", err)
		}
		rep.DGAOps = o
	}
	if !cfg.skipTrees {
		f, err := compareForests(ctx, rows, cfg.forests)
		if err != nil {
			return fmt.Errorf("forest comparisons: %w", err)
		}
		rep.Forests = &f
	}
	if !cfg.skipFlows {
		f, err := compareFlows(ctx, dataDir)
		if err != nil {
			return fmt.Errorf("flow benchmark (-skip-flows runs without it): %w", err)
		}
		rep.Flows = f
	}
	if !cfg.skipLSTM {
		l, err := compareLSTM(ctx)
		if err != nil {
			return fmt.Errorf("LSTM comparison (-skip-lstm runs without it): %w", err)
		}
		rep.LSTM = l
	}
	if !cfg.skipTune && source != "generator" {
		t, err := tuneBench(ctx, rows, cfg)
		if err != nil {
			return fmt.Errorf("%w (-skip-tune runs without it)", err)
		}
		rep.Tuning = t
		fmt.Println(t.Table())
	}
	if !cfg.skipTunnels {
		t, err := tunnelbench.Run(ctx, dataDir, cfg.tunnelCaptures)
		if err != nil {
			return fmt.Errorf("tunnel benchmark (-skip-tunnels runs without it): %w", err)
		}
		fmt.Println(t.Table())
		rep.Tunnels = t
	}
	if !cfg.skipScale {
		sc, err := scaleBench(ctx, dataDir, cfg.scaleRows)
		if err != nil {
			return fmt.Errorf("scale table (-skip-scale runs without it): %w", err)
		}
		rep.Scale = sc
	}
	if !cfg.skipServing {
		sv, err := servingBench(ctx, rows)
		if err != nil {
			return fmt.Errorf("serving benchmark: %w", err)
		}
		rep.Serving = &sv
		fmt.Println(sv.Table())
	}
	return writeReport(rep, outPath)
}

// machine describes where the benchmark runs.
func machine() string {
	return fmt.Sprintf("%s/%s, %d cores", runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
}

func writeReport(rep Report, outPath string) error {
	if err := os.MkdirAll(filepath.Dir(outPath), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(outPath, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s\n", outPath)
	return nil
}

// loadRows reads dga/*.csv (label 1) and benign/umbrella-top-100k.txt
// (label 0) from dir, or generates a corpus when dir is absent.
func loadRows(dir string) ([]datasets.Row, string, error) {
	rows, err := corpora.DGA(dir)
	if errors.Is(err, corpora.ErrMissing) {
		fmt.Fprintf(os.Stderr, "mlctl-bench: %s not found; using the demo generator\n", dir)
		return datasets.GenerateDemo(1, 160000), "generator", nil
	}
	if err != nil {
		return nil, "", err
	}
	return rows, corpora.Describe(dir), nil
}

// servingBench runs the serving benchmark on the dev stack's PostgreSQL
// (`make up`) and a Temporal dev server of its own, with bin/mlctl.
func servingBench(ctx context.Context, rows []datasets.Row) (servingbench.Result, error) {
	root, err := devenv.RepoRoot()
	if err != nil {
		return servingbench.Result{}, err
	}
	server := os.Getenv("MLCTL_DATABASE_URL")
	if server == "" {
		server = devenv.Lookup(root, "MLCTL_DATABASE_URL")
	}
	if server == "" {
		return servingbench.Result{}, fmt.Errorf("no dev stack: run `make up` (or set MLCTL_DATABASE_URL)")
	}
	// A Temporal server of its own: a worker of the dev stack (`make demo`)
	// would otherwise take the bench's tasks.
	tctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	srv, err := temporaltest.StartServer(tctx, filepath.Join(root, "bin", "temporal"), io.Discard)
	if err != nil {
		return servingbench.Result{}, fmt.Errorf("start a Temporal dev server (`make tools` builds bin/temporal): %w", err)
	}
	defer srv.Stop()
	temporal := srv.FrontendHostPort()
	dir, err := os.MkdirTemp("", "mlctl-bench-serving-")
	if err != nil {
		return servingbench.Result{}, err
	}
	defer os.RemoveAll(dir)
	return servingbench.Run(ctx, servingbench.Options{Bin: filepath.Join(root, "bin", "mlctl"), Dir: dir, ServerURL: server, Temporal: temporal, Rows: rows})
}
