package serving

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/datasets/dnslog"
	"github.com/mlctl/mlctl/features/dnsdomain"
	"github.com/mlctl/mlctl/features/prefilter"
	"github.com/mlctl/mlctl/registry"
)

// Config is what `mlctl serve` runs.
type Config struct {
	Alias string
	// DomainAlias is a second alias whose model (a dns-domain model)
	// scores the DNS sources' traffic per registrable domain beside the
	// main alias's name model ("": the main alias's model does when it is
	// a dns-domain model).
	DomainAlias string
	// Domain configures the domain windows (zero: dnsdomain's defaults);
	// TunnelRealert how long a domain stays quiet after a tunnel alert
	// (default DefaultTunnelRealert).
	Domain        dnsdomain.Config
	TunnelRealert time.Duration
	// HTTPAddr is the API's listen address ("" for none; ":0" picks a port).
	HTTPAddr string
	// HTTPSecurity is the API's authentication and TLS. Without
	// authentication HTTPAddr must be a loopback address unless
	// HTTPSecurity.Insecure.
	HTTPSecurity HTTPSecurity
	// ZeekDNS and ZeekConn are Zeek logs to follow ("" for none).
	ZeekDNS, ZeekConn string
	// FromEnd starts following logs at their end (new lines only).
	FromEnd bool
	// KafkaDNS and KafkaConn are Kafka topics of Zeek JSON dns.log and
	// conn.log records to consume as members of a consumer group (nil for
	// none); a Group left "" is DefaultKafkaGroup's. With FromEnd, a group
	// without committed offsets starts at the topics' end, else at their
	// start; a group with committed offsets resumes after them.
	KafkaDNS, KafkaConn *KafkaInput
	// Dnstap is a unix socket path to receive dnstap on ("" for none).
	Dnstap string
	// DNSLog is a DNS server's query log to follow ("" for none), read
	// with DNSLogFormat (a dnslog preset or format file).
	DNSLog       string
	DNSLogFormat *dnslog.Format
	// DnstapResponses scores client responses too (default: queries only).
	DnstapResponses bool
	// Alerts is a JSON lines file alerts are appended to ("" for none).
	Alerts string
	// Sinks are alert outputs for a SOC (--sink URLs: ECS file, syslog,
	// Elasticsearch, Splunk HEC, Kafka; see OpenAlertOutput), Outputs
	// their buffer, batch and timeouts.
	Sinks   []string
	Outputs OutputOptions
	// Flow configures the conn.log checks.
	Flow FlowCheckConfig
	// Campaigns configures how alerts are grouped into campaigns.
	Campaigns CampaignOptions
	// MaxBody bounds HTTP request bodies (default 16 MiB), MaxInputs the
	// inputs of one request (default DefaultMaxInputs), MaxInFlight the
	// score requests read and scored at once (default
	// DefaultMaxInFlight()); a request waits InFlightWait for a slot
	// before it is answered 503 (0: not at all). See API.
	MaxBody      int64
	MaxInputs    int
	MaxInFlight  int
	InFlightWait time.Duration
	// HTTP bounds how long a client may take (defaults in HTTPTimeouts).
	HTTP HTTPTimeouts
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
	// StateDir holds what must outlive the process: the alert spool and
	// the last model verified, in a ModelCache (see DefaultStateDir). ""
	// keeps nothing: an alert a sink cannot take is dropped (and counted),
	// and the scorer cannot serve without the registry; `mlctl serve`
	// always gives one.
	StateDir string
	// SpoolMaxBytes bounds each alert sink's spool (default
	// DefaultSpoolMaxBytes).
	SpoolMaxBytes int64
	// RegistryDown is why the registry did not answer when the scorer
	// started (StartRegistry's error; nil: it answered and is migrated).
	// The scorer then serves the alias's cached model, if any, and
	// readies the registry when it answers before reading or writing it.
	RegistryDown error
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
	link     *RegistryLink
	watcher  *Watcher
	beat     *Heartbeat
	recorder *Recorder
	metrics  *Metrics
	gatherer prometheus.Gatherer
	alerts   *AlertSink
	pipeline *Pipeline
	flows    *connSource
	// kafkaFlows is --kafka-conn's flow path; kafka the Kafka consumers
	// by source, made by Run.
	kafkaFlows *connSource
	kafkaMu    sync.Mutex
	kafka      map[string]*kafkaConsumer
	domains    *DomainWindows
	lane       *lane // the domain alias's, nil without one
	listener   net.Listener
	auth       *HTTPAuth // nil without authentication
	tls        *TLSFiles // nil without TLS
	registerer prometheus.Registerer
	badMu      sync.Mutex
	badShown   map[string]int
}

// maxBadShown is how many bad lines per source are logged; all are counted.
const maxBadShown = 20

// MetricsRegistry is where a scorer registers its metrics and what its
// GET /metrics serves: a *prometheus.Registry, on which the caller
// registers the process and Go collectors.
type MetricsRegistry interface {
	prometheus.Registerer
	prometheus.Gatherer
}

// NewServer prepares a scorer, its metrics registered on reg; Run starts
// it. The HTTP listener is opened here so Addr is known before Run.
func NewServer(db *registry.DB, cfg Config, log *slog.Logger, reg MetricsRegistry) (*Server, error) {
	if err := registry.ValidAliasName(cfg.Alias); err != nil {
		return nil, err
	}
	if cfg.DomainAlias != "" {
		if err := registry.ValidAliasName(cfg.DomainAlias); err != nil {
			return nil, err
		}
		if cfg.DomainAlias == cfg.Alias {
			return nil, mlctl.Errorf(mlctl.EINVALID, "serve: --domain-alias %s is --alias too: give another alias, or none (the alias's model scores domain windows when it is a dns-domain model)", cfg.DomainAlias)
		}
		if !cfg.readsDNS() {
			return nil, mlctl.Errorf(mlctl.EINVALID, "serve: --domain-alias scores DNS traffic: give --zeek-dns PATH, --kafka-dns URL, --dnstap unix:PATH or --dns-log PATH")
		}
	}
	if cfg.HTTPAddr == "" && !cfg.readsDNS() && cfg.ZeekConn == "" && cfg.KafkaConn == nil {
		return nil, mlctl.Errorf(mlctl.EINVALID, "serve: give at least one source: --http ADDR, --zeek-dns PATH, --zeek-conn PATH, --kafka-dns URL, --kafka-conn URL, --dnstap unix:PATH or --dns-log PATH")
	}
	if cfg.DNSLog != "" && cfg.DNSLogFormat == nil {
		return nil, mlctl.Errorf(mlctl.EINVALID, "serve: --dns-log needs --dns-log-format: a preset (%s) or a format file", strings.Join(dnslog.Presets(), ", "))
	}
	if err := cfg.kafkaGroups(); err != nil {
		return nil, err
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
	s := &Server{cfg: cfg, db: db, log: log, host: host, started: time.Now(), holder: &Holder{}, gatherer: reg, registerer: reg,
		id: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(rnd[:])), badShown: map[string]int{}}
	var sources []string
	if cfg.ZeekDNS != "" {
		sources = append(sources, SourceZeekDNS)
	}
	if cfg.Dnstap != "" {
		sources = append(sources, SourceDnstap)
	}
	if cfg.DNSLog != "" {
		sources = append(sources, SourceDNSLog)
	}
	if cfg.KafkaDNS != nil {
		sources = append(sources, SourceKafkaDNS)
	}
	var err error
	var spoolBase string
	if cfg.StateDir != "" {
		spoolBase = filepath.Join(cfg.StateDir, "spool", cfg.Alias)
	}
	if s.alerts, err = NewAlertSinkWith(db, s.id, log, AlertSinkOptions{File: cfg.Alerts, Spool: spoolBase, SpoolMaxBytes: cfg.SpoolMaxBytes, Campaigns: cfg.Campaigns,
		Sinks: cfg.Sinks, Outputs: cfg.Outputs}); err != nil {
		return nil, err
	}
	po := cfg.Pipeline
	po.Prefilter = cfg.Prefilter
	s.pipeline = NewPipeline(s.holder, s.alerts, log, sources, po)
	s.recorder = &Recorder{DB: db, Holder: s.holder, ScorerID: s.id, Log: log, StatsEvery: cfg.Heartbeat, SampleEvery: cfg.SampleFlush}
	seed := fnv.New64a()
	seed.Write([]byte(s.id))
	s.link = newRegistryLink(db, log, cfg.RegistryDown, cfg.Poll)
	s.watcher = &Watcher{DB: db, Alias: cfg.Alias, Holder: s.holder, Log: log, Poll: cfg.Poll,
		SampleSize: cfg.DriftSample, SampleSeed: seed.Sum64(), ModelRetired: s.recorder.RetireModel, ShadowRetired: s.recorder.RetireShadow,
		Link: s.link}
	if cfg.StateDir != "" {
		s.watcher.Cache = NewModelCache(cfg.StateDir)
	}
	if cfg.ZeekConn != "" {
		if s.flows, err = newConnSource(cfg.ZeekConn, cfg.FromEnd, cfg.Flow, s.holder, s.watcher.Checked(), s.alerts, s.bad); err != nil {
			return nil, err
		}
	}
	if cfg.KafkaConn != nil {
		if s.kafkaFlows, err = newConnSource("", false, cfg.Flow, s.holder, s.watcher.Checked(), s.alerts, s.bad); err != nil {
			return nil, err
		}
		s.kafkaFlows.source = SourceKafkaConn
	}
	if cfg.readsDNS() {
		holder, ready := s.holder, s.watcher.Checked()
		if cfg.DomainAlias != "" {
			s.lane = s.newLane(cfg.DomainAlias)
			holder, ready = s.lane.holder, s.lane.watcher.Checked()
		}
		if s.domains, err = NewDomainWindows(holder, s.alerts, cfg.Domain, cfg.TunnelRealert, cfg.Prefilter, s.bad); err != nil {
			return nil, err
		}
		s.domains.ready = ready
	}
	s.beat = NewHeartbeat(db, cfg.Heartbeat, log, s.heartbeat)
	s.beat.Link, s.recorder.Link = s.link, s.link
	s.watcher.Changed = s.beat.Kick
	if s.metrics, err = NewMetrics(reg); err != nil {
		return nil, err
	}
	for _, c := range []prometheus.Collector{newScorerCollector(s), newProvenanceCollector(s)} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register the scorer's metrics: %w", err)
		}
	}
	if cfg.HTTPAddr != "" {
		if err := s.listen(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// listen loads the HTTP API's credentials and opens its listener: over
// TLS with a certificate, on loopback only without authentication.
func (s *Server) listen() error {
	sec := s.cfg.HTTPSecurity
	if err := sec.Validate(); err != nil {
		return mlctl.Errorf(mlctl.EINVALID, "serve: %v", err)
	}
	if err := CheckBind(context.Background(), s.cfg.HTTPAddr, sec); err != nil {
		return mlctl.Errorf(mlctl.EINVALID, "serve: %v", err)
	}
	if sec.Authenticated() {
		s.auth = &HTTPAuth{TokensFile: sec.Tokens, ClientCerts: sec.TLSClientCA != "", ClientNames: sec.ClientNames,
			HealthAuth: sec.HealthAuth, Metrics: s.metrics, Log: s.log}
		if err := s.auth.Load(); err != nil {
			return mlctl.Errorf(mlctl.EINVALID, "serve: --http-tokens: %v", err)
		}
	}
	if sec.TLSCert != "" {
		// Nothing is open without a client certificate when there are no
		// tokens and the health paths need credentials too: the handshake
		// itself then refuses a client without one.
		s.tls = &TLSFiles{Cert: sec.TLSCert, Key: sec.TLSKey, ClientCA: sec.TLSClientCA, Log: s.log,
			RequireClientCert: sec.TLSClientCA != "" && sec.Tokens == "" && sec.HealthAuth, Failed: s.metrics.authReloadFailed}
		if err := s.tls.Load(); err != nil {
			return mlctl.Errorf(mlctl.EINVALID, "serve: %v", err)
		}
		notAfter := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "mlctl_tls_cert_not_after_timestamp_seconds",
			Help: "When the HTTP API's TLS certificate in use expires (Unix time); it is reloaded when --tls-cert changes."},
			func() float64 { return float64(s.tls.NotAfter().Unix()) })
		if err := s.registerer.Register(notAfter); err != nil {
			return fmt.Errorf("register the TLS metrics: %w", err)
		}
	}
	l, err := net.Listen("tcp", s.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("serve: --http %s: %w", s.cfg.HTTPAddr, err)
	}
	if !sec.Authenticated() && !sec.Insecure && !listenerLoopback(l) {
		l.Close()
		return mlctl.Errorf(mlctl.EINVALID, "serve: --http %s listens on %s, beyond loopback, without authentication: give --http-tokens or --tls-client-ca, or --http-insecure",
			s.cfg.HTTPAddr, l.Addr())
	}
	if s.tls != nil {
		l = tls.NewListener(l, s.tls.Config())
	} else if sec.Tokens != "" && !listenerLoopback(l) {
		s.log.Warn("bearer tokens cross the network in clear over plain HTTP: give --tls-cert and --tls-key, or keep a TLS proxy in front",
			"http", l.Addr().String())
	}
	s.listener = l
	return nil
}

// ReloadHTTPAuth reads the token file and the TLS files again (`mlctl
// serve` calls it on SIGHUP): what fails to load is logged and the
// credentials in use stay. The error is the first failure.
func (s *Server) ReloadHTTPAuth() error {
	var errs []error
	if s.auth != nil {
		errs = append(errs, s.auth.Reload())
	}
	if s.tls != nil {
		errs = append(errs, s.tls.Reload())
	}
	return errors.Join(errs...)
}

// HTTPAuthDesc says how the HTTP API authenticates its requests, for the
// start log ("" without an HTTP API).
func (s *Server) HTTPAuthDesc() string {
	switch {
	case s.listener == nil:
		return ""
	case s.auth != nil:
		return s.auth.Describe()
	case s.cfg.HTTPSecurity.Insecure && !listenerLoopback(s.listener):
		return "none: open to every client that reaches it (--http-insecure)"
	}
	return "none: loopback only"
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
	bg, stopBg := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBg()
	var bgWG sync.WaitGroup
	// What writes to the registry starts once it is ready (at once unless
	// it was unreachable at start); the watcher serves the cached model
	// meanwhile.
	afterRegistry := func(run func(context.Context)) {
		bgWG.Add(1)
		go func() {
			defer bgWG.Done()
			select {
			case <-s.link.Ready():
				run(bg)
			case <-bg.Done():
			}
		}()
	}
	bgWG.Add(2)
	go func() { defer bgWG.Done(); s.link.Run(bg) }()
	go func() { defer bgWG.Done(); s.watcher.Run(bg) }()
	afterRegistry(s.pruneScorers)
	afterRegistry(s.beat.Run)
	afterRegistry(s.recorder.Run) // its last write comes after the last input is scored
	if s.lane != nil {
		s.lane.run(bg, &bgWG, afterRegistry)
	}
	// The domain windows run until the sources stopped, then score what
	// is still open.
	domainsCtx, stopDomains := context.WithCancel(context.WithoutCancel(ctx))
	defer stopDomains()
	domainsDone := make(chan struct{})
	if s.domains != nil {
		go func() { defer close(domainsDone); s.domains.Run(domainsCtx) }()
	} else {
		close(domainsDone)
	}
	pipeDone := make(chan struct{})
	go func() { defer close(pipeDone); s.pipeline.Run(ctx) }()

	// The first source (or the HTTP API) to fail stops the scorer; a
	// failure after it is logged, never waited on: the sources outnumber
	// any fixed buffer as they are added.
	errs := make(chan error, 1)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
			s.log.Error("source failed while the scorer stops", "error", err)
		}
	}
	var srcWG sync.WaitGroup
	start := func(name string, run func(context.Context) error) {
		srcWG.Add(1)
		go func() {
			defer srcWG.Done()
			if err := run(ctx); err != nil && ctx.Err() == nil {
				fail(fmt.Errorf("%s: %w", name, err))
			}
		}()
	}
	if s.cfg.ZeekDNS != "" {
		z := &ZeekDNS{Path: s.cfg.ZeekDNS, FromEnd: s.cfg.FromEnd, Counters: s.pipeline.Counters(SourceZeekDNS),
			Bad: func(err error) { s.bad(SourceZeekDNS, err) }, Emit: s.pipeline.Offer, Observe: s.observe(ctx)}
		start(SourceZeekDNS, z.Run)
	}
	if s.cfg.Dnstap != "" {
		d := &Dnstap{SocketPath: s.cfg.Dnstap, ScoreResponses: s.cfg.DnstapResponses, Counters: s.pipeline.Counters(SourceDnstap),
			Bad: func(err error) { s.bad(SourceDnstap, err) }, Emit: s.pipeline.Offer, Observe: s.observe(ctx)}
		start(SourceDnstap, d.Run)
	}
	if s.cfg.DNSLog != "" {
		d := &DNSLog{Path: s.cfg.DNSLog, Format: s.cfg.DNSLogFormat, FromEnd: s.cfg.FromEnd, Counters: s.pipeline.Counters(SourceDNSLog),
			Bad: func(err error) { s.bad(SourceDNSLog, err) }, Emit: s.pipeline.Offer, Observe: s.observe(ctx)}
		start(SourceDNSLog, d.Run)
	}
	if s.flows != nil {
		start(SourceZeekConn, s.flows.Run)
	}
	if s.cfg.KafkaDNS != nil {
		k := newKafkaDNS(s.pipeline.Counters(SourceKafkaDNS), func(err error) { s.bad(SourceKafkaDNS, err) }, s.pipeline.Put, s.observe(ctx))
		c := s.newKafkaConsumer(*s.cfg.KafkaDNS, SourceKafkaDNS, s.modelReady, k.handle)
		start(SourceKafkaDNS, c.Run)
	}
	if s.cfg.KafkaConn != nil {
		k := newKafkaConn(ctx, s.kafkaFlows)
		c := s.newKafkaConsumer(*s.cfg.KafkaConn, SourceKafkaConn, s.aliasChecked, k.handle)
		start(SourceKafkaConn, func(ctx context.Context) error {
			err := c.Run(ctx)
			s.kafkaFlows.flush(ctx) // the windows still open
			return err
		})
	}
	var srv *http.Server
	var shutdown chan struct{} // closed when HTTP requests in flight have finished
	if s.listener != nil {
		api := &API{Holder: s.holder, Alias: s.cfg.Alias, Metrics: s.metrics, Gatherer: s.gatherer, MaxBody: s.cfg.MaxBody, MaxInputs: s.cfg.MaxInputs,
			MaxInFlight: s.cfg.MaxInFlight, InFlightWait: s.cfg.InFlightWait, Log: s.log, Prefilter: s.cfg.Prefilter,
			Provenance: s.provenance}
		var h http.Handler = api.Handler()
		if s.auth != nil {
			h = s.auth.Wrap(h)
		}
		srv = s.cfg.HTTP.server(h)
		srv.ErrorLog = slog.NewLogLogger(s.log.Handler(), slog.LevelWarn) // TLS handshakes refused, among others
		srcWG.Add(1)
		go func() {
			defer srcWG.Done()
			if err := srv.Serve(s.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fail(fmt.Errorf("http: %w", err))
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
	stopDomains()
	<-domainsDone // the windows still open are scored
	if err := s.alerts.Close(); err != nil {
		s.log.Error("close alerts file", "error", err)
	}
	stopBg()
	bgWG.Wait()
	return runErr
}

// observe is the DNS sources' Observe hook: every record goes to the
// domain windows (nil without them).
func (s *Server) observe(ctx context.Context) func(Query) {
	if s.domains == nil {
		return nil
	}
	return func(q Query) { s.domains.Observe(ctx, q.Record()) }
}

// pruneScorers deletes the rows of scorers silent for a week.
func (s *Server) pruneScorers(ctx context.Context) {
	if n, err := s.db.PruneScorers(ctx, 7*24*time.Hour); err != nil {
		if ctx.Err() == nil {
			s.log.Warn("prune old scorer rows", "error", err)
		}
	} else if n > 0 {
		s.log.Info("pruned scorer rows silent for a week", "rows", n)
	}
}

// ReopenAlerts reopens the alerts file and the ecs:PATH sinks' files at
// their paths (appending, created if missing), so that after logrotate
// moved them, alerts go to new files at the paths; `mlctl serve` calls it
// on SIGHUP. Without such files it does nothing.
func (s *Server) ReopenAlerts() error {
	if s.cfg.Alerts == "" && !hasECSFile(s.cfg.Sinks) {
		return nil
	}
	if err := s.alerts.Reopen(); err != nil {
		s.log.Error("reopen the alerts files; still writing those that did not reopen", "path", s.cfg.Alerts, "error", err)
		return err
	}
	s.log.Info("reopened the alerts files", "path", s.cfg.Alerts)
	return nil
}

// hasECSFile tells whether a --sink is an ECS file.
func hasECSFile(sinks []string) bool {
	for _, u := range sinks {
		if strings.HasPrefix(u, "ecs:") || strings.HasPrefix(u, "ecs+file:") {
			return true
		}
	}
	return false
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
		Counters: s.Counters()}
	if m := s.holder.Get(); m != nil {
		b.ModelID, b.SHA256, b.LoadedAt = m.ID, m.SHA256, m.LoadedAt
	}
	return b
}

func (s *Server) listenDesc() string {
	var parts []string
	if a := s.Addr(); a != "" {
		scheme := "http://"
		if s.tls != nil {
			scheme = "https://"
		}
		parts = append(parts, scheme+a)
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
	if s.cfg.DNSLog != "" {
		parts = append(parts, "dns-log:"+s.cfg.DNSLogFormat.Name+":"+s.cfg.DNSLog)
	}
	if in := s.cfg.KafkaDNS; in != nil {
		parts = append(parts, "kafka-dns:"+in.String())
	}
	if in := s.cfg.KafkaConn; in != nil {
		parts = append(parts, "kafka-conn:"+in.String())
	}
	return strings.Join(parts, " ")
}
