package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/mlctl/mlctl/bench/dga"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/training/eval"
)

func main() {
	ctx := context.Background()
	c, _ := dga.LoadCorpus("../shared/data")
	var all []datasets.Row
	all = append(append(append(all, c.DGA...), c.Umbrella...), c.OpenDNS...)
	var train, valid []datasets.Row
	for i, r := range all {
		if i%10 == 0 {
			valid = append(valid, r)
		} else {
			train = append(train, r)
		}
	}
	var probe []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		probe = append(probe, sc.Text())
	}
	for _, name := range os.Args[1:] {
		rc, _ := dga.NamedRecipe(name)
		vn := make([]string, len(valid))
		vl := make([]int, len(valid))
		for i, r := range valid {
			vn[i], vl[i] = r.Name, r.Label
		}
		scores, err := rc.Train(ctx, train, append(vn, probe...), 1)
		if err != nil {
			panic(err)
		}
		_, th := eval.RecallAtFPR(scores[:len(vn)], vl, 0.001)
		f1 := eval.BestF1Threshold(scores[:len(vn)], vl)
		ps := scores[len(vn):]
		idx := make([]int, len(ps))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return ps[idx[a]] > ps[idx[b]] })
		fmt.Printf("%s: threshold fpr0.001 %.4f, best-f1 %.4f\n", name, th, f1)
		n1, n2 := 0, 0
		for _, i := range idx {
			if ps[i] >= th {
				n1++
			}
			if ps[i] >= f1 {
				n2++
			}
		}
		fmt.Printf("  over fpr threshold: %d of %d; over f1: %d\n", n1, len(ps), n2)
		for _, i := range idx[:min(40, len(idx))] {
			fmt.Printf("  %.4f %s\n", ps[i], probe[i])
		}
	}
}
