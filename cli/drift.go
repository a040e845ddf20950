package cli

import (
	"fmt"
	"slices"
	"strconv"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/driftcheck"
	"github.com/mlctl/mlctl/training/drift"
)

func driftCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "drift",
		Usage:     "compare recent inputs with a model's training data, feature by feature (two-sample KS tests, and PSI beside them); recorded for `models show`",
		ArgsUsage: "MODEL@V",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "file", Required: true, Usage: "recent inputs: a list of names, CSV/TSV with a domain column, JSONL or a Zeek dns.log"},
			&ucli.StringFlag{Name: "format", Value: "auto", Usage: "auto|list|csv|tsv|rank|jsonl|zeek"},
			&ucli.Float64Flag{Name: "alpha", Value: drift.DefaultAlpha, Usage: "a feature drifted when its KS p-value is below this"},
			&ucli.Float64Flag{Name: "threshold", Value: drift.DefaultThreshold, Usage: "the model drifted when more than this share of its features drifted"},
			&ucli.StringFlag{Name: "baseline", Value: driftcheck.BaselineAll, Usage: "training rows to compare with: all, or benign (label 0: what mostly-benign live traffic should resemble; schedule drift checks use it)"},
			&ucli.IntFlag{Name: "sample", Value: 5000, Usage: "rows sampled (seeded) from each side"},
			&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"},
		},
		Action: driftCheck,
	}
}

func driftCheck(c *ucli.Context) error {
	if c.NArg() != 1 {
		return usagef("drift: want one MODEL@V")
	}
	if c.Int("sample") < 2 {
		return usagef("drift: --sample %d: want at least 2", c.Int("sample"))
	}
	which := c.String("baseline")
	if which != driftcheck.BaselineAll && which != driftcheck.BaselineBenign {
		return usagef("drift: --baseline %s: want all or benign", which)
	}
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	l, err := loadModel(c.Context, db, c.Args().First())
	if err != nil {
		return err
	}
	sc, err := artifact.NewScorer(l.Artifact)
	if err != nil {
		return err
	}
	n := c.Int("sample")
	// Sample first: features are only computed for the rows compared.
	var recent [][]float64
	if sc.TakesVectors() {
		in, err := readVectorInputs(c, sc.Kind(), c.String("file"), c.String("format"))
		if err != nil {
			return err
		}
		idx, err := artifact.ColumnMap(sc.Names(), in.columns)
		if err != nil {
			return fmt.Errorf("drift: %s: %w", inputName(c.String("file")), err)
		}
		recent = driftcheck.PickColumns(idx, driftcheck.Sample(in.vectors, n, driftcheck.RecentSeed))
	} else {
		if sc.FeatureSet() == nil {
			return usagef("drift: %s reads token sequences (%s), not named features: drift checks need a model with a feature set", l.Model.Ref(), l.Model.Algo)
		}
		inputs, err := readInputs(c, c.String("file"), c.String("format"))
		if err != nil {
			return err
		}
		recent = driftcheck.FeatureRows(sc.FeatureSet(), driftcheck.Sample(inputs, n, driftcheck.RecentSeed))
	}
	base, err := driftcheck.ModelBaseline(c.Context, db, l, sc, which, n)
	if err != nil {
		return err
	}
	if len(recent) < 2 {
		return usagef("drift: %s has %d usable inputs; a KS test needs more", inputName(c.String("file")), len(recent))
	}
	rep, err := base.Compare(recent, c.Float64("alpha"), c.Float64("threshold"))
	if err != nil {
		return usagef("drift: %v", err)
	}
	if _, err := driftcheck.Record(c.Context, db, l.Model, rep, len(recent), "", ""); err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, map[string]any{"model": l.Model.Name, "version": l.Model.Version, "report": rep})
	}
	w := c.App.Writer
	state := "no drift"
	if rep.Drifted {
		state = "DRIFTED"
	}
	fmt.Fprintf(w, "%s: %s: %d of %d features drifted (%.0f%%; the model drifts above %.0f%%), %d training rows vs %d recent, alpha %g; max PSI %.3f\n",
		l.Model.Ref(), state, rep.DriftedFeatures, rep.Tested, 100*rep.DriftedShare, 100*rep.Threshold, rep.TrainRows, rep.RecentRows, rep.Alpha, rep.MaxPSI)
	fs := slices.Clone(rep.Features)
	slices.SortStableFunc(fs, func(a, b drift.FeatureDrift) int { return -cmpFloat(a.D, b.D) })
	var rows [][]string
	for _, f := range fs[:min(15, len(fs))] {
		mark := ""
		if f.Drifted {
			mark = "drifted"
		}
		rows = append(rows, []string{f.Name, strconv.FormatFloat(f.D, 'f', 4, 64), strconv.FormatFloat(f.P, 'g', 3, 64),
			strconv.FormatFloat(f.PSI, 'f', 3, 64), mark})
	}
	table(w, []string{"FEATURE", "KS D", "P", "PSI", ""}, rows)
	return nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
