package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTuneUsageErrors: a bad search is refused with exit status 2 and a
// message naming the flag, before anything is dialled; a good one gets as
// far as dialling Temporal, which is not there.
func TestTuneUsageErrors(t *testing.T) {
	dir := t.TempDir()
	space := filepath.Join(dir, "space.txt")
	if err := os.WriteFile(space, []byte("# depth\nmax_depth=3..10\neta=0.3..0.01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		says string
	}{
		{[]string{"tune", "--algo", "gbdt"}, "tune: --dataset NAME[@V] is required"},
		{[]string{"tune", "--dataset", "d", "--algo", "svm"}, "tune: --algo svm is not available"},
		{[]string{"tune", "--dataset", "d", "--param", "max_depth=10..3"}, "tune: --param max_depth=10..3: the low bound must be below the high one"},
		{[]string{"tune", "--dataset", "d", "--param", "eta=0..1:log"}, "tune: --param eta=0..1:log: a :log range must be above 0"},
		{[]string{"tune", "--dataset", "d", "--param", "eta=0.1..0.2", "--param", "eta=0.2..0.3"}, "tune: --param eta is given twice"},
		{[]string{"tune", "--dataset", "d", "--param", "seed=1..9"}, "tune: --param seed: the seed is --seed"},
		{[]string{"tune", "--dataset", "d", "--space", space}, "tune: --space " + space + ":3: eta=0.3..0.01: the low bound"},
		{[]string{"tune", "--dataset", "d", "--space", filepath.Join(dir, "none")}, "tune: --space: open"},
		{[]string{"tune", "--dataset", "d", "--objective", "auc"}, "tune: --objective auc: want roc_auc"},
		{[]string{"tune", "--dataset", "d", "--objective", "recall_at_fpr=2"}, "tune: --objective recall_at_fpr=2: want recall_at_fpr=F"},
		{[]string{"tune", "--dataset", "d", "--group", "client"}, "tune: --group client: want family"},
		{[]string{"tune", "--dataset", "d", "--trials", "0"}, "tune: --trials 0: want 1..500"},
		{[]string{"tune", "--dataset", "d", "--folds", "1"}, "tune: --folds 1: want 2..20"},
		{[]string{"tune", "--dataset", "d", "--parallel", "0"}, "tune: --parallel 0: want 1..64"},
		{[]string{"tune", "--dataset", "d", "--model", "m@1"}, `tune: --model: model name "m@1"`},
		{[]string{"tune", "extra"}, `tune: unknown argument "extra"`},
		{[]string{"tune", "show"}, "tune show: want one tuning run ID"},
		{[]string{"schedule", "create", "--dataset", "dga", "--kind", "dga", "--every", "1h", "--tune", "--tune-trials", "0", "--", "nightly"}, "schedule create: --tune-trials 0: want 1..500"},
		{[]string{"schedule", "create", "--dataset", "dga", "--kind", "dga", "--every", "1h", "--tune", "--tune-param", "max_depth=a..b", "--", "nightly"}, "schedule create: --tune-param max_depth=a..b: bounds must be finite numbers"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		args := append([]string{"mlctl", "--db", "postgres://nowhere.invalid/x", "--temporal", "nowhere.invalid:1"}, c.args...)
		err := App(&out, &errOut).Run(interspersed(App(&out, &errOut), args))
		if err == nil || exitStatus(err) != 2 || !strings.HasPrefix(err.Error(), c.says) {
			t.Errorf("mlctl %q: %v (exit %d); want exit 2 and %q", c.args, err, exitStatus(err), c.says)
		}
	}
	for _, args := range [][]string{
		{"tune", "--dataset", "demo", "--trials", "5", "--param", "max_depth=3..8", "--param", "eta=0.05..0.4:log", "--param", "rounds=60"},
		{"tune", "--dataset", "demo", "--algo", "rf"},
		{"tune", "--dataset", "demo", "--algo", "lstm", "--objective", "recall_at_fpr=0.01", "--group", "none", "--space", space + ".ok"},
	} {
		if strings.HasSuffix(args[len(args)-1], ".ok") {
			os.WriteFile(args[len(args)-1], []byte(`{"hidden": "16..64:log", "dropout": "0.0..0.5"}`), 0o644)
		}
		var out, errOut bytes.Buffer
		err := App(&out, &errOut).Run(append([]string{"mlctl", "--temporal", "127.0.0.1:1"}, args...))
		if err == nil || exitStatus(err) == 2 {
			t.Errorf("mlctl %q: %v; want it to pass the checks and fail to dial", args, err)
		}
	}
}
