package cli

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/webhook"
	"github.com/mlctl/mlctl/worker"
)

func workerCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "worker",
		Usage: "run a Temporal worker for mlctl's workflows and activities",
		Flags: []ucli.Flag{
			&ucli.StringSliceFlag{Name: "task-queue", Usage: fmt.Sprintf("task queue to serve (repeatable; default all: %v)", worker.Queues())},
		},
		Action: func(c *ucli.Context) error {
			ctx, stop := signal.NotifyContext(c.Context, syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			queues := c.StringSlice("task-queue")
			if len(queues) == 0 {
				queues = worker.Queues()
			}
			db, err := openDB(c)
			if err != nil {
				return err
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				return err
			}
			tc, err := dialTemporal(c, c.App.ErrWriter, slog.LevelInfo)
			if err != nil {
				return err
			}
			defer tc.Close()
			target := temporalTarget(c)
			if err := worker.EnsureSearchAttributes(ctx, tc, target.Namespace); err != nil {
				return err
			}
			fmt.Fprintf(c.App.ErrWriter, "mlctl worker: serving %v on %s\n", queues, target)
			return worker.Run(ctx, tc, queues, db, []byte(os.Getenv(webhook.SecretEnv)))
		},
	}
}
