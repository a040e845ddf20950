package dga

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// ReplayFamilies are the DGA families the operational measurements hold
// out of training and inject into the client replay: wordlist schemes
// (suppobox, gozi, nymaim2, bigviktor), a fixed suffix with a changing
// prefix (banjori), pronounceable names (pushdo) and random letters and
// digits of several lengths and TLDs (necurs, qakbot, chinad,
// pykspa_improved).
var ReplayFamilies = []string{"suppobox", "gozi", "nymaim2", "bigviktor", "banjori", "pushdo", "necurs", "qakbot", "chinad", "pykspa_improved"}

// OpsOptions configure the operational measurements.
type OpsOptions struct {
	// Data is laid out like ../shared/data (dga/, benign/, dns/).
	Data string
	Seed uint64
	// HeldOut are the families held out of training (ReplayFamilies).
	HeldOut []string
	Synth   SynthOptions
	// DB takes the replay's alerts; Dir its files.
	DB  *registry.DB
	Dir string
}

// OpsResult is the report of both measurements.
type OpsResult struct {
	Data         string      `json:"data"`
	Seed         uint64      `json:"seed"`
	HeldOut      []string    `json:"held_out_families"`
	TrainRows    int         `json:"train_rows"`
	ValidRows    int         `json:"validation_rows"`
	NoiseDropped int         `json:"opendns_noise_dropped"`
	Detectors    []*Detector `json:"detectors"`
	Sources      []LogSource `json:"sources"`
	// LabelCheck tests the loopback capture's labels against the corpus.
	LabelCheck LabelCheck      `json:"loopback_label_check"`
	RealLogs   []RealLogResult `json:"real_logs"`
	Replay     *ReplayResult   `json:"client_replay"`
	// BurstReplay is the same clients with their DGA asking names in
	// bursts (SynthOptions.Burst 3–8) at the same hourly rates.
	BurstReplay *ReplayResult `json:"client_replay_bursts"`
	// NameOnlyReplay is Replay without the model's client threshold: only
	// names over the name threshold count toward a verdict (models
	// published before client thresholds).
	NameOnlyReplay *ReplayResult `json:"client_replay_without_client_threshold"`
	Seconds        float64       `json:"seconds"`
}

// RunOps measures what the default recipe alerts on real logs (distinct
// names of the loopback-unbound capture and the RITA http.log, beside the
// recipe before issue 13 and heiDGAF's) and what serve's client verdicts
// make of a replay of benign and infected clients. All models train on one
// split of the corpus, 80/10/10 with HeldOut families in test only.
// Progress goes to w.
func RunOps(ctx context.Context, o OpsOptions, w io.Writer) (*OpsResult, error) {
	start := time.Now()
	step := func(format string, a ...any) {
		fmt.Fprintf(w, "  [%5.0fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, a...))
	}
	c, err := LoadCorpus(o.Data)
	if err != nil {
		return nil, err
	}
	dropped, err := RemoveOpenDNSNoise(ctx, c, o.Seed)
	if err != nil {
		return nil, err
	}
	rows := append(append(append([]datasets.Row(nil), c.DGA...), c.Umbrella...), c.OpenDNS...)
	parts, err := datasets.Split(rows, o.Seed, o.HeldOut)
	if err != nil {
		return nil, err
	}
	train, valid := pick(rows, parts.Train), pick(rows, parts.Validation)
	res := &OpsResult{Data: o.Data, Seed: o.Seed, HeldOut: o.HeldOut, TrainRows: len(train), ValidRows: len(valid), NoiseDropped: len(dropped)}
	step("corpus: %d rows (%d OpenDNS noise names dropped), %d train, %d validation, held out: %v", len(rows), len(dropped), len(train), len(valid), o.HeldOut)

	loop, err := LoopbackSource(filepath.Join(o.Data, "dns", "loopback-unbound", "capture.dnstap"))
	if err != nil {
		return nil, err
	}
	rita, err := RITASource(filepath.Join(o.Data, "dns", "rita-valid-tsv", "http.log.gz"))
	if err != nil {
		return nil, err
	}
	res.Sources = []LogSource{loop, rita}
	res.LabelCheck = CheckLabels(loop, c)
	step("loopback capture: %d names labeled by response code, %d unlabeled; %d NXDOMAIN names in the benign lists, %d NOERROR names in the DGA list",
		len(loop.Names), loop.Unlabeled, res.LabelCheck.DGAInBenignLists, res.LabelCheck.BenignInDGAList)
	names := ScorableNames(loop, rita)

	art, th, err := TrainDefault(ctx, train, valid, o.Seed)
	threshold := th.Name
	if err != nil {
		return nil, fmt.Errorf("default recipe: %w", err)
	}
	def, err := DefaultDetector(art, threshold, names)
	if err != nil {
		return nil, err
	}
	step("default recipe trained: threshold %.4f, client threshold %.4f", threshold, th.Client)
	before, err := NamedRecipe("mlctl-noaug")
	if err != nil {
		return nil, err
	}
	bds, err := RecipeDetectors(ctx, before, "mlctl before issue 13 (no aug.)", train, valid, names, nil, o.Seed)
	if err != nil {
		return nil, err
	}
	step("recipe before issue 13 trained: threshold %.4f", bds[0].Threshold)
	half := 0.5
	hds, err := RecipeDetectors(ctx, XGBoostReference(), "heiDGAF (44 features, xgboost)", train, valid, names, &half, o.Seed)
	if err != nil {
		return nil, err
	}
	step("heiDGAF's recipe trained: best-F1 threshold %.4f", hds[0].Threshold)
	res.Detectors = append(append([]*Detector{def}, bds...), hds...)

	trained := make(map[string]bool, len(train))
	for _, r := range train {
		trained[r.Name] = true
	}
	for _, src := range res.Sources {
		for _, d := range res.Detectors {
			res.RealLogs = append(res.RealLogs, EvaluateLog(src, d, trained))
		}
	}

	var benign []LogQuery
	for _, src := range res.Sources {
		for _, n := range src.Names {
			if n.Label == 0 {
				benign = append(benign, n.LogQuery)
			}
		}
	}
	dgaNames := map[string][]string{}
	for _, r := range c.DGA {
		if slices.Contains(o.HeldOut, r.Family) {
			dgaNames[r.Family] = append(dgaNames[r.Family], r.Name)
		}
	}
	for run, burst := range [][2]int{{1, 1}, {3, 8}, {1, 1}} {
		so := o.Synth
		so.Burst = burst
		clients, lines, err := Synthesize(so, benign, dgaNames, o.HeldOut)
		if err != nil {
			return nil, err
		}
		rth := th
		if run == 2 {
			rth.Client = 0
		}
		alerts, counts, err := ReplayServing(ctx, o.DB, art, rth, o.Dir, lines)
		if err != nil {
			return nil, fmt.Errorf("client replay: %w", err)
		}
		rep := Outcome(clients, lines, alerts, counts)
		rep.Synth, rep.Families, rep.Threshold = so, o.HeldOut, threshold
		switch run {
		case 0:
			res.Replay = &rep
		case 1:
			res.BurstReplay = &rep
		default:
			res.NameOnlyReplay = &rep
		}
		step("client replay (DGA bursts %d-%d): %d lines, %d alerts", burst[0], burst[1], len(lines), len(alerts))
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

func pick(rows []datasets.Row, idx []int) []datasets.Row {
	out := make([]datasets.Row, len(idx))
	for i, j := range idx {
		out[i] = rows[j]
	}
	return out
}

// LabelCheck is how far a log's labels agree with the corpus.
type LabelCheck struct {
	// DGAInBenignLists counts names labeled DGA that Umbrella or OpenDNS
	// list; BenignInDGAList names labeled benign that the DGA list holds.
	DGAInBenignLists int `json:"dga_in_benign_lists"`
	BenignInDGAList  int `json:"benign_in_dga_list"`
	// BenignInBenignLists counts benign names Umbrella or OpenDNS list.
	BenignInBenignLists int `json:"benign_in_benign_lists"`
}

// CheckLabels compares src's labels with the corpus's lists.
func CheckLabels(src LogSource, c *Corpus) LabelCheck {
	benign := map[string]bool{}
	for _, r := range append(append([]datasets.Row(nil), c.Umbrella...), c.OpenDNS...) {
		benign[r.Name] = true
	}
	dga := map[string]bool{}
	for _, r := range c.DGA {
		dga[r.Name] = true
	}
	var lc LabelCheck
	for _, n := range src.Names {
		switch {
		case n.Label == 1 && benign[n.Name]:
			lc.DGAInBenignLists++
		case n.Label == 0 && dga[n.Name]:
			lc.BenignInDGAList++
		}
		if n.Label == 0 && benign[n.Name] {
			lc.BenignInBenignLists++
		}
	}
	return lc
}
