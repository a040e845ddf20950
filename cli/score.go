package cli

import (
	"bufio"
	"fmt"
	"io"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/prefilter"
	"github.com/mlctl/mlctl/published"
)

func scoreCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "score",
		Usage: "score a file offline with a published model (checksum verified first; no Temporal)",
		Flags: append([]ucli.Flag{
			&ucli.StringFlag{Name: "model", Usage: "MODEL[@V]"},
			&ucli.StringFlag{Name: "alias", Usage: "score with the model an alias points at"},
			&ucli.StringFlag{Name: "file", Required: true, Usage: "input file: a list of names, or CSV/TSV with a domain column; for a flow model a Zeek conn.log or flow-analyzer CSV; for a tabular model a table"},
			&ucli.StringFlag{Name: "format", Value: "auto", Usage: "auto|list|csv|tsv|rank|jsonl|zeek|dnstap, or " + logFormatsUsage()},
			&ucli.StringSliceFlag{Name: "key-column", Usage: "tabular: a column that identifies a row (repeatable)"},
			&ucli.StringSliceFlag{Name: "ignore-column", Usage: "tabular: a column that is not a feature (repeatable)"},
			&ucli.IntFlag{Name: "explain", Usage: "also list the N features that pushed each score up the most (per-tree path contributions)"},
			&ucli.BoolFlag{Name: "json", Usage: "print JSON lines"},
		}, prefilterFlags()...),
		Action: score,
	}
}

func score(c *ucli.Context) error {
	ref := c.String("model")
	if (ref == "") == (c.String("alias") == "") {
		return usagef("score: give exactly one of --model MODEL@V or --alias A")
	}
	pf, err := prefilterOf(c, "score")
	if err != nil {
		return err
	}
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	var l *published.Loaded
	if alias := c.String("alias"); alias != "" {
		a, err := db.GetAlias(c.Context, alias)
		if err != nil {
			return err
		}
		l, err = published.Load(c.Context, db, a.Model)
	} else {
		l, err = loadModel(c.Context, db, ref)
	}
	if err != nil {
		return err
	}
	sc, err := artifact.NewScorer(l.Artifact)
	if err != nil {
		return err
	}
	var inputs []string
	var vin *vectorInputs
	if sc.TakesVectors() {
		if vin, err = readVectorInputs(c, sc.Kind(), c.String("file"), c.String("format")); err != nil {
			return err
		}
		inputs = vin.keys
	} else if inputs, err = readInputsOf(c, c.String("file"), c.String("format"), sc.Kind()); err != nil {
		return err
	}
	scores := make([]float64, len(inputs))
	var reasons []prefilter.Reason // of each input, for a name model
	if vin != nil {
		if err := sc.ScoreVectors(vin.columns, vin.vectors, scores); err != nil {
			return fmt.Errorf("score %s with %s: %w", inputName(c.String("file")), l.Model.Ref(), err)
		}
	} else if sc.Kind() == "dga" {
		var counts prefilter.Counts
		reasons = scorePrefiltered(sc, pf, inputs, scores, &counts)
		printPrefiltered(c.App.ErrWriter, "names", &counts, len(inputs))
	} else {
		sc.Score(inputs, scores)
	}
	w := bufio.NewWriter(c.App.Writer)
	defer w.Flush()
	th := l.Manifest.Threshold
	k := c.Int("explain")
	for i, in := range inputs {
		if reasons != nil && reasons[i] != prefilter.None {
			if err := printPrefilteredLine(w, c.Bool("json"), in, reasons[i], l); err != nil {
				return err
			}
			continue
		}
		label := 0
		if scores[i] >= th {
			label = 1
		}
		var top []artifact.Push
		if k > 0 {
			if vin != nil {
				top, err = sc.ExplainVector(vin.columns, vin.vectors[i], k)
			} else {
				top, err = sc.Explain(in, k)
			}
			if err != nil {
				return err
			}
		}
		if c.Bool("json") {
			line := scoreLine{Input: in, Score: scores[i], Label: label, Model: l.Model.Name, Version: l.Model.Version, Top: top}
			if vin != nil {
				vin.window(i, &line)
			}
			if err := printJSON(w, line); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "%.6f\t%d\t%s", scores[i], label, in)
		for _, p := range top {
			fmt.Fprintf(w, "\t%s=%.4g(+%.3g)", p.Feature, p.Value, p.Margin)
		}
		fmt.Fprintln(w)
	}
	return nil
}

// scoreLine is one line of `score --json`.
type scoreLine struct {
	Input   string  `json:"input"`
	Score   float64 `json:"score"`
	Label   int     `json:"label"`
	Model   string  `json:"model"`
	Version int     `json:"version"`
	// Top lists the features that pushed the score up most (with --explain).
	Top []artifact.Push `json:"top_features,omitempty"`
	// The window of a flow or dns-domain model's input.
	SrcIP         string   `json:"src_ip,omitempty"`
	Domain        string   `json:"domain,omitempty"`
	Clients       []string `json:"clients,omitempty"`
	WindowStart   string   `json:"window_start,omitempty"`
	WindowSeconds int      `json:"window_seconds,omitempty"`
}

// scorePrefiltered scores the names the prefilter keeps into scores (the
// others' scores stay 0) and returns each name's reason, counted.
func scorePrefiltered(sc *artifact.Scorer, pf *prefilter.Prefilter, names []string, scores []float64, counts *prefilter.Counts) []prefilter.Reason {
	reasons := make([]prefilter.Reason, len(names))
	kept := make([]string, 0, len(names))
	for i, n := range names {
		if r, ok := pf.Check(n); ok {
			reasons[i] = r
			counts.Add(r)
			continue
		}
		kept = append(kept, n)
	}
	if len(kept) == len(names) {
		sc.Score(names, scores)
		return reasons
	}
	ks := make([]float64, len(kept))
	sc.Score(kept, ks)
	j := 0
	for i := range names {
		if reasons[i] == prefilter.None {
			scores[i] = ks[j]
			j++
		}
	}
	return reasons
}

// prefilteredLine is the `score --json` line of a prefiltered name. The
// model never scored it; it keeps the line's contract (every line has a
// score and a label) with score 0 and label 0, what the prefilter says:
// not a DGA's name.
type prefilteredLine struct {
	Input       string           `json:"input"`
	Score       float64          `json:"score"`
	Label       int              `json:"label"`
	Prefiltered prefilter.Reason `json:"prefiltered"`
	Model       string           `json:"model"`
	Version     int              `json:"version"`
}

// printPrefilteredLine writes a prefiltered name's line: JSON, or
// "-<TAB>-<TAB>name<TAB>prefiltered=reason".
func printPrefilteredLine(w io.Writer, asJSON bool, name string, r prefilter.Reason, l *published.Loaded) error {
	if asJSON {
		return printJSON(w, prefilteredLine{Input: name, Prefiltered: r, Model: l.Model.Name, Version: l.Model.Version})
	}
	_, err := fmt.Fprintf(w, "-\t-\t%s\tprefiltered=%s\n", name, r)
	return err
}

// readInputs reads the names of a file in order; bad lines are reported on
// stderr with file:line and skipped, never fatal.
func readInputs(c *ucli.Context, path, format string) ([]string, error) {
	return readInputsOf(c, path, format, "dga")
}

// readInputsOf reads the inputs a model of the kind scores: names (dga) or
// TXT records (txt).
func readInputsOf(c *ucli.Context, path, format, kind string) ([]string, error) {
	var input *datasets.Input
	if kind == "txt" {
		input = datasets.TXTRecords
	}
	log, err := logFormatOf("read "+path, format)
	if err != nil {
		return nil, err
	}
	r, err := withInput(c, path, func(f *inputFile) (*datasets.Inputs, error) {
		return datasets.ReadInputsFrom(f, f.Name, datasets.ReadOptions{Format: format, Input: input, Log: asDNSLog(log)})
	})
	if err != nil {
		return nil, err
	}
	reportSkipped(c, r.Bad)
	return r.Inputs, nil
}
