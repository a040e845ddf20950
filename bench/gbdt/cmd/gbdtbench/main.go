// Command gbdtbench trains mlctl's gbdt and XGBoost side by side on a
// synthetic matrix and prints a Markdown table (or JSON with -json).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"

	gbdtbench "github.com/mlctl/mlctl/bench/gbdt"
	"github.com/mlctl/mlctl/training/gbdt"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gbdtbench:", err)
		os.Exit(1)
	}
}

func run() error {
	rows := flag.Int("rows", 165000, "synthetic rows")
	cols := flag.Int("cols", 55, "synthetic features")
	seed := flag.Uint64("seed", 1, "seed of the synthetic data and the split")
	threads := flag.String("threads", "1,2", "comma-separated thread counts")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	var params []string
	flag.Func("param", "training parameter k=v (XGBoost names), repeatable", func(s string) error {
		params = append(params, s)
		return nil
	})
	flag.Parse()

	p := gbdt.DefaultParams()
	kv := map[string]string{}
	for _, s := range params {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return fmt.Errorf("-param %q: want k=v", s)
		}
		kv[k] = v
	}
	if err := gbdt.ParseParams(kv, &p); err != nil {
		return err
	}
	var ths []int
	for _, s := range strings.Split(*threads, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-threads: %w", err)
		}
		ths = append(ths, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	x, y := gbdtbench.Synthetic(*rows, *cols, *seed)
	p.Seed = *seed
	res, err := gbdtbench.Compare(ctx, x, y, p, ths)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(res)
	}
	fmt.Print(res.Table())
	return nil
}
