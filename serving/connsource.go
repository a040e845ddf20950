package serving

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/flow"
	"github.com/mlctl/mlctl/registry"
)

// FlowRulesModel names the flow-analyzer flow checks in alerts raised while
// the alias points at no flow model.
const FlowRulesModel = "flowcheck"

// SourceZeekConn is the source name of a Zeek conn.log: in its alerts, its
// counters and its bad lines.
const SourceZeekConn = "zeek-conn"

// connSource follows a Zeek conn.log. Every connection goes through the
// flow-analyzer checks and through a flow Stream (the windows and features
// flow models are trained on); when a unit completes and the model in
// service is a flow model, the unit is scored and one at or over the
// threshold is an alert, else each source window that trips a check is.
type connSource struct {
	// source names it in alerts and bad lines: zeek-conn or kafka-conn.
	source   string
	path     string
	fromEnd  bool
	holder   *Holder
	ready    <-chan struct{}
	checker  *FlowChecker
	stream   *flow.Stream
	parser   *datasets.ConnParser
	alerts   *AlertSink
	counters *SourceCounters
	explain  int
	bad      func(source string, err error)
	// late counts connections that came after their window closed.
	late atomic.Int64
}

func newConnSource(path string, fromEnd bool, cfg FlowCheckConfig, holder *Holder, ready <-chan struct{}, alerts *AlertSink, bad func(string, error)) (*connSource, error) {
	c, err := NewFlowChecker(cfg)
	if err != nil {
		return nil, err
	}
	st, err := flow.NewStream(flow.DefaultWindowSet(), flow.Config{Lateness: cfg.Lateness, MaxSources: cfg.MaxSources,
		MaxPairsPerSource: cfg.MaxPairsPerSource, MaxPairs: cfg.MaxPairs})
	if err != nil {
		return nil, err
	}
	return &connSource{source: SourceZeekConn, path: path, fromEnd: fromEnd, holder: holder, ready: ready, checker: c, stream: st, parser: datasets.NewConnParser(path),
		alerts: alerts, counters: &SourceCounters{}, explain: 5, bad: bad}, nil
}

// Run follows the log until ctx ends, then closes the open windows. It
// starts reading once the alias has been checked (ready closed), so the
// model the alias points at, if any, decides how the log is scored from
// its first line.
func (s *connSource) Run(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return nil
	case <-s.ready:
	}
	err := Follow(ctx, s.path, FollowOptions{
		FromEnd: s.fromEnd,
		Head:    func(text string) bool { return strings.HasPrefix(text, "#") },
		Bad: func(err error) {
			s.counters.Bad.Add(1)
			s.bad(s.source, err)
		},
	}, func(text string, n int) {
		s.counters.Read.Add(1)
		rec, ok, err := s.parser.Line(text, n)
		if err != nil {
			s.counters.Bad.Add(1)
			s.bad(s.source, err)
			return
		}
		if !ok {
			s.counters.Skipped.Add(1)
			return
		}
		s.take(ctx, rec)
	})
	s.flush(ctx)
	return err
}

// take counts a connection parsed and adds it to the checks and windows,
// alerting on what completed.
func (s *connSource) take(ctx context.Context, rec datasets.ConnRecord) {
	s.counters.Parsed.Add(1)
	s.raise(ctx, s.checker.Add(rec), s.stream.Add(rec))
	s.late.Store(s.stream.LateFlows())
}

// flush closes the open windows and alerts on them.
func (s *connSource) flush(ctx context.Context) { s.raise(ctx, s.checker.Flush(), s.stream.Flush()) }

// raise alerts on what completed: the units, scored by the flow model in
// service, or else the check findings.
func (s *connSource) raise(ctx context.Context, fs []FlowFinding, units []flow.Unit) {
	if m := s.holder.Get(); m != nil && m.Scorer.Kind() == "flow" {
		s.score(ctx, m, units)
		return
	}
	if len(fs) == 0 {
		return
	}
	s.counters.Scored.Add(uint64(len(fs)))
	alerts := make([]registry.Alert, len(fs))
	for i, f := range fs {
		detail, _ := json.Marshal(map[string]any{"checks": f.Checks, "window_start": f.WindowStart, "window_seconds": f.WindowSeconds,
			"window_label": f.WindowLabel, "numbers": f.Detail})
		alerts[i] = registry.Alert{Kind: registry.AlertFlow, SeenAt: f.WindowStart, Source: s.source, ClientIP: f.SrcIP, Input: f.Input(), Score: f.Score,
			Threshold: 0, Model: FlowRulesModel, Version: 0, SHA256: "", Detail: detail}
	}
	s.alerts.Add(ctx, alerts)
}

// score scores completed units with a flow model and raises an alert,
// with its top features and vector, for each at or over the threshold.
// The units are offered to the model's live sample and, while a shadow is
// open, scored by the challenger too (which never alerts).
func (s *connSource) score(ctx context.Context, m *Model, units []flow.Unit) {
	if len(units) == 0 {
		return
	}
	vectors := make([][]float64, len(units))
	for i, u := range units {
		vectors[i] = u.Values
	}
	scores := make([]float64, len(units))
	names := s.stream.Set().Names()
	if err := m.Scorer.ScoreVectors(names, vectors, scores); err != nil {
		// The scorer was built for this feature set version: a bug, not input.
		s.bad(s.source, fmt.Errorf("score %d flow windows with %s: %w", len(units), m.Ref(), err))
		return
	}
	s.counters.Scored.Add(uint64(len(units)))
	if err := m.Sample.offerVectors(names, vectors); err != nil {
		s.bad(s.source, err)
	}
	if sh := s.holder.ShadowOf(m); sh != nil {
		if err := sh.scoreVectors(names, vectors, scores); err != nil {
			s.bad(s.source, err)
		}
	}
	var alerts []registry.Alert
	for i, u := range units {
		if scores[i] < m.Threshold {
			continue
		}
		d := map[string]any{"window_start": u.WindowStart, "window_seconds": u.WindowSeconds, "window_label": u.Label}
		if top, err := m.Scorer.ExplainVector(names, u.Values, s.explain); err == nil {
			d["top_features"] = top
		}
		detail, _ := json.Marshal(d)
		alerts = append(alerts, registry.Alert{Kind: registry.AlertFlow, SeenAt: u.WindowStart, Source: s.source, ClientIP: u.SrcIP.String(), Input: u.Input(),
			Score: scores[i], Threshold: m.Threshold, ModelID: m.ID, Model: m.Name, Version: m.Version, SHA256: m.SHA256,
			Detail: detail, Vector: u.Values})
	}
	s.alerts.Add(ctx, alerts)
}
