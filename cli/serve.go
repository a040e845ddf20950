package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/serving"
)

func serveCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "serve",
		Usage: "score live traffic with an alias's model, swapping it without a restart when the alias moves",
		Flags: append([]ucli.Flag{
			&ucli.StringFlag{Name: "alias", Value: "production", Usage: "alias whose model to serve"},
			&ucli.StringFlag{Name: "domain-alias", Usage: "a second alias whose dns-domain model scores the DNS sources per registrable domain and window (tunnel alerts), beside --alias's name model; without it, --alias's model does when it is a dns-domain model"},
			&ucli.DurationFlag{Name: "tunnel-realert", Value: serving.DefaultTunnelRealert, Usage: "how long a domain stays quiet after a tunnel alert (its windows are still scored and counted)"},
			&ucli.StringFlag{Name: "http", Usage: "listen address of the HTTP API (POST /v1/score, GET /healthz, GET /metrics), e.g. 127.0.0.1:8080"},
			&ucli.StringFlag{Name: "zeek-dns", Usage: "Zeek dns.log (TSV or JSON) to follow as it grows and rotates"},
			&ucli.StringFlag{Name: "zeek-conn", Usage: "Zeek conn.log (TSV or JSON) to follow: scored by source window when the alias points at a flow model, else checked with the flow analyzer's flow rules"},
			&ucli.DurationFlag{Name: "flow-lateness", Value: 60 * time.Second, Usage: "how long a conn.log window stays open for connections Zeek logs late (it logs each when it ends); later ones are counted and dropped"},
			&ucli.StringFlag{Name: "dnstap", Usage: "unix:PATH of a Frame Streams socket for unbound or BIND to send dnstap to"},
			&ucli.BoolFlag{Name: "dnstap-responses", Usage: "score client responses from dnstap too (default: queries only); a txt model needs them, it scores their TXT records"},
			&ucli.StringFlag{Name: "alerts", Usage: "append alerts as JSON lines to this file (they always go to the registry); SIGHUP or SIGUSR1 reopens it, for logrotate"},
			&ucli.DurationFlag{Name: "client-window", Value: serving.DefaultClientWindow, Usage: "tumbling window, on the queries' own time, of client verdicts and of name alert de-duplication (one per client, registrable domain and window); 0 turns both off"},
			&ucli.IntFlag{Name: "client-min-names", Value: serving.DefaultClientMinNames, Usage: fmt.Sprintf("registrable domains over the threshold in one client window that raise a client alert (1 to %d)", serving.MaxClientNames)},
			&ucli.IntFlag{Name: "client-max", Value: serving.DefaultClientMax, Usage: "clients tracked at once for client verdicts; beyond it the least recently seen is forgotten (counted in mlctl_client_evictions_total)"},
			&ucli.BoolFlag{Name: "from-end", Usage: "follow logs from their end (only new lines)"},
			&ucli.Float64Flag{Name: "campaign-eps", Value: 0.5, Usage: "DBSCAN radius on standardised features for grouping alerts into campaigns (the bot detector uses scikit-learn's 0.5)"},
			&ucli.IntFlag{Name: "campaign-min-samples", Value: 3, Usage: "alerts within --campaign-eps that make a campaign (the bot detector: 3)"},
			&ucli.StringFlag{Name: "blacklist", Usage: "file of IPs or CIDRs (one a line, # comments) for the conn.log blacklist check"},
			&ucli.Int64Flag{Name: "max-body", Value: 16 << 20, Usage: "largest HTTP request body in bytes (413 above)"},
			&ucli.IntFlag{Name: "max-inputs", Value: serving.DefaultMaxInputs, Usage: "most names, TXT records or flows in one HTTP score request (413 above)"},
			&ucli.IntFlag{Name: "max-in-flight", Value: serving.DefaultMaxInFlight(), Usage: "most HTTP score requests scored and answered at once (default: 2 per core), and bodies of --max-body bytes read at once; beyond them a request waits --in-flight-wait, then gets 503 with Retry-After"},
			&ucli.DurationFlag{Name: "in-flight-wait", Value: time.Second, Usage: "how long an HTTP score request waits for one in flight to finish before it gets 503 (0: not at all)"},
			&ucli.DurationFlag{Name: "http-read-timeout", Value: serving.DefaultReadTimeout, Usage: "time to read an HTTP request, headers and body (408 or the connection closed after it)"},
			&ucli.DurationFlag{Name: "http-write-timeout", Value: serving.DefaultWriteTimeout, Usage: "time from an HTTP request's headers to the end of its answer, scoring included"},
			&ucli.DurationFlag{Name: "http-idle-timeout", Value: serving.DefaultIdleTimeout, Usage: "how long an idle keep-alive HTTP connection is kept open"},
			&ucli.IntFlag{Name: "queue", Value: 65536, Usage: "queries waiting to be scored before new ones are dropped (and counted)"},
			&ucli.DurationFlag{Name: "heartbeat", Value: 2 * time.Second, Usage: "heartbeat interval into the registry (a shadow's stats are recorded as often)"},
			&ucli.IntFlag{Name: "drift-sample", Value: 2000, Usage: "feature vectors of live traffic to keep, as a uniform sample, for the model in service's drift checks (0: none)"},
			&ucli.DurationFlag{Name: "sample-flush", Value: 10 * time.Second, Usage: "how often the live sample is recorded in the registry (and at shutdown)"},
			&ucli.StringFlag{Name: "state-dir", EnvVars: []string{"MLCTL_STATE_DIR"}, Value: serving.DefaultStateDir(), Usage: "directory for what must outlive the process: alerts not yet delivered (spooled while PostgreSQL or the alerts file's disk is unavailable) and the last model verified (served when the scorer starts without PostgreSQL)"},
			&ucli.Int64Flag{Name: "alert-spool-max", Value: serving.DefaultSpoolMaxBytes, Usage: "bytes of alerts each sink (registry, alerts file) may spool under --state-dir while it cannot take them; beyond it alerts are dropped, counted and logged"},
			&ucli.BoolFlag{Name: "json", Usage: "log as JSON lines on stderr (the same as the global --log-format json)"},
		}, prefilterFlags()...),
		Action: serve,
		Subcommands: []*ucli.Command{
			{Name: "status", Usage: "list the scorers: alias, model, SHA-256, started, last seen, counters",
				Flags: []ucli.Flag{
					&ucli.StringFlag{Name: "alias", Usage: "only scorers of this alias"},
					&ucli.BoolFlag{Name: "json", Usage: "print JSON lines"},
				}, Action: serveStatus},
		},
	}
}

func serve(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("serve: unknown argument %q (did you mean `serve status`?)", c.Args().First())
	}
	cfg := serving.Config{
		Alias: c.String("alias"), DomainAlias: c.String("domain-alias"), TunnelRealert: c.Duration("tunnel-realert"), HTTPAddr: c.String("http"), ZeekDNS: c.String("zeek-dns"), ZeekConn: c.String("zeek-conn"),
		DnstapResponses: c.Bool("dnstap-responses"), Alerts: c.String("alerts"), FromEnd: c.Bool("from-end"),
		MaxBody: c.Int64("max-body"), Heartbeat: c.Duration("heartbeat"), Pipeline: serving.PipelineOptions{QueueSize: c.Int("queue")},
		DriftSample: c.Int("drift-sample"), SampleFlush: c.Duration("sample-flush"),
		MaxInputs: c.Int("max-inputs"), MaxInFlight: c.Int("max-in-flight"), InFlightWait: c.Duration("in-flight-wait"),
		HTTP:     serving.HTTPTimeouts{Read: c.Duration("http-read-timeout"), Write: c.Duration("http-write-timeout"), Idle: c.Duration("http-idle-timeout")},
		StateDir: c.String("state-dir"), SpoolMaxBytes: c.Int64("alert-spool-max"),
	}
	if cfg.SpoolMaxBytes <= 0 {
		return usagef("serve: --alert-spool-max %d: want 1 or more bytes", cfg.SpoolMaxBytes)
	}
	if cfg.StateDir == "" {
		return usagef("serve: no --state-dir (nor $MLCTL_STATE_DIR, $STATE_DIRECTORY, $XDG_STATE_HOME or a home directory): give one")
	}
	for _, f := range []string{"max-inputs", "max-in-flight"} {
		if c.Int(f) <= 0 {
			return usagef("serve: --%s %d: want 1 or more", f, c.Int(f))
		}
	}
	for _, f := range []string{"http-read-timeout", "http-write-timeout", "http-idle-timeout"} {
		if c.Duration(f) <= 0 {
			return usagef("serve: --%s %v: want a positive duration", f, c.Duration(f))
		}
	}
	if cfg.InFlightWait < 0 {
		return usagef("serve: --in-flight-wait %v: want 0 (no wait) or more", cfg.InFlightWait)
	}
	if cfg.DriftSample < 0 {
		return usagef("serve: --drift-sample %d: want 0 (no sample) or more", cfg.DriftSample)
	}
	if cfg.SampleFlush <= 0 {
		return usagef("serve: --sample-flush %v: want a positive duration", cfg.SampleFlush)
	}
	if d := c.String("dnstap"); d != "" {
		path, ok := strings.CutPrefix(d, "unix:")
		if !ok || path == "" {
			return usagef("serve: --dnstap %q: want unix:PATH", d)
		}
		cfg.Dnstap = path
	}
	pf, err := prefilterOf(c, "serve")
	if err != nil {
		return err
	}
	cfg.Prefilter = pf
	cfg.Pipeline.Clients = serving.ClientWindowOptions{Window: c.Duration("client-window"), MinNames: c.Int("client-min-names"),
		MaxClients: c.Int("client-max"), Off: c.Duration("client-window") == 0}
	if err := cfg.Pipeline.Clients.Validate(); err != nil {
		return usagef("%v", err)
	}
	cfg.Campaigns = serving.CampaignOptions{Eps: c.Float64("campaign-eps"), MinSamples: c.Int("campaign-min-samples")}
	if cfg.Flow.Lateness = c.Duration("flow-lateness"); cfg.Flow.Lateness <= 0 {
		return usagef("serve: --flow-lateness %v: want a positive duration", cfg.Flow.Lateness)
	}
	if b := c.String("blacklist"); b != "" {
		if cfg.ZeekConn == "" {
			return usagef("serve: --blacklist is for the conn.log checks: give --zeek-conn too")
		}
		bl, err := serving.LoadIPBlacklist(b)
		if err != nil {
			return usagef("serve: --blacklist: %v", err)
		}
		cfg.Flow.Blacklist = bl
	}
	logs, err := loggingOf(c)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		logs.format = logJSON // serve's own --json, kept as an alias of --log-format json
	}
	log := logs.logger(c.App.ErrWriter)
	// A scorer starts without PostgreSQL (serving its cached model, if
	// any); a registry that answers but cannot be migrated stops it.
	db, err := connectDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := serving.StartRegistry(c.Context, db); err != nil {
		if !registry.Unreachable(err) {
			return err
		}
		log.Warn("registry unreachable at start; starting all the same, with the model cached in the state directory if there is one",
			"error", err, "state_dir", cfg.StateDir)
		cfg.RegistryDown = err
	}
	reg, err := metricsRegistry()
	if err != nil {
		return err
	}
	srv, err := serving.NewServer(db, cfg, log, reg)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	stopReopen := reopenAlertsOnSignal(srv)
	defer stopReopen()
	log.Info("scorer started", "id", srv.ID(), "alias", cfg.Alias, "http", srv.Addr(), "pid", os.Getpid(),
		"internal_suffixes", pf.InternalSuffixes(), "allowlisted_domains", pf.Allowlisted())
	err = srv.Run(ctx)
	log.Info("scorer stopped", "id", srv.ID())
	return err
}

// reopenAlertsOnSignal reopens the scorer's alerts file on each SIGHUP or
// SIGUSR1 (logrotate's postrotate sends one; nginx uses USR1) until the
// function it returns is called, which waits for it to stop listening:
// caught, the signals do not end the process, shutdown included.
func reopenAlertsOnSignal(srv *serving.Server) (stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP, syscall.SIGUSR1)
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-quit:
				return
			case <-sig:
				srv.ReopenAlerts() // logged by the server; the open file stays in use on failure
			}
		}
	}()
	return func() {
		signal.Stop(sig)
		close(quit)
		<-done
	}
}

// metricsRegistry is the registry a scorer's /metrics serves: its own
// metrics, and the process and Go runtime collectors.
func metricsRegistry() (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	for _, c := range []prometheus.Collector{collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector()} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("serve: register the process and Go collectors: %w", err)
		}
	}
	return reg, nil
}

func serveStatus(c *ucli.Context) error {
	db, err := openDB(c)
	if err != nil {
		return err
	}
	defer db.Close()
	ss, err := db.Scorers(context.WithoutCancel(c.Context), c.String("alias"))
	if err != nil {
		return err
	}
	if c.Bool("json") {
		for _, s := range ss {
			if err := printJSON(c.App.Writer, s); err != nil {
				return err
			}
		}
		return nil
	}
	if len(ss) == 0 {
		fmt.Fprintln(c.App.ErrWriter, "no scorers have reported in the last day: `mlctl serve --alias production --http 127.0.0.1:8080` starts one")
		return nil
	}
	var rows [][]string
	for _, s := range ss {
		state := "live"
		switch {
		case s.StoppedAt != nil:
			state = "stopped"
		case !s.Live:
			state = "silent"
		}
		model := s.Model
		if model == "" {
			model = "-"
		}
		sha := s.SHA256
		if len(sha) > 12 {
			sha = sha[:12]
		}
		rows = append(rows, []string{s.ID, state, s.Alias, model, sha, s.StartedAt.Local().Format("2006-01-02 15:04:05"),
			ago(s.LastSeen), countersLine(s.Counters), s.Listen})
		if s.LastError != "" {
			rows = append(rows, []string{"", "", "", "last error: " + oneLine(s.LastError)})
		}
		if line := fromCacheLine(s.Counters); line != "" {
			rows = append(rows, []string{"", "", "", line})
		}
	}
	table(c.App.Writer, []string{"ID", "STATE", "ALIAS", "MODEL", "SHA256", "STARTED", "LAST SEEN", "COUNTERS", "LISTEN"}, rows)
	return nil
}

// fromCacheLine says which model a scorer served from its local cache
// while the registry did not answer, since and until when, from the
// counters its heartbeat stored ("" when none).
func fromCacheLine(raw json.RawMessage) string {
	var c serving.Counters
	if json.Unmarshal(raw, &c) != nil || c.ServedFromCache == nil {
		return ""
	}
	sp := c.ServedFromCache
	line := fmt.Sprintf("served %s from its local cache (registry unreachable) since %s", sp.Model, sp.Since.Local().Format("2006-01-02 15:04:05"))
	if sp.Until != nil {
		line += ", until " + sp.Until.Local().Format("2006-01-02 15:04:05")
	}
	return line
}

func ago(t time.Time) string {
	return strconv.FormatFloat(time.Since(t).Seconds(), 'f', 1, 64) + "s ago"
}

// countersLine condenses a scorer's counters, as its heartbeat stored
// them: per source read/bad/scored/prefiltered/dropped, HTTP, alerts and
// the shadow ("" when they do not decode).
func countersLine(raw json.RawMessage) string {
	var c serving.Counters
	if json.Unmarshal(raw, &c) != nil {
		return ""
	}
	var parts []string
	for _, name := range []string{serving.SourceZeekDNS, serving.SourceDnstap, serving.SourceZeekConn} {
		if src := c.Source(name); src != nil {
			parts = append(parts, fmt.Sprintf("%s read=%d bad=%d scored=%d prefiltered=%d dropped=%d", name, src.Read, src.Bad, src.Scored, src.Prefiltered, src.Dropped))
		}
	}
	if c.HTTPNamesScored > 0 {
		parts = append(parts, fmt.Sprintf("http scored=%d", c.HTTPNamesScored))
	}
	alerts := fmt.Sprintf("alerts=%d", c.Alerts)
	if c.ClientAlerts > 0 {
		alerts += fmt.Sprintf(" client=%d", c.ClientAlerts)
	}
	if d := c.AlertsDeduplicated; d != nil && *d > 0 {
		alerts += fmt.Sprintf(" deduplicated=%d", *d)
	}
	parts = append(parts, alerts)
	for _, sink := range []string{serving.SinkRegistry, serving.SinkFile} {
		if d, ok := c.Delivery[sink]; ok && (d.InSpool > 0 || d.Dropped > 0) {
			parts = append(parts, fmt.Sprintf("%s spool=%d dropped=%d", sink, d.InSpool, d.Dropped))
		}
	}
	if sh := c.Shadow; sh != nil && sh.ID != 0 {
		parts = append(parts, fmt.Sprintf("shadow %d of %s scored=%d disagreements=%d", sh.ID, sh.Challenger, sh.Scored, sh.Disagreements))
	}
	return strings.Join(parts, "; ")
}
