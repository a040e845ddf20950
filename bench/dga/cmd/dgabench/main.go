// Command dgabench runs the DGA generalisation protocols of bench/dga
// (mlctl-bench runs them too, as part of make bench).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/mlctl/mlctl/bench/dga"
	"github.com/mlctl/mlctl/datasets/dgagen"
)

func main() {
	data := flag.String("data", "../shared/data", "directory laid out like ../shared/data")
	protos := flag.String("protocols", "unseen-families,unseen-families+source", "protocols to run")
	folds := flag.String("folds", "0,1,2,3,4", "family folds to run (of 5)")
	recipes := flag.String("recipes", "mlctl,mlctl-noaug", "recipes: mlctl, mlctl-noaug, mlctl-nogen, mlctl-noreg, heidgaf44, heidgaf44-xgboost")
	out := flag.String("out", "", "write results as JSON here")
	raw := flag.Bool("raw-opendns", false, "keep OpenDNS's Conficker-like names")
	top := flag.Int("top", 0, "print this many of the highest-scoring benign test names per result")
	flag.Parse()
	dga.TopN = max(*top, 20)
	ctx := context.Background()
	c, err := dga.LoadCorpus(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if !*raw {
		dropped, err := dga.RemoveOpenDNSNoise(ctx, c, 1)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("opendns: %d Conficker-like names left out (%d kept), e.g. %v\n", len(dropped), len(c.OpenDNS), dropped[:min(8, len(dropped))])
	}
	var rcs []dga.Recipe
	for _, name := range strings.Split(*recipes, ",") {
		base, variant, _ := strings.Cut(name, ":")
		params := map[string]string{}
		for _, kv := range strings.Split(variant, "+") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				params[k] = v
			}
		}
		rc, err := dga.NamedRecipeWith(base, params)
		rc.Name = name
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		rcs = append(rcs, rc)
	}
	var all []dga.Result
	groups := dga.FamilyFolds(c, 5)
	for _, proto := range strings.Split(*protos, ",") {
		if proto == dga.LeaveOneScheme {
			for i, s := range dgagen.SchemeNames() {
				rs, err := dga.Run(ctx, c, proto, i, []string{s}, rcs, 1)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				all = append(all, rs...)
				fmt.Print(dga.Table(rs))
			}
			continue
		}
		for _, f := range strings.Split(*folds, ",") {
			var k int
			fmt.Sscan(f, &k)
			rs, err := dga.Run(ctx, c, proto, k, groups[k], rcs, 1)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			all = append(all, rs...)
			fmt.Print(dga.Table(rs))
			if *top > 0 {
				for _, r := range rs {
					fmt.Printf("top benign, %s fold %d %s:\n  %s\n", r.Protocol, r.Fold, r.Recipe, strings.Join(r.TopNegatives, "\n  "))
				}
			}
		}
	}
	fmt.Println("== all")
	fmt.Print(dga.Table(all))
	if *out != "" {
		b, _ := json.MarshalIndent(all, "", " ")
		os.WriteFile(*out, b, 0o644)
	}
}
