// Command mlctl drives mlctl: datasets, training workflows, models and scoring.
package main

import (
	"os"

	"github.com/mlctl/mlctl/cli"
)

func main() { os.Exit(cli.Main(os.Args)) }
