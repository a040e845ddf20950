package main

import (
	"context"
	"fmt"

	flowsbench "github.com/mlctl/mlctl/bench/flows"
)

// compareFlows runs the port-scan detection benchmark on the Stratosphere
// captures under dataDir (bench/flows: leave one capture out, mlctl's
// random forest and isolation forest and sklearn's random forest on the
// same rows) and prints its table.
func compareFlows(ctx context.Context, dataDir string) (*flowsbench.Result, error) {
	fmt.Println("port-scan detection: Stratosphere captures, one source IP per 10 s window, leave one capture out")
	res, err := flowsbench.Run(ctx, flowsbench.DefaultOptions(dataDir))
	if err != nil {
		return nil, err
	}
	fmt.Println(res.Table())
	return &res, nil
}
