package soak

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"time"
)

// modelName is the model the soak trains and serves.
const modelName = "soak-dga"

// trainModel trains a gbdt model on the corpus's training rows through the
// real workflows (`mlctl dataset ingest`, `train --wait`, `promote
// --wait`, with an `mlctl worker`), promotes it to production, then stops
// the worker and the Temporal server: the scorer needs neither, and they
// should take no CPU while it is measured.
func trainModel(ctx context.Context, st *stack, c *corpus, o Options, progress io.Writer) (Model, error) {
	m := Model{Algo: "gbdt", TrainRows: len(c.train)}
	path := filepath.Join(o.Dir, "train.csv")
	if err := c.writeTraining(path); err != nil {
		return m, fmt.Errorf("training rows: %w", err)
	}
	if _, err := st.Run(ctx, "migrate"); err != nil {
		return m, err
	}
	worker, err := st.Start("worker.log", "worker")
	if err != nil {
		return m, err
	}
	if _, err := st.Run(ctx, "dataset", "ingest", "soak", "--kind", "dga", "--file", path); err != nil {
		return m, err
	}
	fmt.Fprintf(progress, "soak: training %s (gbdt) on %d real names through `mlctl train --wait`\n", modelName, len(c.train))
	t0 := time.Now()
	out, err := st.Run(ctx, "train", "--dataset", "soak", "--model", modelName, "--algo", "gbdt", "--seed", fmt.Sprint(o.Seed), "--wait", "--json")
	if err != nil {
		return m, err
	}
	m.TrainSeconds = time.Since(t0).Seconds()
	var res struct {
		Model     string  `json:"model"`
		Version   int     `json:"version"`
		SHA256    string  `json:"sha256"`
		Threshold float64 `json:"threshold"`
		Metrics   struct {
			AUC float64 `json:"auc_roc"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		return m, fmt.Errorf("`mlctl train --json` printed %q: %w", out, err)
	}
	m.Ref, m.SHA256, m.Threshold, m.AUC = fmt.Sprintf("%s@%d", res.Model, res.Version), res.SHA256, res.Threshold, res.Metrics.AUC
	if _, err := st.Run(ctx, "promote", m.Ref, "--wait"); err != nil {
		return m, err
	}
	if inTime, exit := worker.Stop(30 * time.Second); !inTime {
		return m, fmt.Errorf("the worker did not stop within 30 s of SIGTERM (%v)", exit)
	}
	st.stopTemporal()
	return m, nil
}
