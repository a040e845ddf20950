package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	ucli "github.com/urfave/cli/v2"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"github.com/mlctl/mlctl/activities"
	"github.com/mlctl/mlctl/webhook"
	"github.com/mlctl/mlctl/worker"
)

func workerCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "worker",
		Usage: "run a Temporal worker for mlctl's workflows and activities",
		Flags: []ucli.Flag{
			&ucli.StringSliceFlag{Name: "task-queue", Usage: fmt.Sprintf("task queue to serve (repeatable; default all: %v)", worker.Queues())},
			&ucli.StringFlag{Name: "metrics", EnvVars: []string{"MLCTL_WORKER_METRICS"}, Usage: "listen address (host:port) of GET /metrics in Prometheus text format: the Temporal SDK's metrics (temporal_*), mlctl's trainings, ingests and evaluations (mlctl_*), the process and Go runtime's; off without it"},
		},
		Action: runWorker,
	}
}

func runWorker(c *ucli.Context) error {
	ctx, stop := signal.NotifyContext(c.Context, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	queues := c.StringSlice("task-queue")
	if len(queues) == 0 {
		queues = worker.Queues()
	}
	logs, err := loggingOf(c)
	if err != nil {
		return err
	}
	logger := logs.logger(c.App.ErrWriter)
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	// The SDK logs through the worker's own handler: one format, one level.
	opts := client.Options{Logger: log.NewStructuredLogger(logger)}
	var acts activities.Activities
	if addr := c.String("metrics"); addr != "" {
		reg, err := workerRegistry()
		if err != nil {
			return err
		}
		if opts.MetricsHandler, err = worker.NewSDKMetrics(reg); err != nil {
			return err
		}
		if acts.Metrics, err = activities.NewMetrics(reg); err != nil {
			return err
		}
		ms, err := worker.ListenMetrics(addr, reg)
		if err != nil {
			return usagef("worker: --metrics %s: %v", addr, err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			ms.Close(sctx)
		}()
		logger.Info("metrics listening", "url", "http://"+ms.Addr()+"/metrics")
	}
	tc, err := dialTemporalWith(c, opts)
	if err != nil {
		return err
	}
	defer tc.Close()
	if err := worker.EnsureSearchAttributes(ctx, tc, temporalTarget(c).Namespace); err != nil {
		return err
	}
	acts.DB, acts.Client, acts.WebhookSecret = db, tc, []byte(os.Getenv(webhook.SecretEnv))
	target := temporalTarget(c)
	logger.Info("mlctl worker serving", "task_queues", queues, "temporal", target.Address, "namespace", target.Namespace)
	err = worker.Serve(ctx, tc, queues, &acts)
	logger.Info("mlctl worker stopped", "error", errString(err))
	return err
}

// workerRegistry is the registry a worker's /metrics serves: the process,
// Go runtime and build collectors; the SDK's and the activities' metrics
// are registered on it next.
func workerRegistry() (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	for _, c := range []prometheus.Collector{
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector(), collectors.NewBuildInfoCollector(),
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("worker: register the process and Go collectors: %w", err)
		}
	}
	return reg, nil
}

// errString is err's message, "" for nil (a log attribute).
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
