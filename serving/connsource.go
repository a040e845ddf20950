package serving

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
)

// FlowRulesModel names the seed-003 flow checks in alerts until a learned
// flow model exists.
const FlowRulesModel = "flowcheck"

// connSource follows a Zeek conn.log and raises an alert for every source
// IP and window that trips a flow check.
type connSource struct {
	path     string
	fromEnd  bool
	checker  *FlowChecker
	parser   *datasets.ConnParser
	alerts   *AlertSink
	counters *SourceCounters
	bad      func(source string, err error)
}

func newConnSource(path string, fromEnd bool, cfg FlowCheckConfig, alerts *AlertSink, bad func(string, error)) (*connSource, error) {
	c, err := NewFlowChecker(cfg)
	if err != nil {
		return nil, err
	}
	return &connSource{path: path, fromEnd: fromEnd, checker: c, parser: datasets.NewConnParser(path), alerts: alerts,
		counters: &SourceCounters{}, bad: bad}, nil
}

// Run follows the log until ctx ends, then closes the open windows.
func (s *connSource) Run(ctx context.Context) error {
	err := Follow(ctx, s.path, FollowOptions{
		FromEnd: s.fromEnd,
		Head:    func(text string) bool { return strings.HasPrefix(text, "#") },
		Bad: func(err error) {
			s.counters.Bad.Add(1)
			s.bad("zeek-conn", err)
		},
	}, func(text string, n int) {
		s.counters.Read.Add(1)
		rec, ok, err := s.parser.Line(text, n)
		if err != nil {
			s.counters.Bad.Add(1)
			s.bad("zeek-conn", err)
			return
		}
		if !ok {
			s.counters.Skipped.Add(1)
			return
		}
		s.counters.Parsed.Add(1)
		s.raise(ctx, s.checker.Add(rec))
	})
	s.raise(ctx, s.checker.Flush())
	return err
}

// raise turns findings into alerts.
func (s *connSource) raise(ctx context.Context, fs []FlowFinding) {
	if len(fs) == 0 {
		return
	}
	s.counters.Scored.Add(uint64(len(fs)))
	alerts := make([]registry.Alert, len(fs))
	for i, f := range fs {
		detail, _ := json.Marshal(map[string]any{"checks": f.Checks, "window_start": f.WindowStart, "window_seconds": f.WindowSeconds,
			"window_label": f.WindowLabel, "numbers": f.Detail})
		alerts[i] = registry.Alert{SeenAt: f.WindowStart, Source: "zeek-conn", ClientIP: f.SrcIP, Input: f.Input(), Score: f.Score,
			Threshold: 0, Model: FlowRulesModel, Version: 0, SHA256: "", Detail: detail}
	}
	s.alerts.Add(ctx, alerts)
}
