package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/gbdt"
)

// Holdout is one generalisation run: DGA families held out of training and
// scored against benign names never seen in training.
type Holdout struct {
	Protocol       string             `json:"protocol"`
	FeatureSet     string             `json:"feature_set"`
	Families       []string           `json:"held_out_families"`
	TestPositives  int                `json:"test_positives"`
	TestNegatives  int                `json:"test_negatives"`
	AUC            float64            `json:"auc_roc"`
	RecallAt1PctFP float64            `json:"recall_at_1pct_fpr"`
	FamilyRecall   map[string]float64 `json:"family_recall_at_1pct_fpr"`
}

// Protocols of the generalisation runs.
const (
	// unseenFamilies: benign rows of both lists split at random (10% test),
	// a fifth of the DGA families held out entirely.
	unseenFamilies = "unseen-families"
	// unseenSource: as above, and the OpenDNS list kept out of training
	// entirely and used as the test negatives (a benign source never seen).
	// OpenDNS's 2014 list contains some DGA names, which caps this protocol.
	unseenSource = "unseen-families+source"
)

// generalisation trains mlctl's default recipe five times per protocol and
// feature set ("lstm" stands for the character LSTM), each time with a
// fifth of the DGA families held out.
func generalisation(ctx context.Context, dir string, rows []datasets.Row, params map[string]string, sets []string) ([]Holdout, error) {
	zero := 0
	od, err := datasets.ReadDGA(filepath.Join(dir, "benign", "opendns-top-10k.txt"), datasets.ReadOptions{Label: &zero, Family: "opendns"})
	if err != nil {
		return nil, err
	}
	dga := map[string]bool{}
	for _, r := range rows {
		if r.Label == 1 {
			dga[r.Name] = true
		}
	}
	all := append([]datasets.Row(nil), rows...)
	for _, r := range od.Rows {
		if !dga[r.Name] {
			all = append(all, r)
		}
	}
	all, _, _ = datasets.Merge(&datasets.Read{Rows: all})
	_, byFamily := datasets.Counts(all)
	var fams []string
	for f := range byFamily {
		if f != "umbrella" && f != "opendns" && f != "" {
			fams = append(fams, f)
		}
	}
	sort.Strings(fams)
	groups := make([][]string, 5)
	for i, f := range fams {
		groups[i%5] = append(groups[i%5], f)
	}
	var out []Holdout
	for _, proto := range []string{unseenFamilies, unseenSource} {
		for gi, g := range groups {
			for _, setName := range sets {
				fmt.Printf("generalisation: %s, fold %d/5 (%d families held out), %s ...\n", proto, gi+1, len(g), setName)
				h, err := holdoutRun(ctx, all, g, proto, setName, params)
				if err != nil {
					return nil, err
				}
				out = append(out, h)
			}
		}
	}
	return out, nil
}

func holdoutRun(ctx context.Context, rows []datasets.Row, fams []string, proto, setName string, params map[string]string) (Holdout, error) {
	parts, err := datasets.Split(rows, 1, fams)
	if err != nil {
		return Holdout{}, err
	}
	held := map[string]bool{}
	for _, f := range fams {
		held[f] = true
	}
	var train []datasets.Row
	for _, i := range parts.Train {
		if proto == unseenSource && rows[i].Family == "opendns" {
			continue
		}
		train = append(train, rows[i])
	}
	var valid []datasets.Row
	for _, i := range parts.Validation {
		if proto != unseenSource || rows[i].Family != "opendns" {
			valid = append(valid, rows[i])
		}
	}
	var set features.Set = features.Heidgaf44()
	if setName == "domain" {
		d, err := features.FitDomain(train, features.DomainOptions{Seed: 1})
		if err != nil {
			return Holdout{}, err
		}
		set = d
	}
	var testNames []string
	var labels []int
	var families []string
	add := func(r datasets.Row) {
		testNames = append(testNames, r.Name)
		labels = append(labels, r.Label)
		families = append(families, r.Family)
	}
	for _, i := range parts.Test {
		if held[rows[i].Family] || (proto == unseenFamilies && rows[i].Label == 0) {
			add(rows[i])
		}
	}
	if proto == unseenSource {
		for _, r := range rows {
			if r.Family == "opendns" {
				add(r)
			}
		}
	}
	pos := 0
	for _, l := range labels {
		pos += l
	}
	var scores []float64
	if setName == "lstm" {
		if scores, err = lstmHoldoutScores(ctx, train, valid, testNames); err != nil {
			return Holdout{}, err
		}
	} else if scores, err = gbdtHoldoutScores(ctx, set, train, testNames, params); err != nil {
		return Holdout{}, err
	}
	recall, th := eval.RecallAtFPR(scores, labels, 0.01)
	h := Holdout{Protocol: proto, FeatureSet: setName, Families: fams, TestPositives: pos, TestNegatives: len(labels) - pos,
		AUC: eval.ROCAUC(scores, labels), RecallAt1PctFP: recall, FamilyRecall: map[string]float64{}}
	for _, fr := range eval.Evaluate(scores, labels, families, th).FamilyRecall {
		h.FamilyRecall[fr.Family] = fr.Recall
	}
	return h, nil
}

// gbdtHoldoutScores trains mlctl's default gbdt recipe on train's features
// and scores test.
func gbdtHoldoutScores(ctx context.Context, set features.Set, train []datasets.Row, test []string, params map[string]string) ([]float64, error) {
	names := make([]string, len(train))
	y := make([]float32, len(train))
	for i, r := range train {
		names[i], y[i] = r.Name, float32(r.Label)
	}
	p, _, err := activities.GBDTParams(params, 1, train)
	if err != nil {
		return nil, err
	}
	model, err := gbdt.Train(ctx, featureMatrix(set, names), y, p, gbdt.Options{})
	if err != nil {
		return nil, err
	}
	scores := make([]float64, len(test))
	if err := model.Predict(featureMatrix(set, test), scores); err != nil {
		return nil, err
	}
	return scores, nil
}

func holdoutTable(hs []Holdout) string {
	var b strings.Builder
	fmt.Fprintln(&b, "generalisation: a fifth of the DGA families held out of training (5 folds), scored against benign names never seen in training")
	fmt.Fprintf(&b, "  %-24s %-5s %-10s %8s %8s %9s %s\n", "protocol", "fold", "features", "pos", "neg", "auc_roc", "recall@1%FPR")
	type key struct{ proto, set string }
	mean := map[key][3]float64{}
	var keys []key
	fold := map[key]int{}
	for _, h := range hs {
		k := key{h.Protocol, h.FeatureSet}
		fold[k]++
		fmt.Fprintf(&b, "  %-24s %-5d %-10s %8d %8d %9.4f %.3f\n", h.Protocol, fold[k], h.FeatureSet, h.TestPositives, h.TestNegatives, h.AUC, h.RecallAt1PctFP)
		m, ok := mean[k]
		if !ok {
			keys = append(keys, k)
		}
		m[0] += h.AUC
		m[1] += h.RecallAt1PctFP
		m[2]++
		mean[k] = m
	}
	for _, k := range keys {
		m := mean[k]
		fmt.Fprintf(&b, "  %-24s mean  %-10s %17s %9.4f %.3f\n", k.proto, k.set, "", m[0]/m[2], m[1]/m[2])
	}
	sets := setsOf(hs)
	if len(sets) < 2 {
		return b.String()
	}
	fmt.Fprintf(&b, "  per-family recall at 1%% FPR, unseen-families protocol (%s):\n", strings.Join(sets, " / "))
	for i := 0; i+len(sets) <= len(hs) && hs[i].Protocol == unseenFamilies; i += len(sets) {
		var fams []string
		for f := range hs[i].FamilyRecall {
			fams = append(fams, f)
		}
		sort.Strings(fams)
		for _, f := range fams {
			vals := make([]string, len(sets))
			for j := range sets {
				vals[j] = fmt.Sprintf("%.3f", hs[i+j].FamilyRecall[f])
			}
			fmt.Fprintf(&b, "    %-22s %s\n", f, strings.Join(vals, " / "))
		}
	}
	return b.String()
}

func setsOf(hs []Holdout) []string {
	var out []string
	seen := map[string]bool{}
	for _, h := range hs {
		if !seen[h.FeatureSet] {
			seen[h.FeatureSet] = true
			out = append(out, h.FeatureSet)
		}
	}
	return out
}
