package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/pyref"
	"github.com/mlctl/mlctl/workflows"
)

// TestIngestTrainPublishScore drives the CLI through the whole path on real
// services: generate → ingest (bad rows counted) → train --wait --json in a
// TrainModel workflow on a worker process → models list/show/export → score
// (checksum verified) → exported XGBoost JSON agrees with mlctl's scores.
func TestIngestTrainPublishScore(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	corpus := filepath.Join(s.dir, "demo.csv")
	s.run("dataset", "generate", "--rows", "6000", "--seed", "3", "-o", corpus)
	// One bad row among the generated ones: reported, not fatal.
	f, err := os.OpenFile(corpus, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("bad..name.com,1,x\n")
	f.Close()

	var ing struct {
		Name     string `json:"name"`
		Version  int    `json:"version"`
		Rows     int    `json:"rows"`
		Created  bool   `json:"created"`
		Bad      int    `json:"bad"`
		FirstBad []struct {
			Line   int    `json:"line"`
			Reason string `json:"reason"`
		} `json:"first_bad"`
	}
	mustJSON(t, s.run("dataset", "ingest", "demo", "--kind", "dga", "--file", corpus, "--json"), &ing)
	if !ing.Created || ing.Version != 1 || ing.Bad != 1 || ing.FirstBad[0].Line != 6002 || ing.Rows != 6000 {
		t.Fatalf("ingest report %+v", ing)
	}
	mustJSON(t, s.run("dataset", "ingest", "demo", "--kind", "dga", "--file", corpus, "--json"), &ing)
	if ing.Created || ing.Version != 1 {
		t.Fatalf("re-ingest of identical content made version %d (created=%v)", ing.Version, ing.Created)
	}

	var res struct {
		Model         string  `json:"model"`
		Version       int     `json:"version"`
		SHA256        string  `json:"sha256"`
		Algo          string  `json:"algo"`
		Dataset       string  `json:"dataset"`
		Threshold     float64 `json:"threshold"`
		ThresholdRule string  `json:"threshold_rule"`
		WorkflowID    string  `json:"workflow_id"`
		Metrics       struct {
			AUCROC    float64  `json:"auc_roc"`
			AUCPR     float64  `json:"auc_pr"`
			Precision *float64 `json:"precision"`
			Recall    *float64 `json:"recall"`
			F1        *float64 `json:"f1"`
			FPR       *float64 `json:"fpr"`
		} `json:"metrics"`
		Confusion struct{ TP, FP, TN, FN int } `json:"confusion"`
	}
	mustJSON(t, s.run("train", "--dataset", "demo", "--algo", "gbdt", "--param", "rounds=40", "--wait", "--json"), &res)
	if res.Model != "demo-gbdt" || res.Version != 1 || len(res.SHA256) != 64 || res.Algo != "gbdt" || res.Dataset != "demo@1" ||
		!strings.HasPrefix(res.WorkflowID, "train-demo-gbdt-") || res.Metrics.Precision == nil || res.Metrics.FPR == nil {
		t.Fatalf("train result %+v", res)
	}
	if n := res.Confusion.TP + res.Confusion.FP + res.Confusion.TN + res.Confusion.FN; n != 600 {
		t.Fatalf("confusion covers %d test rows, want 600 (10%% of 6000)", n)
	}
	if res.Metrics.AUCROC < 0.9 {
		t.Fatalf("test ROC-AUC %.3f on the demo corpus", res.Metrics.AUCROC)
	}
	// The default threshold rule: a false positive rate of 0.001 on validation.
	if !strings.HasPrefix(res.ThresholdRule, "false positive rate at most 0.001 on the validation split") {
		t.Fatalf("threshold rule %q, want the default false positive rate", res.ThresholdRule)
	}

	// The run is findable by its search attributes.
	// (Visibility is eventually consistent: give it a few seconds.)
	found := false
	for i := 0; i < 50 && !found; i++ {
		resp, err := s.client.ListWorkflow(context.Background(), listRequest(`MlctlModel = "demo-gbdt" AND MlctlAlgo = "gbdt" AND MlctlDataset = "demo@1"`))
		if err != nil {
			t.Fatalf("search by attributes: %v", err)
		}
		found = len(resp.Executions) == 1 && resp.Executions[0].Execution.WorkflowId == res.WorkflowID
		if !found {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !found {
		t.Fatalf("workflow %s not found by its search attributes", res.WorkflowID)
	}

	out := s.run("models", "list", "--json")
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, res.SHA256) {
		t.Fatalf("models list: %s", out)
	}
	var shown struct {
		Manifest struct {
			Threshold    float64  `json:"threshold"`
			FeatureNames []string `json:"feature_names"`
			WorkflowID   string   `json:"workflow_id"`
			SHA256       string   `json:"sha256"`
		} `json:"manifest"`
		Evaluations []struct {
			Part string `json:"part"`
		} `json:"evaluations"`
	}
	mustJSON(t, s.run("models", "show", "demo-gbdt@1", "--json"), &shown)
	if shown.Manifest.Threshold != res.Threshold || shown.Manifest.SHA256 != res.SHA256 || shown.Manifest.WorkflowID != res.WorkflowID || len(shown.Evaluations) != 2 {
		t.Fatalf("models show: %+v", shown)
	}

	names := s.writeFile("names.txt", "www.google.com\nmail.example.org\nxjw3kq9vbz1m.net\nnot..valid\nwww.google.com\n")
	lines := strings.Split(strings.TrimSpace(s.run("score", "--model", "demo-gbdt@1", "--file", names, "--json")), "\n")
	if len(lines) != 4 {
		t.Fatalf("score printed %d lines, want 4 (a bad line skipped): %v", len(lines), lines)
	}
	scores := map[string]float64{}
	for _, l := range lines {
		var sl struct {
			Input   string  `json:"input"`
			Score   float64 `json:"score"`
			Label   int     `json:"label"`
			Model   string  `json:"model"`
			Version int     `json:"version"`
		}
		mustJSON(t, l, &sl)
		if sl.Model != "demo-gbdt" || sl.Version != 1 || (sl.Label == 1) != (sl.Score >= res.Threshold) {
			t.Fatalf("score line %s", l)
		}
		scores[sl.Input] = sl.Score
	}

	// The XGBoost export, fed mlctl's own feature vectors, gives the same scores.
	xgb := filepath.Join(s.dir, "model.json")
	s.run("models", "export", "demo-gbdt@1", "--format", "xgboost-json", "-o", xgb)
	feats := s.writeFile("features.jsonl", s.run("features", "--model", "demo-gbdt@1", "--file", names, "--json"))
	pyref.Require(t, "xgboost", "numpy")
	pout := pyref.Run(t, nil, "-c", `
import json, sys, numpy as np, xgboost as xgb
b = xgb.Booster(); b.load_model(sys.argv[1])
rows = [json.loads(l) for l in open(sys.argv[2])]
x = np.array([[np.nan if v is None else v for v in r["values"]] for r in rows], dtype=np.float32)
p = b.predict(xgb.DMatrix(x, missing=np.nan, feature_names=rows[0]["names"]))
for r, v in zip(rows, p): print(r["input"], repr(float(v)))
`, xgb, feats)
	sc := bufio.NewScanner(strings.NewReader(string(pout)))
	n := 0
	for sc.Scan() {
		var in string
		var p float64
		if _, err := fmtSscan(sc.Text(), &in, &p); err != nil {
			t.Fatalf("python output %q: %v", sc.Text(), err)
		}
		if d := p - scores[in]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("%s: xgboost %.9f, mlctl %.9f", in, p, scores[in])
		}
		n++
	}
	if n != 4 {
		t.Fatalf("python scored %d rows", n)
	}

	// A corrupted artifact is refused.
	if _, err := s.db.Pool().Exec(context.Background(), `UPDATE models SET artifact = overlay(artifact placing '\x00'::bytea from 100 for 1) WHERE name = 'demo-gbdt'`); err != nil {
		t.Fatal(err)
	}
	_, errOut, err := s.try("score", "--model", "demo-gbdt@1", "--file", names)
	if err == nil || !strings.Contains(errOut, "checksum") {
		t.Fatalf("score with a corrupted artifact: err=%v stderr=%s", err, errOut)
	}
}

// TestWrongInputGivesOneLineErrors checks the CLI's error contract.
func TestWrongInputGivesOneLineErrors(t *testing.T) {
	s := newStack(t)
	cases := [][]string{
		{"dataset", "show", "nope"},
		{"train", "--dataset", "x@y", "--wait"},
		{"train", "--dataset", "x", "--param", "max_depth"},
		{"train", "--dataset", "x", "--param", "threshold_fpr=0"},
		{"train", "--dataset", "x", "--param", "threshold_rule=best"},
		{"dataset", "ingest", "d", "--kind", "dga", "--file", "/does/not/exist"},
		{"models", "export", "m@1", "--format", "onnx", "-o", "x"},
	}
	for _, args := range cases {
		_, errOut, err := s.try(args...)
		if err == nil {
			t.Errorf("mlctl %v succeeded", args)
			continue
		}
		if lines := strings.Count(strings.TrimSpace(errOut), "\n"); lines != 0 || !strings.HasPrefix(errOut, "mlctl: ") {
			t.Errorf("mlctl %v: stderr %q, want one line starting with mlctl:", args, errOut)
		}
	}
	// Too many bad rows abort the ingest, naming file and line.
	bad := s.writeFile("bad.txt", "good.com\nbad..com\n")
	_, errOut, err := s.try("dataset", "ingest", "d", "--kind", "dga", "--label", "0", "--file", bad)
	if err == nil || !strings.Contains(errOut, "bad.txt:2") || !strings.Contains(errOut, "aborted") {
		t.Fatalf("ingest with 50%% bad rows: err=%v stderr=%s", err, errOut)
	}
}

// TestWorkerKilledMidTrainingResumes kills the worker process while it
// trains; a new worker resumes from the last checkpoint (not tree 0), the
// workflow completes with exactly one model version, and the model's bytes
// equal those of an uninterrupted run with the same seed.
func TestWorkerKilledMidTrainingResumes(t *testing.T) {
	s := newStack(t)
	corpus := filepath.Join(s.dir, "demo.csv")
	s.run("dataset", "generate", "--rows", "20000", "--seed", "5", "-o", corpus)
	s.run("dataset", "ingest", "demo", "--kind", "dga", "--file", corpus)
	in := workflows.TrainModelInput{
		Model: "killed", Datasets: []string{"demo"}, Algo: "gbdt", Seed: 9,
		Params:                map[string]string{"rounds": "1500", "max_depth": "8", "eta": "0.02", "max_bin": "256"},
		TrainHeartbeatTimeout: 4 * time.Second, CheckpointEvery: 500 * time.Millisecond,
	}
	res, progress := s.killAndResume(in, 1500)
	if res.ResumedFrom < progress || res.ResumedFrom == 0 {
		t.Fatalf("resumed from tree %d, want at least the checkpoint's %d", res.ResumedFrom, progress)
	}
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(strings.TrimSpace(s)), v); err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
}
