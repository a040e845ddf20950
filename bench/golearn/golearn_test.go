package golearnbench

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/bench/measure"
	"github.com/mlctl/mlctl/training/matrix"
)

// tinyJob is a job on a 3-row training part and 4 held-out rows of 2
// columns, for both forests, 2 repeats.
func tinyJob() Job {
	m := func(rows int, v ...float32) *matrix.Matrix {
		x := matrix.New(rows, 2)
		copy(x.Values, v)
		return x
	}
	s := measure.Split{
		Train: m(3, 1, 2, 3, 4, 5, 6), TrainLabels: []float32{0, 1, 0},
		Test: m(4, 7, 8, 9, 10, 11, 12, 13, float32(math.NaN())), TestLabels: []float32{0, 0, 1, 1},
	}
	return Job{Seed: 7, Repeats: 2,
		RandomForest:    &RandomForest{Split: s, Trees: 5, Features: 1, Threads: 2},
		IsolationForest: &IsolationForest{Base: s.Train, Test: s.Test, TestLabels: s.TestLabels, Trees: 4, MaxDepth: 8, Samples: 3}}
}

func writeF64(t *testing.T, path string, v ...float64) {
	t.Helper()
	b := make([]byte, 8*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(f))
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

const goodOutput = `{"golearn":"v0.0.0-20221228163002-74ae077eafb2","go":"go1.26.8","missing":1,
	"random_forest":{"fit_seconds":[2,4],"score_seconds":[1,1]},
	"isolation_forest":{"fit_seconds":[0.5,0.25],"score_seconds":[0.125,0.125]}}`

// TestWriteJobCollect writes a job as ./ref reads it, then reads back
// scores as ./ref leaves them: AUCs, the majority vote's AUC and whether
// the repeats agree.
func TestWriteJobCollect(t *testing.T) {
	dir, job := t.TempDir(), tinyJob()
	if err := WriteJob(dir, job); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "job.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := `{"isolation_forest":{"cols":2,"max_depth":8,"samples":3,"test_rows":4,"train_rows":3,"trees":4},` +
		`"random_forest":{"cols":2,"features":1,"test_rows":4,"threads":2,"train_rows":3,"trees":5},"repeats":2,"seed":7}`
	if norm, _ := json.Marshal(got); string(norm) != want {
		t.Fatalf("job.json\n got %s\nwant %s", norm, want)
	}
	for name, n := range map[string]int64{"rf_x_train.f32": 24, "rf_y_train.f32": 12, "rf_x_test.f32": 32, "if_x_train.f32": 24, "if_x_test.f32": 32} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() != n {
			t.Errorf("%s: %v, want %d bytes", name, err, n)
		}
	}

	res, err := ParseOutput([]byte(goodOutput), job)
	if err != nil {
		t.Fatal(err)
	}
	if res.RandomForest.FitMedian != 3 || res.IsolationForest.ScoreMedian != 0.125 || res.Missing != 1 || res.Repeats != 2 {
		t.Fatalf("parsed %+v %+v", res.RandomForest, res.IsolationForest)
	}
	// The forest votes alike twice; its majority vote (> 0.5) gets one
	// malicious row wrong. The isolation forest's second repeat differs on
	// one row.
	writeF64(t, filepath.Join(dir, "rf_votes_0.f64"), 0.1, 0.4, 0.5, 0.9)
	writeF64(t, filepath.Join(dir, "rf_votes_1.f64"), 0.1, 0.4, 0.5, 0.9)
	writeF64(t, filepath.Join(dir, "if_scores_0.f64"), 0.3, 0.4, 0.6, 0.7)
	writeF64(t, filepath.Join(dir, "if_scores_1.f64"), 0.65, 0.4, 0.6, 0.7)
	res, err = Collect(dir, job, res)
	if err != nil {
		t.Fatal(err)
	}
	rf, iso := res.RandomForest, res.IsolationForest
	if rf.AUC != 1 || rf.MajorityAUC != 0.75 || !rf.SameScores || rf.Differing != 0 || rf.TrainRows != 3 || rf.TestRows != 4 {
		t.Errorf("random forest %+v", rf)
	}
	if iso.AUCs[0] != 1 || iso.AUCs[1] != 0.75 || iso.AUC != 0.875 || iso.SameScores || iso.Differing != 1 || iso.MajorityAUC != 0 {
		t.Errorf("isolation forest %+v", iso)
	}
	// A score file of the wrong length is an error.
	writeF64(t, filepath.Join(dir, "if_scores_1.f64"), 0.5)
	if _, err := Collect(dir, job, res); err == nil {
		t.Error("short score file accepted")
	}
}

func TestParseOutputRejects(t *testing.T) {
	job := tinyJob()
	rfOnly := job
	rfOnly.IsolationForest = nil
	for _, tc := range []struct {
		name, out string
		job       Job
	}{
		{"not JSON", `golearn ref: panic`, job},
		{"two values", goodOutput + `{}`, job},
		{"unknown field", strings.Replace(goodOutput, `"missing"`, `"extra":1,"missing"`, 1), job},
		{"no version", strings.Replace(goodOutput, `"v0.0.0-20221228163002-74ae077eafb2"`, `""`, 1), job},
		{"forest not reported", `{"golearn":"v","go":"g","missing":0,"random_forest":{"fit_seconds":[1,1],"score_seconds":[1,1]}}`, job},
		{"forest not asked", goodOutput, rfOnly},
		{"too few repeats", strings.Replace(goodOutput, `"fit_seconds":[2,4]`, `"fit_seconds":[2]`, 1), job},
		{"negative time", strings.Replace(goodOutput, `[0.125,0.125]`, `[0.125,-1]`, 1), job},
	} {
		if _, err := ParseOutput([]byte(tc.out), tc.job); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

func TestWriteJobRejects(t *testing.T) {
	job := tinyJob()
	job.RandomForest.Split.TrainLabels = job.RandomForest.Split.TrainLabels[:2]
	if err := WriteJob(t.TempDir(), job); err == nil {
		t.Error("labels of the wrong length accepted")
	}
	job = tinyJob()
	job.IsolationForest.Test = matrix.New(4, 3)
	if err := WriteJob(t.TempDir(), job); err == nil {
		t.Error("matrices of different widths accepted")
	}
}
