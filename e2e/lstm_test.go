package e2e

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/workflows"
)

// TestLSTMResumesAfterKillAndServes: `--algo lstm` trains on domain names
// in TrainModel with a checkpoint after every epoch; a worker killed after
// a checkpoint is replaced, training resumes after that epoch, exactly one
// version is published, and its bytes equal an uninterrupted run's. The
// model then scores offline and through `mlctl serve`.
func TestLSTMResumesAfterKillAndServes(t *testing.T) {
	s := newStack(t)
	corpus := filepath.Join(s.dir, "demo.csv")
	s.run("dataset", "generate", "--rows", "20000", "--seed", "5", "-o", corpus)
	s.run("dataset", "ingest", "demo", "--kind", "dga", "--file", corpus)
	in := workflows.TrainModelInput{
		Model: "killed-lstm", Datasets: []string{"demo"}, Algo: "lstm", Seed: 4,
		Params:                map[string]string{"epochs": "4", "patience": "0", "hidden": "32", "embed": "16"},
		TrainHeartbeatTimeout: 4 * time.Second,
	}
	res, epoch := s.killAndResume(in, 4)
	if res.ResumedFrom < epoch || res.Trees != 4 || res.Metrics.AUCROC < 0.95 {
		t.Fatalf("resumed after epoch %d with %d epochs and ROC-AUC %.4f, want at least %d, 4 and 0.95", res.ResumedFrom, res.Trees, res.Metrics.AUCROC, epoch)
	}

	names := s.writeFile("names.txt", "www.google.com\nxkqwjzprtmvbnd.net\n")
	out := s.run("score", "--model", "killed-lstm@1", "--file", names, "--json")
	if strings.Count(out, `"model":"killed-lstm"`) != 2 {
		t.Fatalf("score:\n%s", out)
	}
	s.run("promote", "killed-lstm@1", "--alias", "lstm", "--wait")
	addr := freeAddr(t)
	sc := s.startScorer(addr, "--alias", "lstm")
	sc.waitVersion(1, 20*time.Second)
	if code, body := post(t, addr, `{"names":["www.google.com","xkqwjzprtmvbnd.net"]}`); code != 200 || strings.Count(body, `"score":`) != 2 {
		t.Fatalf("POST names to an lstm model: %d %s", code, body)
	}
	sc.stop()
}
