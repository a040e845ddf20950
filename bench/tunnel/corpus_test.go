package tunnelbench

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/mlctl/mlctl/features/dnsdomain"

	"github.com/mlctl/mlctl/training/gbdt"
)

// TestQuickLOTO is a development run, not part of make test: TUNNELBENCH=1.
func TestQuickLOTO(t *testing.T) {
	if os.Getenv("TUNNELBENCH") == "" {
		t.Skip("development run: TUNNELBENCH=1")
	}
	c, err := Build(Options{Data: "../../../shared/data", Captures: "/tmp/tc", Networks: 2, BrowsingRate: 50})
	if err != nil {
		t.Fatal(err)
	}
	pos, neg := 0, 0
	for _, w := range c.Windows {
		if w.Label == 1 {
			pos++
		} else {
			neg++
		}
	}
	fmt.Println("windows", pos, neg, c.Queries)
	p := gbdt.DefaultParams()
	fmt.Sscan(os.Getenv("DEPTH"), &p.MaxDepth)
	fmt.Sscan(os.Getenv("ROUNDS"), &p.Rounds)
	fmt.Sscan(os.Getenv("ETA"), &p.Eta)
	fmt.Sscan(os.Getenv("MCW"), &p.MinChildWeight)
	fmt.Sscan(os.Getenv("COLS"), &p.ColsampleByTree)
	fmt.Println("params", p.MaxDepth, p.Rounds, p.Eta, p.MinChildWeight, p.ColsampleByTree)
	res, err := LeaveOneToolOut(context.Background(), c.Windows, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		fmt.Printf("%-15s n=%5d auc=%.4f recall=%.3f fp/10k=%.2f atbudget=%.3f | rita auc=%.3f recall=%.3f fp/10k=%.2f atbudget=%.3f\n",
			r.Tool, r.Windows, r.AUC, r.Recall, r.FalsePer10k, r.RecallAtBudget, r.RITAAUC, r.RITARecall, r.RITAFalsePer10k, r.RITARecallAtBudget)
	}
}

// TestQuickFalsePositives prints the benign windows a model without
// base32chunk scores highest.
func TestQuickFalsePositives(t *testing.T) {
	if os.Getenv("TUNNELBENCH") == "" {
		t.Skip("development run: TUNNELBENCH=1")
	}
	c, err := Build(Options{Data: "../../../shared/data", Captures: "/tmp/tc", Networks: 2, BrowsingRate: 50})
	if err != nil {
		t.Fatal(err)
	}
	hold := os.Getenv("HOLD")
	var tr, te []Window
	for _, w := range c.Windows {
		switch {
		case w.Label == 1 && w.Source == hold:
			te = append(te, w)
		case w.Label == 1 || !heldOut(w.Unit.Domain):
			tr = append(tr, w)
		default:
			te = append(te, w)
		}
	}
	m, th, err := Fit(context.Background(), tr, gbdt.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	s := predict(m, te)
	idx := make([]int, len(te))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(s[b], s[a]) })
	fmt.Println("threshold", th)
	names := dnsdomain.Names()
	shown := 0
	for _, i := range idx {
		w := te[i]
		if w.Label == 1 {
			continue
		}
		v := map[string]float64{}
		for j, n := range names {
			v[n] = w.Unit.Values[j]
		}
		fmt.Printf("%.4f %s %s q=%v dn=%v ur=%.2f sublen=%.1f lmax=%v ent=%.2f hex=%.2f b32=%.2f b64=%.2f nx=%.2f qlong=%v\n", s[i], w.Source, w.Unit.Input(),
			v["queries"], v["distinct_names"], v["unique_ratio"], v["sub_len_mean"], v["label_len_max"], v["char_entropy"], v["hex_fit"], v["base32_fit"], v["base64_fit"], v["nxdomain_share"], v["queries_long"])
		if shown++; shown == 25 {
			break
		}
	}
	caught := 0
	for i, w := range te {
		if w.Label == 1 && s[i] >= th {
			caught++
		}
		if w.Label == 1 && s[i] < th && caught < 1000 {
			v := map[string]float64{}
			for j, n := range names {
				v[n] = w.Unit.Values[j]
			}
			fmt.Printf("MISSED %.4f %s q=%v dn=%v cl=%v sublen=%.1f lmax=%v ent=%.2f hex=%.2f b32=%.2f txt=%.2f cname=%.2f qlong=%v up=%v\n", s[i], w.Unit.Input(),
				v["queries"], v["distinct_names"], v["clients"], v["sub_len_mean"], v["label_len_max"], v["char_entropy"], v["hex_fit"], v["base32_fit"], v["txt_share"], v["cname_share"], v["queries_long"], v["bytes_up"])
		}
	}
	fmt.Println("held-out tool caught", caught)
}
