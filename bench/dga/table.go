package dga

import (
	"fmt"
	"sort"
	"strings"
)

// Table prints every fold and the means per protocol and recipe, then the
// per-family recall at 1% FPR, recipes side by side.
func Table(rs []Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %-24s %-4s %-22s %7s %7s %8s %8s %7s\n", "protocol", "fold", "recipe", "pos", "neg", "auc_roc", "rec@1%", "secs")
	type key struct{ proto, recipe string }
	type acc struct{ auc, rec, n float64 }
	mean := map[key]*acc{}
	var keys []key
	for _, r := range rs {
		fmt.Fprintf(&b, "  %-24s %-4d %-22s %7d %7d %8.4f %8.3f %7.1f\n", r.Protocol, r.Fold, r.Recipe, r.Positives, r.Negatives, r.AUC, r.Recall1, r.Seconds)
		k := key{r.Protocol, r.Recipe}
		if mean[k] == nil {
			mean[k] = &acc{}
			keys = append(keys, k)
		}
		mean[k].auc += r.AUC
		mean[k].rec += r.Recall1
		mean[k].n++
	}
	fmt.Fprintln(&b, "  means:")
	for _, k := range keys {
		m := mean[k]
		fmt.Fprintf(&b, "  %-24s %-4s %-22s %15s %8.4f %8.3f\n", k.proto, "mean", k.recipe, "", m.auc/m.n, m.rec/m.n)
	}
	var recipes []string
	seen := map[string]bool{}
	for _, r := range rs {
		if !seen[r.Recipe] {
			seen[r.Recipe] = true
			recipes = append(recipes, r.Recipe)
		}
	}
	for _, proto := range []string{UnseenFamilies, UnseenSource, LeaveOneScheme} {
		fam := map[string]map[string]float64{}
		for _, r := range rs {
			if r.Protocol != proto {
				continue
			}
			for f, v := range r.FamilyRecall1 {
				if fam[f] == nil {
					fam[f] = map[string]float64{}
				}
				fam[f][r.Recipe] = v
				fam[f][r.Recipe+" auc"] = r.FamilyAUC[f]
			}
		}
		if len(fam) == 0 {
			continue
		}
		fmt.Fprintf(&b, "  recall at 1%% FPR (ROC-AUC) per held-out family, %s (%s):\n", proto, strings.Join(recipes, " / "))
		var names []string
		for f := range fam {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			vals := make([]string, len(recipes))
			for i, rc := range recipes {
				if v, ok := fam[f][rc]; ok {
					vals[i] = fmt.Sprintf("%.3f (%.3f)", v, fam[f][rc+" auc"])
				} else {
					vals[i] = "-"
				}
			}
			fmt.Fprintf(&b, "    %-24s %s\n", f, strings.Join(vals, " / "))
		}
	}
	return b.String()
}
