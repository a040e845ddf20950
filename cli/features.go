package cli

import (
	"bufio"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/published"
)

func featuresCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "features",
		Usage: "print feature vectors exactly as training and serving compute them",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "kind", Value: "dga", Usage: "dga (names), flow (a conn.log's source windows), dns-domain (a dns.log's or dnstap capture's domain windows) or tabular (a table's numeric columns); txt comes later"},
			&ucli.StringFlag{Name: "set", Usage: fmt.Sprintf("named feature set: %s", strings.Join(features.SetNames(), ", "))},
			&ucli.StringFlag{Name: "model", Usage: "use the feature set (and fitted state) of MODEL@V"},
			&ucli.StringFlag{Name: "file", Required: true, Usage: "input file: a list of names, or CSV/TSV with a domain column"},
			&ucli.StringFlag{Name: "format", Value: "auto", Usage: "auto|list|csv|tsv|rank|jsonl|zeek|dnstap, or " + logFormatsUsage()},
			&ucli.StringSliceFlag{Name: "key-column", Usage: "tabular: a column that identifies a row (repeatable)"},
			&ucli.StringSliceFlag{Name: "ignore-column", Usage: "tabular: a column that is not a feature (repeatable)"},
			&ucli.BoolFlag{Name: "json", Usage: "print JSON lines"},
		},
		Action: featuresAction,
	}
}

func featuresAction(c *ucli.Context) error {
	if c.String("set") != "" && c.String("model") != "" {
		return usagef("features: give --set or --model, not both")
	}
	switch kind := c.String("kind"); kind {
	case "dga":
	case "flow", "dns-domain", "tabular":
		return vectorFeatures(c, kind)
	default:
		return usagef("features: --kind %s: want dga, flow, dns-domain or tabular (txt comes later)", kind)
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
		set = defaultSet(c)
	}
	inputs, err := readInputs(c, c.String("file"), c.String("format"))
	if err != nil {
		return err
	}
	names := set.Names()
	vals := make([]float64, len(names))
	return printFeatures(c, names, len(inputs), func(i int) (string, []float64) {
		set.Extract(inputs[i], vals)
		return inputs[i], vals
	})
}

// vectorFeatures prints the vectors of a conn.log's source windows or a
// table's rows; with --model, the columns that model reads.
func vectorFeatures(c *ucli.Context, kind string) error {
	if set := c.String("set"); set != "" && set != kind {
		return usagef("features: --kind %s computes the %s set, not %q", kind, kind, set)
	}
	in, err := readVectorInputs(c, kind, c.String("file"), c.String("format"))
	if err != nil {
		return err
	}
	names := in.columns
	idx := make([]int, len(names))
	for i := range idx {
		idx[i] = i
	}
	if ref := c.String("model"); ref != "" {
		db, err := openDB(c)
		if err != nil {
			return err
		}
		defer db.Close()
		l, err := loadModel(c.Context, db, ref)
		if err != nil {
			return err
		}
		sc, err := artifact.NewScorer(l.Artifact)
		if err != nil {
			return err
		}
		if sc.Kind() != kind {
			return usagef("features: %s scores %s inputs, not %s", ref, sc.Kind(), kind)
		}
		names = sc.Names()
		if idx, err = artifact.ColumnMap(names, in.columns); err != nil {
			return fmt.Errorf("%s for %s: %w", inputName(c.String("file")), ref, err)
		}
	}
	vals := make([]float64, len(names))
	return printFeatures(c, names, len(in.keys), func(i int) (string, []float64) {
		for j, k := range idx {
			vals[j] = in.vectors[i][k]
		}
		return in.keys[i], vals
	})
}

// printFeatures prints n inputs' feature vectors (TSV with a header, or
// JSON lines); row returns input i and its values.
func printFeatures(c *ucli.Context, names []string, n int, row func(i int) (string, []float64)) error {
	w := bufio.NewWriter(c.App.Writer)
	defer w.Flush()
	if !c.Bool("json") {
		fmt.Fprintf(w, "input\t%s\n", strings.Join(names, "\t"))
	}
	for i := range n {
		in, vals := row(i)
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
	Input  string     `json:"input"`
	Names  []string   `json:"names"`
	Values jsonFloats `json:"values"`
}

// jsonFloats encodes NaN (a missing value) as null, which JSON can carry.
type jsonFloats []float64

// MarshalJSON implements json.Marshaler.
func (f jsonFloats) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 16*len(f)+2)
	b = append(b, '[')
	for i, v := range f {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	return append(b, ']'), nil
}

// defaultSet is the kind's default feature set. Its learned parts are fitted
// on training data, so it comes from the newest model that uses it; before
// any model exists, the stateless heidgaf44 part is shown. Either way stderr
// says which.
func defaultSet(c *ucli.Context) features.Set {
	if db, err := openDB(c); err == nil {
		defer db.Close()
		if ms, err := db.Models(c.Context); err == nil {
			// Newest first; the manifest says the feature set without loading bytes.
			sort.SliceStable(ms, func(i, j int) bool { return ms[i].CreatedAt.After(ms[j].CreatedAt) })
			for _, m := range ms {
				man, err := published.ParseManifest(m)
				if err != nil || man.FeatureSet != "domain" {
					continue
				}
				l, err := loadModel(c.Context, db, m.Ref())
				if err != nil {
					continue
				}
				if set, err := features.Lookup("domain", l.Artifact.FeatureSet.State); err == nil {
					fmt.Fprintf(c.App.ErrWriter, "features: default set domain as fitted for %s\n", m.Ref())
					return set
				}
			}
		}
	}
	fmt.Fprintln(c.App.ErrWriter, "features: no trained model fits the default domain set yet; showing heidgaf44 (use --model MODEL@V for the full set)")
	return features.Heidgaf44()
}
