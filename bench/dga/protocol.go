package dga

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/dgagen"
	"github.com/mlctl/mlctl/training/eval"
)

// Protocols.
const (
	// UnseenFamilies: a fifth of the DGA families held out of training,
	// scored with a random tenth of both benign lists, also held out.
	UnseenFamilies = "unseen-families"
	// UnseenSource: as UnseenFamilies, and the OpenDNS list kept out of
	// training entirely and used as the test negatives.
	UnseenSource = "unseen-families+source"
	// LeaveOneScheme: one generator scheme left out of the generated
	// training names; its names (another seed) are scored against OpenDNS,
	// which training never saw.
	LeaveOneScheme = "leave-one-scheme-out"
)

// Result is one recipe's scores on one fold of a protocol.
type Result struct {
	Protocol      string             `json:"protocol"`
	Fold          int                `json:"fold"`
	Recipe        string             `json:"recipe"`
	HeldOut       []string           `json:"held_out"`
	Positives     int                `json:"test_positives"`
	Negatives     int                `json:"test_negatives"`
	AUC           float64            `json:"auc_roc"`
	Recall1       float64            `json:"recall_at_1pct_fpr"`
	FamilyRecall1 map[string]float64 `json:"family_recall_at_1pct_fpr"`
	FamilyAUC     map[string]float64 `json:"family_auc_roc"`
	Seconds       float64            `json:"seconds"`
	// TopNegatives are the benign test names that scored highest, with
	// their scores: what sets the 1% FPR threshold.
	TopNegatives []string `json:"top_negatives"`
}

// inTest puts a tenth of benign names in the test part, by name hash.
func inTest(name string) bool {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32()%10 == 0
}

// FamilyFolds splits the corpus's DGA families into k groups (sorted
// names, round robin).
func FamilyFolds(c *Corpus, k int) [][]string {
	_, byFamily := datasets.Counts(c.DGA)
	var fams []string
	for f := range byFamily {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	groups := make([][]string, k)
	for i, f := range fams {
		groups[i%k] = append(groups[i%k], f)
	}
	return groups
}

// Run runs the recipes on one fold of a protocol. For the family
// protocols held names the families; for LeaveOneScheme, the scheme.
// trainRecipe adapts a recipe to the fold (LeaveOneScheme excludes the
// scheme from its generator).
func Run(ctx context.Context, c *Corpus, proto string, fold int, held []string, recipes []Recipe, seed uint64) ([]Result, error) {
	var train, test []datasets.Row
	switch proto {
	case UnseenFamilies, UnseenSource:
		for _, r := range c.DGA {
			if slices.Contains(held, r.Family) {
				test = append(test, r)
			} else {
				train = append(train, r)
			}
		}
		for _, r := range c.Umbrella {
			if inTest(r.Name) {
				if proto == UnseenFamilies {
					test = append(test, r)
				}
			} else {
				train = append(train, r)
			}
		}
		for _, r := range c.OpenDNS {
			switch {
			case proto == UnseenSource:
				test = append(test, r)
			case inTest(r.Name):
				test = append(test, r)
			default:
				train = append(train, r)
			}
		}
	case LeaveOneScheme:
		train = append(append(train, c.DGA...), c.Umbrella...)
		gen, err := dgagen.Generate(seed+7919, 2000, dgagen.Options{Schemes: held})
		if err != nil {
			return nil, err
		}
		test = append(append(test, gen...), c.OpenDNS...)
	default:
		return nil, fmt.Errorf("unknown protocol %q", proto)
	}
	names := make([]string, len(test))
	labels := make([]int, len(test))
	families := make([]string, len(test))
	pos := 0
	for i, r := range test {
		names[i], labels[i], families[i] = r.Name, r.Label, r.Family
		pos += r.Label
	}
	var out []Result
	for _, rc := range recipes {
		t0 := now()
		scores, err := rc.Train(withHeldSchemes(ctx, proto, held), train, names, seed)
		if err != nil {
			return nil, fmt.Errorf("%s fold %d, %s: %w", proto, fold, rc.Name, err)
		}
		recall, th := eval.RecallAtFPR(scores, labels, 0.01)
		res := Result{Protocol: proto, Fold: fold, Recipe: rc.Name, HeldOut: held, Positives: pos, Negatives: len(test) - pos,
			AUC: eval.ROCAUC(scores, labels), Recall1: recall, FamilyRecall1: map[string]float64{}, Seconds: since(t0)}
		res.TopNegatives = topNegatives(names, labels, scores, TopN)
		res.FamilyAUC = familyAUC(scores, labels, families)
		for _, fr := range eval.Evaluate(scores, labels, families, th).FamilyRecall {
			fam := fr.Family
			if s := dgagen.SchemeOf(fam); s != "" {
				fam = s
			}
			res.FamilyRecall1[fam] = fr.Recall
		}
		if proto == LeaveOneScheme {
			// Generated families are many small ones: one figure per scheme.
			res.FamilyRecall1 = map[string]float64{held[0]: recall}
		}
		out = append(out, res)
	}
	return out, nil
}

// TopN is how many of the highest-scoring benign test names a result keeps.
var TopN = 20

func topNegatives(names []string, labels []int, scores []float64, n int) []string {
	var idx []int
	for i, l := range labels {
		if l == 0 {
			idx = append(idx, i)
		}
	}
	sort.Slice(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	var out []string
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, fmt.Sprintf("%s %.3f", names[i], scores[i]))
	}
	return out
}

// familyAUC is each family's ROC-AUC against every negative of the test
// part (generated families by scheme).
func familyAUC(scores []float64, labels []int, families []string) map[string]float64 {
	byFam := map[string][]int{}
	var neg []int
	for i, l := range labels {
		if l == 0 {
			neg = append(neg, i)
			continue
		}
		f := families[i]
		if s := dgagen.SchemeOf(f); s != "" {
			f = s
		}
		byFam[f] = append(byFam[f], i)
	}
	out := map[string]float64{}
	for f, pos := range byFam {
		s := make([]float64, 0, len(pos)+len(neg))
		l := make([]int, 0, len(pos)+len(neg))
		for _, i := range pos {
			s, l = append(s, scores[i]), append(l, 1)
		}
		for _, i := range neg {
			s, l = append(s, scores[i]), append(l, 0)
		}
		out[f] = eval.ROCAUC(s, l)
	}
	return out
}
