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

// Holdout is one generalisation run: DGA families held out of training, and
// a benign source (OpenDNS) never seen in training, scored together.
type Holdout struct {
	FeatureSet     string             `json:"feature_set"`
	Families       []string           `json:"held_out_families"`
	TestPositives  int                `json:"test_positives"`
	TestNegatives  int                `json:"test_negatives"`
	AUC            float64            `json:"auc_roc"`
	RecallAt1PctFP float64            `json:"recall_at_1pct_fpr"`
	FamilyRecall   map[string]float64 `json:"family_recall_at_1pct_fpr"`
}

// generalisation trains mlctl's default recipe (and heidgaf44's for
// comparison) five times, each time with a fifth of the DGA families held
// out, and scores the held-out families against OpenDNS names that are not
// in the training rows.
func generalisation(ctx context.Context, dir string, rows []datasets.Row) ([]Holdout, error) {
	zero := 0
	od, err := datasets.ReadDGA(filepath.Join(dir, "benign", "opendns-top-10k.txt"), datasets.ReadOptions{Label: &zero, Family: "opendns"})
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, r := range rows {
		known[r.Name] = true
	}
	var unseenBenign []string
	for _, r := range od.Rows {
		if !known[r.Name] {
			unseenBenign = append(unseenBenign, r.Name)
		}
	}
	_, byFamily := datasets.Counts(rows)
	var fams []string
	for f := range byFamily {
		if f != "umbrella" && f != "" {
			fams = append(fams, f)
		}
	}
	sort.Strings(fams)
	groups := make([][]string, 5)
	for i, f := range fams {
		groups[i%5] = append(groups[i%5], f)
	}
	var out []Holdout
	for gi, g := range groups {
		for _, setName := range []string{"domain", "heidgaf44"} {
			fmt.Printf("generalisation: fold %d/5 (%d families held out), %s ...\n", gi+1, len(g), setName)
			h, err := holdoutRun(ctx, rows, g, unseenBenign, setName)
			if err != nil {
				return nil, err
			}
			out = append(out, h)
		}
	}
	return out, nil
}

func holdoutRun(ctx context.Context, rows []datasets.Row, fams []string, benign []string, setName string) (Holdout, error) {
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
		train = append(train, rows[i])
	}
	var set features.Set = features.Heidgaf44()
	if setName == "domain" {
		d, err := features.FitDomain(train, features.DomainOptions{Seed: 1})
		if err != nil {
			return Holdout{}, err
		}
		set = d
	}
	names := make([]string, len(train))
	y := make([]float32, len(train))
	for i, r := range train {
		names[i], y[i] = r.Name, float32(r.Label)
	}
	p, _, err := activities.GBDTParams(nil, 1, train)
	if err != nil {
		return Holdout{}, err
	}
	model, err := gbdt.Train(ctx, featureMatrix(set, names), y, p, gbdt.Options{})
	if err != nil {
		return Holdout{}, err
	}
	var testNames []string
	var labels []int
	var families []string
	for _, i := range parts.Test {
		if held[rows[i].Family] {
			testNames = append(testNames, rows[i].Name)
			labels = append(labels, 1)
			families = append(families, rows[i].Family)
		}
	}
	pos := len(testNames)
	for _, n := range benign {
		testNames = append(testNames, n)
		labels = append(labels, 0)
		families = append(families, "opendns")
	}
	scores := make([]float64, len(testNames))
	if err := model.Predict(featureMatrix(set, testNames), scores); err != nil {
		return Holdout{}, err
	}
	recall, th := eval.RecallAtFPR(scores, labels, 0.01)
	h := Holdout{FeatureSet: setName, Families: fams, TestPositives: pos, TestNegatives: len(benign),
		AUC: eval.ROCAUC(scores, labels), RecallAt1PctFP: recall, FamilyRecall: map[string]float64{}}
	for _, fr := range eval.Evaluate(scores, labels, families, th).FamilyRecall {
		h.FamilyRecall[fr.Family] = fr.Recall
	}
	return h, nil
}

func holdoutTable(hs []Holdout) string {
	var b strings.Builder
	fmt.Fprintln(&b, "generalisation: DGA families held out of training (5 folds) vs OpenDNS names never seen in training")
	fmt.Fprintf(&b, "  %-5s %-10s %8s %8s %9s %s\n", "fold", "features", "pos", "neg", "auc_roc", "recall@1%FPR")
	for i, h := range hs {
		fmt.Fprintf(&b, "  %-5d %-10s %8d %8d %9.4f %.3f\n", i/2+1, h.FeatureSet, h.TestPositives, h.TestNegatives, h.AUC, h.RecallAt1PctFP)
	}
	fmt.Fprintln(&b, "  per-family recall at 1% FPR (domain / heidgaf44):")
	for i := 0; i+1 < len(hs); i += 2 {
		d, h := hs[i], hs[i+1]
		var fams []string
		for f := range d.FamilyRecall {
			fams = append(fams, f)
		}
		sort.Strings(fams)
		for _, f := range fams {
			fmt.Fprintf(&b, "    %-22s %.3f / %.3f\n", f, d.FamilyRecall[f], h.FamilyRecall[f])
		}
	}
	return b.String()
}
