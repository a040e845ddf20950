package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Outcomes of an activity attempt: the values of the outcome label.
const (
	OutcomeSucceeded = "succeeded"
	OutcomeFailed    = "failed"
	// OutcomeCanceled: the attempt was canceled or timed out (the worker
	// stopping, the workflow canceled); Temporal may retry it.
	OutcomeCanceled = "canceled"
)

// trainingBuckets are the upper bounds (seconds) of the training-time
// histogram: from a toy model to a long LSTM.
var trainingBuckets = []float64{0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400}

// Metrics are the activities' own Prometheus metrics, beside the Temporal
// SDK's: training attempts and their outcome, time and rows, ingests and
// evaluations. A nil *Metrics counts nothing.
type Metrics struct {
	trainingsStarted *prometheus.CounterVec
	trainings        *prometheus.CounterVec
	trainingSeconds  *prometheus.HistogramVec
	trainingRows     *prometheus.CounterVec
	ingests          *prometheus.CounterVec
	ingestedRows     prometheus.Counter
	evaluations      *prometheus.CounterVec
}

// NewMetrics returns the activities' metrics, registered on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		trainingsStarted: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlctl_trainings_started_total",
			Help: "Train activity attempts started (a retried attempt counts again), by algorithm."}, []string{"algo"}),
		trainings: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlctl_trainings_total",
			Help: "Train activity attempts ended, by algorithm and outcome: succeeded (a candidate model stored), failed, canceled (or timed out)."}, []string{"algo", "outcome"}),
		trainingSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "mlctl_training_seconds",
			Help: "Wall time of Train activity attempts that succeeded, by algorithm.", Buckets: trainingBuckets}, []string{"algo"}),
		trainingRows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlctl_training_rows_total",
			Help: "Rows models were trained on (the training part), by algorithm, counted when the attempt succeeds."}, []string{"algo"}),
		ingests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlctl_ingests_total",
			Help: "IngestNewData attempts (a Retrain's new files) by outcome: created (a new dataset version), unchanged, failed."}, []string{"outcome"}),
		ingestedRows: prometheus.NewCounter(prometheus.CounterOpts{Name: "mlctl_ingested_rows_total",
			Help: "New rows IngestNewData read into new dataset versions."}),
		evaluations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mlctl_evaluations_total",
			Help: "Evaluate activity attempts (a candidate on its validation and test parts) by outcome."}, []string{"outcome"}),
	}
	for _, c := range []prometheus.Collector{m.trainingsStarted, m.trainings, m.trainingSeconds, m.trainingRows, m.ingests, m.ingestedRows, m.evaluations} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register the activities' metrics: %w", err)
		}
	}
	for _, o := range []string{"created", "unchanged", OutcomeFailed} {
		m.ingests.WithLabelValues(o) // listed at 0 from the start
	}
	for _, o := range []string{OutcomeSucceeded, OutcomeFailed, OutcomeCanceled} {
		m.evaluations.WithLabelValues(o)
	}
	return m, nil
}

// outcome is the outcome label of an attempt that ended with err.
func outcome(err error) string {
	switch {
	case err == nil:
		return OutcomeSucceeded
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return OutcomeCanceled
	}
	return OutcomeFailed
}

// trainingStarted counts a Train attempt of algo.
func (m *Metrics) trainingStarted(algo string) {
	if m == nil {
		return
	}
	m.trainingsStarted.WithLabelValues(algo).Inc()
}

// trainingEnded counts a Train attempt of algo that ended with err after
// d, having trained on rows rows when it succeeded.
func (m *Metrics) trainingEnded(algo string, rows int, d time.Duration, err error) {
	if m == nil {
		return
	}
	o := outcome(err)
	m.trainings.WithLabelValues(algo, o).Inc()
	if o == OutcomeSucceeded {
		m.trainingSeconds.WithLabelValues(algo).Observe(d.Seconds())
		m.trainingRows.WithLabelValues(algo).Add(float64(rows))
	}
}

// ingested counts an IngestNewData attempt: a new version of newRows rows
// (created), none (unchanged) or err.
func (m *Metrics) ingested(created bool, newRows int, err error) {
	if m == nil {
		return
	}
	switch {
	case err != nil:
		m.ingests.WithLabelValues(OutcomeFailed).Inc()
	case created:
		m.ingests.WithLabelValues("created").Inc()
		m.ingestedRows.Add(float64(newRows))
	default:
		m.ingests.WithLabelValues("unchanged").Inc()
	}
}

// evaluated counts an Evaluate attempt that ended with err.
func (m *Metrics) evaluated(err error) {
	if m == nil {
		return
	}
	m.evaluations.WithLabelValues(outcome(err)).Inc()
}
