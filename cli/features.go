package cli

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/features"
)

func featuresCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "features",
		Usage: "print feature vectors exactly as training and serving compute them",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "kind", Value: "dga", Usage: "dga (txt, flow and tabular come later)"},
			&ucli.StringFlag{Name: "set", Usage: fmt.Sprintf("named feature set: %s", strings.Join(features.SetNames(), ", "))},
			&ucli.StringFlag{Name: "model", Usage: "use the feature set (and fitted state) of MODEL@V"},
			&ucli.StringFlag{Name: "file", Required: true, Usage: "input file: a list of names, or CSV/TSV with a domain column"},
			&ucli.StringFlag{Name: "format", Value: "auto", Usage: "auto|list|csv|tsv|rank"},
			&ucli.BoolFlag{Name: "json", Usage: "print JSON lines"},
		},
		Action: featuresAction,
	}
}

func featuresAction(c *ucli.Context) error {
	if kind := c.String("kind"); kind != "dga" {
		return usagef("features: --kind %s is not supported yet (have: dga)", kind)
	}
	if c.String("set") != "" && c.String("model") != "" {
		return usagef("features: give --set or --model, not both")
	}
	var set features.Set
	var err error
	switch {
	case c.String("model") != "":
		db, err := openDB(c)
		if err != nil {
			return err
		}
		defer db.Close()
		l, err := loadModel(c.Context, db, c.String("model"))
		if err != nil {
			return err
		}
		set, err = features.Lookup(l.Artifact.FeatureSet.Name, l.Artifact.FeatureSet.State)
		if err != nil {
			return err
		}
	case c.String("set") != "":
		set, err = features.Lookup(c.String("set"), nil)
		if err != nil {
			return usagef("features: %v", err)
		}
	default:
		set, err = features.Lookup(features.DefaultDomainSet, nil)
		if err != nil {
			return err
		}
	}
	inputs, err := readInputs(c, c.String("file"), c.String("format"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(c.App.Writer)
	defer w.Flush()
	names := set.Names()
	vals := make([]float64, len(names))
	if !c.Bool("json") {
		fmt.Fprintf(w, "input\t%s\n", strings.Join(names, "\t"))
	}
	for _, in := range inputs {
		set.Extract(in, vals)
		if c.Bool("json") {
			if err := printJSON(w, featureLine{Input: in, Names: names, Values: vals}); err != nil {
				return err
			}
			continue
		}
		w.WriteString(in)
		for _, v := range vals {
			w.WriteByte('\t')
			w.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
		w.WriteByte('\n')
	}
	return nil
}

// featureLine is one line of `features --json`.
type featureLine struct {
	Input  string    `json:"input"`
	Names  []string  `json:"names"`
	Values []float64 `json:"values"`
}
