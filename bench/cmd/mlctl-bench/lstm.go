package main

import (
	"context"
	"fmt"

	lstmbench "github.com/mlctl/mlctl/bench/lstm"
	"github.com/mlctl/mlctl/deploy/devenv"
)

// compareLSTM runs the LSTM comparison with torch (bench/lstm: training
// and inference speed on one thread, and ROC-AUC on the shared corpora's
// TXT records) and prints its tables.
func compareLSTM(ctx context.Context) (*lstmbench.Result, error) {
	dir, err := devenv.SharedData()
	if err != nil {
		return nil, err
	}
	fmt.Printf("lstm: mlctl (training/lstm) vs torch, one thread each; TXT records from %s/txt\n", dir)
	res, err := lstmbench.Compare(ctx, lstmbench.DefaultOptions(dir))
	if err != nil {
		return nil, err
	}
	fmt.Println(res.Table())
	return &res, nil
}
