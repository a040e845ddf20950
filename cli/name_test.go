package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mlctl/mlctl"
)

// TestNamesAreUsageErrors: a model, dataset, schedule or alias name that
// breaks mlctl.ValidateName is refused before anything is dialled or
// stored, with exit status 2 and the flag or argument named. Temporal and
// PostgreSQL point nowhere: the check must come first.
func TestNamesAreUsageErrors(t *testing.T) {
	cases := []struct {
		args  []string
		where string
	}{
		{[]string{"train", "--dataset", "dga", "--model", "m@1"}, "train: --model: model name \"m@1\""},
		{[]string{"train", "--dataset", "dga", "--model", "../../etc/m"}, "train: --model: model name \"../../etc/m\""},
		{[]string{"train", "--dataset", "dga", "--model", "m\x1b[31m"}, `train: --model: model name "m\x1b[31m"`},
		{[]string{"dataset", "ingest", "--kind", "dga", "--file", "x.txt", "--", "d\nx"}, `dataset ingest: NAME: dataset name "d\nx"`},
		{[]string{"dataset", "ingest", "--kind", "dga", "--file", "x.txt", "--", "../d"}, `dataset ingest: NAME: dataset name "../d"`},
		{[]string{"schedule", "create", "--dataset", "dga", "--every", "1h", "--", "night@ly"}, `schedule create: NAME: schedule name "night@ly"`},
		{[]string{"train", "--dataset", "d/x"}, `train: the default --model (d/x-gbdt): model name "d/x-gbdt"`},
		{[]string{"schedule", "create", "--dataset", "d/x", "--model", "m", "--every", "1h", "--", "nightly"}, `schedule create: --dataset: dataset name "d/x"`},
		{[]string{"promote", "--alias", "prod uction", "dga@1"}, `promote: --alias: alias name "prod uction"`},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		args := append([]string{"mlctl", "--db", "postgres://nowhere.invalid/x", "--temporal", "nowhere.invalid:1"}, c.args...)
		err := App(&out, &errOut).Run(args)
		if err == nil || exitStatus(err) != 2 || !strings.HasPrefix(err.Error(), c.where) || !strings.Contains(err.Error(), mlctl.NameRule) {
			t.Errorf("mlctl %q: %v (exit %d); want exit 2 and %q with the rule", c.args, err, exitStatus(err), c.where)
		}
	}
	// Names the demo and the tests use pass: the run gets as far as
	// dialling Temporal, which is not there.
	for _, args := range [][]string{
		{"train", "--dataset", "demo-flows", "--model", "demo-flows-rf", "--algo", "rf"},
		{"train", "--dataset", "gdga@3", "--model", "golden-dga-gbdt-nogen"},
		{"train", "--dataset", "demo"},
	} {
		var out, errOut bytes.Buffer
		err := App(&out, &errOut).Run(append([]string{"mlctl", "--temporal", "127.0.0.1:1"}, args...))
		if err == nil || exitStatus(err) == 2 {
			t.Errorf("mlctl %q: %v; want it to pass the checks and fail to dial", args, err)
		}
	}
}
