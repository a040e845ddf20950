package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/published"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/gbdt"
)

func modelsCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "models",
		Usage: "list, show and export published models",
		Subcommands: []*ucli.Command{
			{Name: "list", Usage: "list model versions", Flags: []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print JSON lines"}}, Action: modelsList},
			{Name: "show", Usage: "show a model version's manifest and evaluations", ArgsUsage: "MODEL[@V]",
				Flags: []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"}}, Action: modelsShow},
			{Name: "export", Usage: "write a model version to a file (checksum verified)", ArgsUsage: "MODEL@V",
				Flags: []ucli.Flag{
					&ucli.StringFlag{Name: "format", Value: "native", Usage: "xgboost-json (xgboost.Booster().load_model reads it) or native (the checksummed artifact bytes)"},
					&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "output file"},
					&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"},
				}, Action: modelsExport},
			{Name: "prune", Usage: "drop the artifacts of a model's old versions, keeping the newest and every version an alias uses or used", ArgsUsage: "MODEL",
				Flags: []ucli.Flag{
					&ucli.IntFlag{Name: "keep", Value: registry.DefaultKeepVersions, Usage: "how many of the newest versions keep their artifact"},
					&ucli.BoolFlag{Name: "json", Usage: "print one JSON object"},
				}, Action: modelsPrune},
		},
	}
}

func modelsPrune(c *ucli.Context) error {
	if c.NArg() != 1 || strings.Contains(c.Args().First(), "@") {
		return usagef("models prune: want one MODEL name (no version)")
	}
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	name := c.Args().First()
	if _, err := db.Model(c.Context, name, 0); err != nil {
		return err
	}
	pruned, err := db.PruneModelHistory(c.Context, name, c.Int("keep"))
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, map[string]any{"model": name, "keep": c.Int("keep"), "pruned_versions": pruned})
	}
	if len(pruned) == 0 {
		fmt.Fprintf(c.App.Writer, "%s: nothing to prune (keeping the newest %d versions and those aliases use or used)\n", name, c.Int("keep"))
		return nil
	}
	fmt.Fprintf(c.App.Writer, "%s: pruned the artifacts of versions %v (their manifests and evaluations stay)\n", name, pruned)
	return nil
}

func modelsList(c *ucli.Context) error {
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	ms, err := db.Models(c.Context)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		for _, m := range ms {
			if err := printJSON(c.App.Writer, m); err != nil {
				return err
			}
		}
		return nil
	}
	var rows [][]string
	for _, m := range ms {
		auc := ""
		var met mlctl.Metrics
		if man, err := published.ParseManifest(m); err == nil && json.Unmarshal(man.Metrics, &met) == nil {
			auc = strconv.FormatFloat(met.AUCROC, 'f', 4, 64)
		}
		rows = append(rows, []string{m.Ref(), m.Algo, fmt.Sprint(m.DatasetVersions), auc, m.SHA256[:12], strconv.FormatInt(m.Size, 10), m.CreatedAt.Local().Format("2006-01-02 15:04")})
	}
	table(c.App.Writer, []string{"MODEL", "ALGO", "DATASETS", "TEST_AUC", "SHA256", "BYTES", "CREATED"}, rows)
	return nil
}

// modelView is what `models show --json` prints.
type modelView struct {
	*registry.Model
	Evaluations []registry.Evaluation `json:"evaluations"`
	// Drift is the newest drift check, if any.
	Drift *registry.DriftReport `json:"drift,omitempty"`
}

// benignOnlyNote explains a benign-only feature fit where train and
// models show print it.
const benignOnlyNote = "the training part had no malicious rows, so ngram_score is 0 and tld_benign_ratio 1 for every name; the rest was learned from benign names"

func modelsShow(c *ucli.Context) error {
	if c.NArg() != 1 {
		return usagef("models show: want MODEL[@V]")
	}
	name, version, err := mlctl.ParseRef(c.Args().First())
	if err != nil {
		return usagef("models show: %v", err)
	}
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := db.Model(c.Context, name, version)
	if err != nil {
		return err
	}
	evs, err := db.Evaluations(c.Context, m.ID)
	if err != nil {
		return err
	}
	drift, err := db.LatestDrift(c.Context, m.ID)
	if err != nil && mlctl.ErrorCode(err) != mlctl.ENOTFOUND {
		return err
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, modelView{Model: m, Evaluations: evs, Drift: drift})
	}
	man, err := published.ParseManifest(m)
	if err != nil {
		return err
	}
	w := c.App.Writer
	fmt.Fprintf(w, "model      %s (%s)\nsha256     %s (%d bytes)\nfeatures   %s v%d (%d features)\nthreshold  %.6f (%s)\ndatasets   %v\nsplit      seed %d, train/validation/test %d/%d/%d, held out %v\nworkflow   %s\ncreated    %s\n",
		m.Ref(), m.Algo, m.SHA256, m.Size, man.FeatureSet, man.FeatureVersion, len(man.FeatureNames), man.Threshold, man.ThresholdRule,
		m.DatasetVersions, man.Split.Seed, man.Split.Train, man.Split.Validation, man.Split.Test, man.Split.HoldoutFamilies,
		m.WorkflowID, m.CreatedAt.Local().Format("2006-01-02 15:04:05"))
	if man.FeatureFit != "" {
		fmt.Fprintf(w, "fitted     %s: %s\n", man.FeatureFit, benignOnlyNote)
	}
	if man.ClientThreshold > 0 {
		fmt.Fprintf(w, "client     %.6f (client verdicts also count names answered NXDOMAIN at or over it: false positive rate 0.01 on the validation split)\n", man.ClientThreshold)
	}
	fmt.Fprintf(w, "params     %v\n", man.Params)
	if drift == nil {
		fmt.Fprintf(w, "drift      not checked (`mlctl drift %s --file RECENT` checks it)\n", m.Ref())
	} else {
		state := "no drift"
		if drift.Drifted {
			state = "DRIFTED"
		}
		from := "recent rows of a file"
		if drift.Source == "live" {
			from = "rows sampled by its scorers, " + drift.WorkflowID
		}
		fmt.Fprintf(w, "drift      %s: %.0f%% of features drifted on %d %s (%s)\n", state, 100*drift.DriftedShare, drift.SampleRows, from,
			drift.CreatedAt.Local().Format("2006-01-02 15:04:05"))
	}
	for _, e := range evs {
		rep := mlctl.Report{Threshold: e.Threshold, Rows: int(e.Rows)}
		_ = json.Unmarshal(e.Confusion, &rep.Confusion)
		_ = json.Unmarshal(e.Metrics, &rep.Metrics)
		_ = json.Unmarshal(e.FamilyRecall, &rep.FamilyRecall)
		fmt.Fprintf(w, "\nevaluation #%d on %s of datasets %v (%d rows):\n", e.ID, e.Part, e.DatasetIDs, e.Rows)
		fmt.Fprint(w, eval.Format(rep))
	}
	return nil
}

func modelsExport(c *ucli.Context) error {
	if c.NArg() != 1 {
		return usagef("models export: want MODEL@V")
	}
	format := c.String("format")
	if format != "native" && format != "xgboost-json" {
		return usagef("models export: --format %s: want xgboost-json or native", format)
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
	gb, isGBDT := l.Artifact.Model.(*gbdt.Model)
	if format == "xgboost-json" && !isGBDT {
		return usagef("models export: %s is a %s model; only gbdt models export to XGBoost's format (use --format native)", l.Model.Ref(), l.Artifact.Algo)
	}
	out := c.String("output")
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("models export: %w", err)
	}
	switch format {
	case "native":
		_, err = f.Write(l.Bytes)
	case "xgboost-json":
		err = gb.WriteXGBoostJSON(f, l.Artifact.FeatureSet.Names)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return fmt.Errorf("models export %s: %w", l.Model.Ref(), err)
	}
	if c.Bool("json") {
		return printJSON(c.App.Writer, map[string]any{"model": l.Model.Name, "version": l.Model.Version, "sha256": l.Model.SHA256, "format": format, "file": out})
	}
	fmt.Fprintf(c.App.Writer, "wrote %s (%s) to %s\n", l.Model.Ref(), format, out)
	return nil
}
