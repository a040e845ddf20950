package lstmbench

import (
	"context"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/deploy/devenv"
	"github.com/mlctl/mlctl/internal/pyref"
)

// TestCompareSmall runs the whole comparison, torch worker included, at
// small shapes and one epoch.
func TestCompareSmall(t *testing.T) {
	pyref.Require(t, "torch", "numpy")
	dir, err := devenv.SharedData()
	if err != nil {
		t.Fatal(err)
	}
	o := DefaultOptions(dir)
	o.Batch, o.Length, o.Vocab, o.Embed, o.Hidden = 16, 12, 500, 8, 8
	o.SpeedBatches, o.Repeats, o.Epochs = 6, 1, 1
	res, err := Compare(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.TorchVersion, "1.") || res.TorchThreads != 1 {
		t.Errorf("torch %q on %d threads", res.TorchVersion, res.TorchThreads)
	}
	s := res.Speed
	if len(s.MlctlTrainStepsPerSec) != 1 || len(s.TorchPredictSeqsPerSec) != 1 || !(s.TrainRatio > 0) || !(s.PredictRatio > 0) {
		t.Errorf("speed %+v", s)
	}
	a := res.Accuracy
	// Distinct records: 290 of the 349 zone lines, all 503 tunnel answers.
	if a.ZoneRecords != 290 || a.TunnelRecords != 503 || a.TrainRows+a.TestRows+a.Empty != a.ZoneRecords+a.TunnelRecords ||
		a.TestTunnel == 0 || a.TestTunnel == a.TestRows || a.Vocab > o.Vocab {
		t.Errorf("accuracy header %+v", a)
	}
	for name, auc := range map[string]float64{"mlctl": a.MlctlAUC, "torch": a.TorchAUC} {
		if !(auc > 0.5 && auc <= 1) {
			t.Errorf("%s ROC-AUC %v after one epoch", name, auc)
		}
	}
	table := res.Table()
	for _, want := range []string{"training steps/s", "inference sequences/s", "test ROC-AUC", "random 20%"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	t.Logf("\n%s", table)
}

func TestOptionsRefuseBadShapes(t *testing.T) {
	good := DefaultOptions("somewhere")
	if err := good.validate(); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*Options){
		"no data":         func(o *Options) { o.DataDir = "" },
		"one batch":       func(o *Options) { o.SpeedBatches = 1 },
		"no repeats":      func(o *Options) { o.Repeats = 0 },
		"zero length":     func(o *Options) { o.Length = 0 },
		"zero epochs":     func(o *Options) { o.Epochs = 0 },
		"tiny vocabulary": func(o *Options) { o.Vocab = 2 },
	} {
		o := good
		edit(&o)
		if err := o.validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
