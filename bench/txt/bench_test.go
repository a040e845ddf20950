package txtbench

import (
	"context"
	"testing"

	"github.com/mlctl/mlctl/deploy/devenv"
)

// full is the study at a size that takes minutes (about 8 on two cores):
// more records, wider LSTMs with longer inputs and more epochs, and the
// byte-level LSTM. Run it with
//
//	go test ./bench/txt -run '^$' -bench Study -benchtime 1x -timeout 2h -v
var full = Config{
	Seed:    1,
	Sizes:   Sizes{ToolTrain: 200, ToolTest: 300, BenignTrain: 200, BenignTest: 150, Dns2tcp: 300},
	LSTM:    LSTMSize{Embed: 32, Hidden: 32, Epochs: 8, BatchSize: 32, LearningRate: 0.003, MaxLen: 384, MaxTerms: 10000},
	Rounds:  300,
	Workers: 2,
}

func BenchmarkStudy(b *testing.B) {
	dir, err := devenv.SharedData()
	if err != nil {
		b.Fatal(err)
	}
	c, err := ReadCorpus(dir)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for _, p := range []Protocol{UnseenKind, UnseenRecords} {
			cfg := full
			cfg.Protocol = p
			r, err := Run(context.Background(), c, cfg, Recipes(cfg.LSTM, cfg.Rounds, true))
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("\n%s", r.Table())
		}
	}
}
