package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
	"github.com/mlctl/mlctl/temporalenv"
)

// mlctlNoTemporal runs the built mlctl against a database and a Temporal
// address nothing listens on: ingest and score need no Temporal, and a
// name check must come before any dial.
func mlctlNoTemporal(t *testing.T, dbURL, dir string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, mlctlBin, args...)
	cmd.Env = append(temporalenv.DevEnviron(os.Environ(), "127.0.0.1:1", "default"), "MLCTL_DATABASE_URL="+dbURL)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// TestIngestAndScoreRefuseInvalidUTF8: a name with bytes that are not
// UTF-8 is a bad line with file:line for ingest and for offline scoring,
// never the punycode name xn--bad-6t7sa.com.
func TestIngestAndScoreRefuseInvalidUTF8(t *testing.T) {
	url := registrytest.NewDatabase(t)
	dir := t.TempDir()
	names := filepath.Join(dir, "names.txt")
	if err := os.WriteFile(names, []byte("good.example.com\nba\xff\xfed.com\nother.example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := mlctlNoTemporal(t, url, dir, "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, errOut)
	}
	out, errOut, err := mlctlNoTemporal(t, url, dir, "dataset", "ingest", "utf8", "--kind", "dga", "--label", "0", "--file", names, "--max-bad-fraction", "0.5", "--json")
	if err != nil {
		t.Fatalf("ingest: %v\n%s", err, errOut)
	}
	if strings.Contains(out+errOut, "xn--") || !strings.Contains(out+errOut, "names.txt:2") || !strings.Contains(out+errOut, "not UTF-8") {
		t.Errorf("ingest did not report line 2 as not UTF-8:\n%s\n%s", out, errOut)
	}

	ctx := context.Background()
	db, err := registry.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	publishedtest.Publish(t, db, "dga", publishedtest.NameModel(t, 3, 400, 5, false), 0.5)
	out, errOut, err = mlctlNoTemporal(t, url, dir, "score", "--model", "dga@1", "--file", names, "--json")
	if err != nil {
		t.Fatalf("score: %v\n%s", err, errOut)
	}
	if strings.Contains(out, "xn--") || strings.Count(strings.TrimSpace(out), "\n") != 1 || !strings.Contains(errOut, "names.txt:2") {
		t.Errorf("score scored the bad line or did not report it:\n%s\nstderr:\n%s", out, errOut)
	}
}

// TestTrainRefusesNameWithAt: `train --model 'm@1'` published m@1@1,
// which no command could address; it is a usage error (exit 2) naming
// --model, before Temporal is dialled.
func TestTrainRefusesNameWithAt(t *testing.T) {
	url := registrytest.NewDatabase(t)
	_, errOut, err := mlctlNoTemporal(t, url, t.TempDir(), "train", "--dataset", "dga", "--model", "m@1", "--wait")
	if exitCode(err) != 2 || !strings.Contains(errOut, `--model: model name "m@1"`) {
		t.Errorf("train --model m@1: exit %d, stderr %q; want exit 2 naming --model", exitCode(err), errOut)
	}
}
