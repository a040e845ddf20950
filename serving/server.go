package serving

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/features/prefilter"
	"github.com/mlctl/mlctl/registry"
)

// Config is what `mlctl serve` runs.
type Config struct {
	Alias string
	// HTTPAddr is the API's listen address ("" for none; ":0" picks a port).
	HTTPAddr string
	// ZeekDNS and ZeekConn are Zeek logs to follow ("" for none).
	ZeekDNS, ZeekConn string
	// FromEnd starts following logs at their end (new lines only).
	FromEnd bool
	// Dnstap is a unix socket path to receive dnstap on ("" for none).
	Dnstap string
	// DnstapResponses scores client responses too (default: queries only).
	DnstapResponses bool
	// Alerts is a JSON lines file alerts are appended to ("" for none).
	Alerts string
	// Flow configures the conn.log checks.
	Flow FlowCheckConfig
	// Campaigns configures how alerts are grouped into campaigns.
	Campaigns CampaignOptions
	// MaxBody bounds HTTP request bodies (default 16 MiB).
	MaxBody int64
	// Heartbeat is the heartbeat interval (default 2s), at which a
	// shadow's stats are recorded too; Poll the alias polling fallback
	// (default 2s).
	Heartbeat, Poll time.Duration
	Pipeline        PipelineOptions
	// DriftSample is how many feature vectors the live sample of each
	// model in service keeps (0: no sample); SampleFlush how often it is
	// recorded (default 10s).
	DriftSample int
	SampleFlush time.Duration
	// Prefilter decides the names a domain-name model never scores, from
	// every source and over HTTP (nil: the built-in rules only).
	Prefilter *prefilter.Prefilter
}

// Server is one scorer process: model holder, alias watcher, heartbeat,
// HTTP API, traffic sources and alert sink.
type Server struct {
	cfg     Config
	db      *registry.DB
	log     *slog.Logger
	id      string
	host    string
	started time.Time

	holder   *Holder
	watcher  *Watcher
	beat     *Heartbeat
	recorder *Recorder
	metrics  *Metrics
	alerts   *AlertSink
	pipeline *Pipeline
	flows    *connSource
	listener net.Listener
	badMu    sync.Mutex
	badShown map[string]int
}

// maxBadShown is how many bad lines per source are logged; all are counted.
const maxBadShown = 20

// NewServer prepares a scorer; Run starts it. The HTTP listener is opened
// here so Addr is known before Run.
func NewServer(db *registry.DB, cfg Config, log *slog.Logger) (*Server, error) {
	if err := registry.ValidAliasName(cfg.Alias); err != nil {
		return nil, err
	}
	if cfg.HTTPAddr == "" && cfg.ZeekDNS == "" && cfg.ZeekConn == "" && cfg.Dnstap == "" {
		return nil, mlctl.Errorf(mlctl.EINVALID, "serve: give at least one source: --http ADDR, --zeek-dns PATH, --zeek-conn PATH or --dnstap unix:PATH")
	}
	if cfg.DriftSample < 0 {
		return nil, mlctl.Errorf(mlctl.EINVALID, "serve: --drift-sample %d: want 0 (no sample) or more", cfg.DriftSample)
	}
	if err := cfg.Pipeline.Clients.Validate(); err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	var rnd [4]byte
	rand.Read(rnd[:])
	s := &Server{cfg: cfg, db: db, log: log, host: host, started: time.Now(), holder: &Holder{}, metrics: NewMetrics(),
		id: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(rnd[:])), badShown: map[string]int{}}
	var sources []string
	if cfg.ZeekDNS != "" {
		sources = append(sources, "zeek-dns")
	}
	if cfg.Dnstap != "" {
		sources = append(sources, "dnstap")
	}
	var err error
	if s.alerts, err = NewAlertSinkWith(db, s.id, cfg.Alerts, log, cfg.Campaigns); err != nil {
		return nil, err
	}
	po := cfg.Pipeline
	po.Prefilter = cfg.Prefilter
	s.pipeline = NewPipeline(s.holder, s.alerts, log, sources, po)
	s.recorder = &Recorder{DB: db, Holder: s.holder, ScorerID: s.id, Log: log, StatsEvery: cfg.Heartbeat, SampleEvery: cfg.SampleFlush}
	seed := fnv.New64a()
	seed.Write([]byte(s.id))
	s.watcher = &Watcher{DB: db, Alias: cfg.Alias, Holder: s.holder, Log: log, Poll: cfg.Poll,
		SampleSize: cfg.DriftSample, SampleSeed: seed.Sum64(), ModelRetired: s.recorder.RetireModel, ShadowRetired: s.recorder.RetireShadow}
	if cfg.ZeekConn != "" {
		if s.flows, err = newConnSource(cfg.ZeekConn, cfg.FromEnd, cfg.Flow, s.holder, s.watcher.Checked(), s.alerts, s.bad); err != nil {
			return nil, err
		}
	}
	s.beat = NewHeartbeat(db, cfg.Heartbeat, log, s.heartbeat)
	s.watcher.Changed = s.beat.Kick
	s.metrics.Collect = s.collect
	if cfg.HTTPAddr != "" {
		if s.listener, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
			return nil, fmt.Errorf("serve: --http %s: %w", cfg.HTTPAddr, err)
		}
	}
	return s, nil
}

// ID is the scorer's id in the registry (`mlctl serve status`).
func (s *Server) ID() string { return s.id }

// Addr is the HTTP API's address ("" without one).
func (s *Server) Addr() string {
	if s.listener == nil {
		return ""
	}
	return s.listener.Addr().String()
}

// Holder is the scorer's model holder.
func (s *Server) Holder() *Holder { return s.holder }

// Run serves until ctx ends, then shuts down gracefully: sources stop
// reading, the queue is scored, HTTP requests in flight finish, alerts are
// flushed, the shadow stats and live sample are recorded and a last
// heartbeat marks the scorer stopped.
func (s *Server) Run(ctx context.Context) error {
	if n, err := s.db.PruneScorers(ctx, 7*24*time.Hour); err != nil {
		s.log.Warn("prune old scorer rows", "error", err)
	} else if n > 0 {
		s.log.Info("pruned scorer rows silent for a week", "rows", n)
	}
	bg, stopBg := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBg()
	var bgWG sync.WaitGroup
	bgWG.Add(3)
	go func() { defer bgWG.Done(); s.watcher.Run(bg) }()
	go func() { defer bgWG.Done(); s.beat.Run(bg) }()
	go func() { defer bgWG.Done(); s.recorder.Run(bg) }() // its last write comes after the last input is scored
	pipeDone := make(chan struct{})
	go func() { defer close(pipeDone); s.pipeline.Run(ctx) }()

	errs := make(chan error, 4)
	var srcWG sync.WaitGroup
	start := func(name string, run func(context.Context) error) {
		srcWG.Add(1)
		go func() {
			defer srcWG.Done()
			if err := run(ctx); err != nil && ctx.Err() == nil {
				errs <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	if s.cfg.ZeekDNS != "" {
		z := &ZeekDNS{Path: s.cfg.ZeekDNS, FromEnd: s.cfg.FromEnd, Counters: s.pipeline.Counters("zeek-dns"),
			Bad: func(err error) { s.bad("zeek-dns", err) }, Emit: s.pipeline.Offer}
		start("zeek-dns", z.Run)
	}
	if s.cfg.Dnstap != "" {
		d := &Dnstap{SocketPath: s.cfg.Dnstap, ScoreResponses: s.cfg.DnstapResponses, Counters: s.pipeline.Counters("dnstap"),
			Bad: func(err error) { s.bad("dnstap", err) }, Emit: s.pipeline.Offer}
		start("dnstap", d.Run)
	}
	if s.flows != nil {
		start("zeek-conn", s.flows.Run)
	}
	var srv *http.Server
	var shutdown chan struct{} // closed when HTTP requests in flight have finished
	if s.listener != nil {
		api := &API{Holder: s.holder, Metrics: s.metrics, MaxBody: s.cfg.MaxBody, Log: s.log, Prefilter: s.cfg.Prefilter}
		srv = &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second}
		srcWG.Add(1)
		go func() {
			defer srcWG.Done()
			if err := srv.Serve(s.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- fmt.Errorf("http: %w", err)
			}
		}()
		shutdown = make(chan struct{})
		go func() {
			defer close(shutdown)
			<-ctx.Done()
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			srv.Shutdown(sctx) // requests in flight finish (up to 30 s)
		}()
	}
	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errs:
		s.log.Error("source failed; shutting down", "error", runErr)
	}
	// Shutdown order: sources, then the queue, then alerts and the heartbeat.
	if runErr != nil && srv != nil {
		srv.Close()
	}
	srcWG.Wait()
	if shutdown != nil && runErr == nil {
		<-shutdown // Serve returns at once on Shutdown; the requests it holds finish here
	}
	s.pipeline.Close()
	<-pipeDone
	if err := s.alerts.Close(); err != nil {
		s.log.Error("close alerts file", "error", err)
	}
	stopBg()
	bgWG.Wait()
	return runErr
}

// bad logs the first bad lines of a source (all are counted by the source).
func (s *Server) bad(source string, err error) {
	s.badMu.Lock()
	n := s.badShown[source]
	s.badShown[source] = n + 1
	s.badMu.Unlock()
	switch {
	case n < maxBadShown:
		s.log.Warn("bad input", "source", source, "error", err)
	case n == maxBadShown:
		s.log.Warn("more bad input; counting without logging (see /metrics and `mlctl serve status`)", "source", source)
	}
}

// heartbeat describes the scorer now.
func (s *Server) heartbeat() registry.ScorerBeat {
	st := s.watcher.Status()
	b := registry.ScorerBeat{ID: s.id, Host: s.host, PID: os.Getpid(), Alias: s.cfg.Alias, Listen: s.listenDesc(),
		ChangeID: st.ChangeID, RefusedModelID: st.RefusedModelID, LastError: st.LastError, StartedAt: s.started,
		Counters: s.counters()}
	if m := s.holder.Get(); m != nil {
		b.ModelID, b.SHA256, b.LoadedAt = m.ID, m.SHA256, m.LoadedAt
	}
	return b
}

func (s *Server) listenDesc() string {
	var parts []string
	if a := s.Addr(); a != "" {
		parts = append(parts, "http://"+a)
	}
	if s.cfg.ZeekDNS != "" {
		parts = append(parts, "zeek-dns:"+s.cfg.ZeekDNS)
	}
	if s.cfg.ZeekConn != "" {
		parts = append(parts, "zeek-conn:"+s.cfg.ZeekConn)
	}
	if s.cfg.Dnstap != "" {
		parts = append(parts, "dnstap:unix:"+s.cfg.Dnstap)
	}
	return strings.Join(parts, " ")
}

// counters is the heartbeat's counters object.
func (s *Server) counters() map[string]any {
	out := map[string]any{
		"http_names_scored": s.metrics.NamesScored.Load(),
		"http_txt_scored":   s.metrics.TXTScored.Load(),
		"http_prefiltered":  s.metrics.Prefiltered.Total(),
		"alerts":            s.alerts.Raised(),
		"swaps":             s.watcher.Swaps(),
		"refused_models":    s.watcher.Refusals(),
		"refused_shadows":   s.watcher.ShadowRefusals(),
		"queue":             s.pipeline.QueueLen(),
		"client_alerts":     s.alerts.RaisedKind(registry.AlertClient),
	}
	if c := s.pipeline.ClientWindows(); c != nil {
		out["alerts_deduplicated"] = c.Deduplicated()
	}
	if sh := s.holder.Shadow(); sh != nil {
		st := sh.Stats()
		out["shadow"] = map[string]any{"id": sh.ID, "champion": sh.Champion.Ref(), "challenger": sh.Challenger.Ref(),
			"scored": st.Scored, "disagreements": st.Disagreements, "champion_alerts": st.ChampionAlerts, "challenger_alerts": st.ChallengerAlerts}
	}
	if m := s.holder.Get(); m != nil && m.Sample != nil {
		out["live_sample"] = map[string]any{"rows": m.Sample.Len(), "seen": m.Sample.Seen()}
	}
	for name, c := range s.sourceCounters() {
		out[name] = map[string]uint64{"read": c.Read.Load(), "parsed": c.Parsed.Load(), "bad": c.Bad.Load(),
			"skipped": c.Skipped.Load(), "scored": c.Scored.Load(), "dropped": c.Dropped.Load(), "prefiltered": c.Prefiltered.Total()}
	}
	return out
}

func (s *Server) sourceCounters() map[string]*SourceCounters {
	out := map[string]*SourceCounters{}
	for name, c := range s.pipeline.counters {
		out[name] = c
	}
	if s.flows != nil {
		out["zeek-conn"] = s.flows.counters
	}
	return out
}

// collect writes the metrics owned outside Metrics.
func (s *Server) collect(p *PromWriter) {
	p.Family("mlctl_scorer_info", "gauge", "This scorer (1), by id, host and alias.")
	p.Sample("mlctl_scorer_info", 1, "scorer_id", s.id, "host", s.host, "alias", s.cfg.Alias)
	p.Family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch in seconds.")
	p.Sample("process_start_time_seconds", float64(s.started.UnixNano())/1e9)
	p.Family("go_goroutines", "gauge", "Number of goroutines that currently exist.")
	p.Sample("go_goroutines", float64(runtime.NumGoroutine()))
	p.Family("mlctl_model_info", "gauge", "The model in service (1), by name, version and SHA-256.")
	p.Family("mlctl_model_threshold", "gauge", "The threshold of the model in service: scores at or above it are alerts.")
	p.Family("mlctl_model_loaded_timestamp_seconds", "gauge", "When the model in service was loaded, since the Unix epoch.")
	if m := s.holder.Get(); m != nil {
		p.Sample("mlctl_model_info", 1, "alias", s.cfg.Alias, "model", m.Name, "version", fmt.Sprint(m.Version), "sha256", m.SHA256)
		p.Sample("mlctl_model_threshold", m.Threshold, "alias", s.cfg.Alias)
		p.Sample("mlctl_model_loaded_timestamp_seconds", float64(m.LoadedAt.UnixNano())/1e9, "alias", s.cfg.Alias)
	}
	p.Family("mlctl_model_swaps_total", "counter", "Models swapped in.")
	p.Sample("mlctl_model_swaps_total", float64(s.watcher.Swaps()))
	p.Family("mlctl_model_refused_total", "counter", "Models refused (failed to load or verify); the old one kept serving.")
	p.Sample("mlctl_model_refused_total", float64(s.watcher.Refusals()))
	s.collectShadow(p)
	p.Family("mlctl_alerts_total", "counter", "Alerts raised, by kind: name, client, tunnel, flow, txt.")
	for _, k := range AlertKinds {
		p.Sample("mlctl_alerts_total", float64(s.alerts.RaisedKind(k)), "kind", k)
	}
	s.collectClients(p)
	p.Family("mlctl_alerts_store_failed_total", "counter", "Alerts the registry did not take (still in the alerts file).")
	p.Sample("mlctl_alerts_store_failed_total", float64(s.alerts.DBFailed()))
	s.collectPrefiltered(p)
	p.Family("mlctl_queue_length", "gauge", "Queries waiting to be scored.")
	p.Sample("mlctl_queue_length", float64(s.pipeline.QueueLen()))
	if s.flows != nil {
		p.Family("mlctl_flow_late_total", "counter", "conn.log connections that came after their window closed (see --flow-lateness), dropped.")
		p.Sample("mlctl_flow_late_total", float64(s.flows.late.Load()))
	}
	srcs := s.sourceCounters()
	for _, f := range []struct {
		name, help string
		get        func(*SourceCounters) uint64
	}{
		{"mlctl_source_read_total", "Lines or frames read, by source.", func(c *SourceCounters) uint64 { return c.Read.Load() }},
		{"mlctl_source_parsed_total", "Records parsed, by source.", func(c *SourceCounters) uint64 { return c.Parsed.Load() }},
		{"mlctl_source_bad_total", "Lines or frames that did not parse, by source.", func(c *SourceCounters) uint64 { return c.Bad.Load() }},
		{"mlctl_source_skipped_total", "Records with nothing to score, by source.", func(c *SourceCounters) uint64 { return c.Skipped.Load() }},
		{"mlctl_source_scored_total", "Inputs scored, by source.", func(c *SourceCounters) uint64 { return c.Scored.Load() }},
		{"mlctl_source_dropped_total", "Inputs dropped because the queue was full, by source.", func(c *SourceCounters) uint64 { return c.Dropped.Load() }},
	} {
		p.Family(f.name, "counter", f.help)
		for _, name := range slices.Sorted(maps.Keys(srcs)) {
			p.Sample(f.name, float64(f.get(srcs[name])), "source", name)
		}
	}
}

// collectShadow writes the shadow's and the live sample's metrics.
func (s *Server) collectShadow(p *PromWriter) {
	sh := s.holder.Shadow()
	var st registry.ShadowStats
	if sh != nil {
		st = sh.Stats()
	}
	p.Family("mlctl_shadow_info", "gauge", "The shadow being scored (1), by id, champion and challenger: the challenger scores what the champion scores and never alerts.")
	if sh != nil {
		p.Sample("mlctl_shadow_info", 1, "alias", s.cfg.Alias, "shadow_id", fmt.Sprint(sh.ID), "champion", sh.Champion.Ref(), "challenger", sh.Challenger.Ref())
	}
	for _, f := range []struct {
		name, help string
		v          int64
	}{
		{"mlctl_shadow_scored_total", "Inputs scored by both the champion and the challenger of the shadow, by shadow id.", st.Scored},
		{"mlctl_shadow_disagreements_total", "Inputs the champion and the challenger labeled differently (each at its own threshold), by shadow id.", st.Disagreements},
		{"mlctl_shadow_champion_alerts_total", "Shadowed inputs at or above the champion's threshold, by shadow id.", st.ChampionAlerts},
		{"mlctl_shadow_challenger_alerts_total", "Shadowed inputs the challenger would have alerted on (never raised), by shadow id.", st.ChallengerAlerts},
	} {
		p.Family(f.name, "counter", f.help)
		if sh != nil {
			p.Sample(f.name, float64(f.v), "shadow_id", fmt.Sprint(sh.ID))
		}
	}
	p.Family("mlctl_shadow_refused_total", "counter", "Open shadows not scored: the challenger failed to load or verify, or scores another kind of input.")
	p.Sample("mlctl_shadow_refused_total", float64(s.watcher.ShadowRefusals()))
	p.Family("mlctl_live_sample_rows", "gauge", "Feature vectors kept in the live sample of the model in service (for drift checks).")
	p.Family("mlctl_live_sample_seen_total", "counter", "Feature vectors offered to the live sample of the model in service.")
	if m := s.holder.Get(); m != nil && m.Sample != nil {
		p.Sample("mlctl_live_sample_rows", float64(m.Sample.Len()), "model", m.Ref())
		p.Sample("mlctl_live_sample_seen_total", float64(m.Sample.Seen()), "model", m.Ref())
	}
}
