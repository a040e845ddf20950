package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/mlctl/mlctl/bench/dga"
	"github.com/mlctl/mlctl/datasets/dgagen"
)

// Generalisation is the DGA generalisation study (bench/dga): the
// held-out-family protocols over five folds of the families, and
// leave-one-scheme-out on the generator, recipes side by side.
type Generalisation struct {
	OpenDNSNoise []string     `json:"opendns_noise_left_out"`
	Results      []dga.Result `json:"results"`
}

// generalisation runs the protocols with the named recipes (mlctl's
// default, the recipe before the generator, the xgboost reference…);
// leave-one-scheme-out runs the recipes that train on generated names and
// the reference.
func generalisation(ctx context.Context, dir string, recipes []string) (*Generalisation, error) {
	c, err := dga.LoadCorpus(dir)
	if err != nil {
		return nil, err
	}
	g := &Generalisation{}
	if g.OpenDNSNoise, err = dga.RemoveOpenDNSNoise(ctx, c, 1); err != nil {
		return nil, err
	}
	fmt.Printf("generalisation: %d Conficker-like names of the OpenDNS list left out as DGA noise\n", len(g.OpenDNSNoise))
	var rcs []dga.Recipe
	for _, name := range recipes {
		rc, err := dga.NamedRecipe(name)
		if err != nil {
			return nil, err
		}
		rcs = append(rcs, rc)
	}
	for _, proto := range []string{dga.UnseenFamilies, dga.UnseenSource} {
		for k, fams := range dga.FamilyFolds(c, 5) {
			fmt.Printf("generalisation: %s, fold %d/5 (%d families held out) ...\n", proto, k+1, len(fams))
			rs, err := dga.Run(ctx, c, proto, k, fams, rcs, 1)
			if err != nil {
				return nil, err
			}
			g.Results = append(g.Results, rs...)
		}
	}
	var loso []dga.Recipe
	for _, rc := range rcs {
		if rc.Name != "lstm" {
			loso = append(loso, rc)
		}
	}
	for k, s := range dgagen.SchemeNames() {
		fmt.Printf("generalisation: %s %s ...\n", dga.LeaveOneScheme, s)
		rs, err := dga.Run(ctx, c, dga.LeaveOneScheme, k, []string{s}, loso, 1)
		if err != nil {
			return nil, err
		}
		g.Results = append(g.Results, rs...)
	}
	return g, nil
}

func (g *Generalisation) Table() string {
	var b strings.Builder
	fmt.Fprintln(&b, "generalisation: DGA families held out of training (5 folds), benign names never seen; leave-one-scheme-out on the generator")
	b.WriteString(dga.Table(g.Results))
	return b.String()
}
