package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	ucli "github.com/urfave/cli/v2"

	"github.com/mlctl/mlctl/datasets/dnslog"
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
			&ucli.StringFlag{Name: "http", Usage: "listen address of the HTTP API (POST /v1/score, GET /healthz, GET /metrics, and the Open Inference Protocol under /v2), e.g. 127.0.0.1:8080; beyond loopback it needs --http-tokens or --tls-client-ca (or --http-insecure)"},
			&ucli.StringFlag{Name: "http-tokens", Usage: "file of bearer tokens the HTTP API accepts, one a line: NAME sha256:HEX [score,metrics,health] (# comments; `mlctl serve token NAME` makes one); SIGHUP reloads it"},
			&ucli.StringFlag{Name: "tls-cert", Usage: "PEM certificate (chain) to serve the HTTP API over HTTPS; re-read when it changes (and on SIGHUP)"},
			&ucli.StringFlag{Name: "tls-key", Usage: "PEM private key of --tls-cert"},
			&ucli.StringFlag{Name: "tls-client-ca", Usage: "PEM CA certificates that client certificates must chain to: a verified client certificate authenticates a request (with --http-tokens, a token or a certificate does)"},
			&ucli.StringSliceFlag{Name: "tls-client-name", Usage: "let in only client certificates with this common name or DNS, URI or email name (repeat for several; default: any --tls-client-ca signed)"},
			&ucli.BoolFlag{Name: "http-health-auth", Usage: "make /healthz and /v2/health/* need a token (scope health) or client certificate too (default: open, for probes)"},
			&ucli.BoolFlag{Name: "http-insecure", Usage: "let --http listen beyond loopback without authentication: anyone who reaches it can score and read /metrics"},
			&ucli.StringFlag{Name: "zeek-dns", Usage: "Zeek dns.log (TSV or JSON) to follow as it grows and rotates"},
			&ucli.StringFlag{Name: "zeek-conn", Usage: "Zeek conn.log (TSV or JSON) to follow: scored by source window when the alias points at a flow model, else checked with the flow analyzer's flow rules"},
			&ucli.StringFlag{Name: "kafka-dns", Usage: "consume Zeek dns.log records (JSON, bare or as the zeek-kafka plugin wraps them) from Kafka: kafka://BROKER[:PORT],.../TOPIC[?group=G] (default group mlctl-ALIAS-dns; scorers in one group split the partitions; offsets are committed once records are scored); more parameters: tls=true, ca=PEM, cert=PEM&key=PEM, sasl=plain|scram-sha-256|scram-sha-512 with $MLCTL_KAFKA_USER and $MLCTL_KAFKA_PASSWORD"},
			&ucli.StringFlag{Name: "kafka-conn", Usage: "consume Zeek conn.log records (JSON) from Kafka into the flow path, as --zeek-conn: kafka://BROKER[:PORT],.../TOPIC[?group=G] (default group mlctl-ALIAS-conn), parameters as --kafka-dns"},
			&ucli.DurationFlag{Name: "flow-lateness", Value: 60 * time.Second, Usage: "how long a conn.log window stays open for connections Zeek logs late (it logs each when it ends); later ones are counted and dropped"},
			&ucli.StringFlag{Name: "dnstap", Usage: "unix:PATH of a Frame Streams socket for unbound or BIND to send dnstap to"},
			&ucli.StringFlag{Name: "dns-log", Usage: "a DNS server's query log to follow as it grows and rotates (BIND, dnsmasq, Pi-hole, CoreDNS, Windows DNS debug log…), read with --dns-log-format"},
			&ucli.StringFlag{Name: "dns-log-format", Usage: "the --dns-log's format: a preset (" + strings.Join(dnslog.Presets(), ", ") + ") or a format file (@FILE, or a path with a / or ending .json)"},
			&ucli.BoolFlag{Name: "dnstap-responses", Usage: "score client responses from dnstap too (default: queries only); a txt model needs them, it scores their TXT records"},
			&ucli.StringFlag{Name: "alerts", Usage: "append alerts as JSON lines to this file (they always go to the registry); SIGHUP or SIGUSR1 reopens it, for logrotate"},
			&ucli.GenericFlag{Name: "sink", Value: &sinkURLs{}, Usage: "alert output for a SOC, beside the registry and --alerts (repeatable, combinable): " + serving.SinkSchemes +
				". Every output sends the alert as an ECS document. Syslog is RFC 5424 with the ECS JSON as MSG, octet-counted on TCP and TLS (?facility=local0&severity=warning; TLS: ?ca=FILE&cert=FILE&key=FILE&server_name=NAME). " +
				"Elasticsearch: _bulk create with _id = alert_id, default index logs-mlctl.alert-default (?api_key= or $" + serving.EnvElasticsearchKey + ", or USER:PASS@; ?pipeline=). " +
				"Splunk: HEC /services/collector/event, ?token= or $" + serving.EnvSplunkToken + " (?index=&source=). " +
				"Kafka: keyed by client IP (else domain) so one client's alerts stay in order (?tls=1&ca=&cert=&key=&sasl=plain|scram-sha-256|scram-sha-512&user=, password $" + serving.EnvKafkaSASLPassword + "). " +
				"ecs:PATH is reopened on SIGHUP like --alerts"},
			&ucli.IntFlag{Name: "sink-buffer", Value: serving.DefaultSinkBuffer, Usage: "alerts each --sink holds in memory while it cannot keep up or is down; when full the OLDEST waiting are dropped (counted in mlctl_alerts_dropped_total{sink} and the heartbeat), so scoring never waits"},
			&ucli.IntFlag{Name: "sink-batch", Value: serving.DefaultSinkBatch, Usage: "most alerts a --sink sends in one go (one _bulk or HEC request, one produce, one write)"},
			&ucli.DurationFlag{Name: "sink-timeout", Value: serving.DefaultSinkTimeout, Usage: "time for one try of a --sink (connect and send); a try not taken is retried with backoff from 0.25s doubling up to 30s"},
			&ucli.DurationFlag{Name: "sink-flush-timeout", Value: serving.DefaultSinkFlushTimeout, Usage: "at shutdown, how long the --sink outputs keep delivering what they hold; what is left is dropped and counted"},
			&ucli.DurationFlag{Name: "client-window", Value: serving.DefaultClientWindow, Usage: "tumbling window, on the queries' own time, of client verdicts and of name alert de-duplication (one per client, registrable domain and window); 0 turns both off"},
			&ucli.IntFlag{Name: "client-min-names", Value: serving.DefaultClientMinNames, Usage: fmt.Sprintf("registrable domains over the threshold in one client window that raise a client alert (1 to %d)", serving.MaxClientNames)},
			&ucli.IntFlag{Name: "client-max", Value: serving.DefaultClientMax, Usage: "clients tracked at once for client verdicts; beyond it the least recently seen is forgotten (counted in mlctl_client_evictions_total)"},
			&ucli.BoolFlag{Name: "from-end", Usage: "follow logs from their end (only new lines); a Kafka group without committed offsets starts at the topics' end (default: their start)"},
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
			serveTokenCommand(),
			{Name: "status", Usage: "list the scorers: alias, model, SHA-256, started, last seen, counters",
				Flags: []ucli.Flag{
					&ucli.StringFlag{Name: "alias", Usage: "only scorers of this alias"},
					&ucli.BoolFlag{Name: "json", Usage: "print JSON lines"},
				}, Action: serveStatus},
			serveHealthCommand(),
		},
	}
}

func serve(c *ucli.Context) error {
	if c.NArg() > 0 {
		return usagef("serve: unknown argument %q (did you mean `serve status` or `serve token NAME`?)", c.Args().First())
	}
	cfg := serving.Config{
		Alias: c.String("alias"), DomainAlias: c.String("domain-alias"), TunnelRealert: c.Duration("tunnel-realert"), HTTPAddr: c.String("http"), ZeekDNS: c.String("zeek-dns"), ZeekConn: c.String("zeek-conn"),
		DnstapResponses: c.Bool("dnstap-responses"), Alerts: c.String("alerts"), FromEnd: c.Bool("from-end"),
		MaxBody: c.Int64("max-body"), Heartbeat: c.Duration("heartbeat"), Pipeline: serving.PipelineOptions{QueueSize: c.Int("queue")},
		DriftSample: c.Int("drift-sample"), SampleFlush: c.Duration("sample-flush"),
		MaxInputs: c.Int("max-inputs"), MaxInFlight: c.Int("max-in-flight"), InFlightWait: c.Duration("in-flight-wait"),
		HTTP:     serving.HTTPTimeouts{Read: c.Duration("http-read-timeout"), Write: c.Duration("http-write-timeout"), Idle: c.Duration("http-idle-timeout")},
		StateDir: c.String("state-dir"), SpoolMaxBytes: c.Int64("alert-spool-max"),
		HTTPSecurity: serving.HTTPSecurity{Tokens: c.String("http-tokens"), TLSCert: c.String("tls-cert"), TLSKey: c.String("tls-key"),
			TLSClientCA: c.String("tls-client-ca"), ClientNames: c.StringSlice("tls-client-name"), HealthAuth: c.Bool("http-health-auth"),
			Insecure: c.Bool("http-insecure")},
		Sinks: c.Generic("sink").(*sinkURLs).urls,
		Outputs: serving.OutputOptions{Buffer: c.Int("sink-buffer"), Batch: c.Int("sink-batch"), Timeout: c.Duration("sink-timeout"),
			FlushTimeout: c.Duration("sink-flush-timeout")},
	}
	for _, f := range []string{"sink-buffer", "sink-batch"} {
		if c.Int(f) <= 0 {
			return usagef("serve: --%s %d: want 1 or more", f, c.Int(f))
		}
	}
	for _, f := range []string{"sink-timeout", "sink-flush-timeout"} {
		if c.Duration(f) <= 0 {
			return usagef("serve: --%s %v: want a positive duration", f, c.Duration(f))
		}
	}
	if err := checkHTTPSecurity(c.Context, cfg.HTTPAddr, cfg.HTTPSecurity); err != nil {
		return err
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
	if err := dnsLogOf(c, &cfg); err != nil {
		return err
	}
	for _, k := range []struct {
		flag string
		to   **serving.KafkaInput
	}{{"kafka-dns", &cfg.KafkaDNS}, {"kafka-conn", &cfg.KafkaConn}} {
		raw := c.String(k.flag)
		if raw == "" {
			continue
		}
		in, err := serving.ParseKafkaInput(raw)
		if err != nil {
			return usagef("serve: --%s: %v", k.flag, err)
		}
		in.User, in.Password = os.Getenv("MLCTL_KAFKA_USER"), os.Getenv("MLCTL_KAFKA_PASSWORD")
		*k.to = &in
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
		if cfg.ZeekConn == "" && cfg.KafkaConn == nil {
			return usagef("serve: --blacklist is for the conn.log checks: give --zeek-conn or --kafka-conn too")
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
	stopSignals := reloadOnSignal(srv)
	defer stopSignals()
	log.Info("scorer started", "id", srv.ID(), "alias", cfg.Alias, "http", srv.Addr(), "http_auth", srv.HTTPAuthDesc(),
		"tls", cfg.HTTPSecurity.TLSCert != "", "pid", os.Getpid(),
		"internal_suffixes", pf.InternalSuffixes(), "allowlisted_domains", pf.Allowlisted())
	err = srv.Run(ctx)
	log.Info("scorer stopped", "id", srv.ID())
	return err
}

// dnsLogOf reads --dns-log and --dns-log-format into cfg.
func dnsLogOf(c *ucli.Context, cfg *serving.Config) error {
	path, spec := c.String("dns-log"), c.String("dns-log-format")
	switch {
	case path == "" && spec == "":
		return nil
	case path == "":
		return usagef("serve: --dns-log-format is the format of --dns-log: give --dns-log PATH too")
	case spec == "":
		return usagef("serve: --dns-log needs --dns-log-format: a preset (%s) or a format file (@FILE)", strings.Join(dnslog.Presets(), ", "))
	}
	f, ok, err := dnslog.Lookup(spec)
	if err != nil {
		return usagef("serve: --dns-log-format: %v", err)
	}
	if !ok {
		return usagef("serve: --dns-log-format %q: want a preset (%s) or a format file (@FILE, or a path with a / or ending .json)", spec, strings.Join(dnslog.Presets(), ", "))
	}
	cfg.DNSLog, cfg.DNSLogFormat = path, f
	return nil
}

// signalReloader is what a scorer does on SIGHUP and SIGUSR1.
type signalReloader interface {
	ReopenAlerts() error
	ReloadHTTPAuth() error
}

// reloadOnSignal, on each SIGHUP, reopens the scorer's alerts file
// (logrotate's postrotate sends one) and reads its token file and TLS
// files again; on SIGUSR1 (as nginx) it only reopens the alerts file.
// It listens until the function it returns is called, which waits for
// it to stop: caught, the signals do not end the process, shutdown
// included. Failures are logged by the scorer, and what was in use stays.
func reloadOnSignal(srv signalReloader) (stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP, syscall.SIGUSR1)
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-quit:
				return
			case s := <-sig:
				srv.ReopenAlerts()
				if s == syscall.SIGHUP {
					srv.ReloadHTTPAuth()
				}
			}
		}
	}()
	return func() {
		signal.Stop(sig)
		close(quit)
		<-done
	}
}

// checkHTTPSecurity refuses, as a usage error, HTTP security flags that
// contradict each other, a token file that does not parse and an
// address beyond loopback without authentication.
func checkHTTPSecurity(ctx context.Context, addr string, sec serving.HTTPSecurity) error {
	if addr == "" {
		for _, f := range []string{sec.Tokens, sec.TLSCert, sec.TLSClientCA} {
			if f != "" {
				return usagef("serve: --http-tokens and --tls-* secure the HTTP API: give --http ADDR too")
			}
		}
		return nil
	}
	if err := sec.Validate(); err != nil {
		return usagef("serve: %v", err)
	}
	if sec.Tokens != "" {
		if _, err := serving.LoadTokens(sec.Tokens); err != nil {
			return usagef("serve: --http-tokens: %v", err)
		}
	}
	if err := serving.CheckBind(ctx, addr, sec); err != nil {
		return usagef("serve: %v", err)
	}
	return nil
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

// partitionsText is the Kafka partitions a scorer holds, by topic:
// "zeek-dns:0,2 other:1", or "none".
func partitionsText(topics map[string][]int32) string {
	var out []string
	for _, t := range slices.Sorted(maps.Keys(topics)) {
		ps := slices.Sorted(slices.Values(topics[t]))
		nums := make([]string, len(ps))
		for i, p := range ps {
			nums[i] = strconv.Itoa(int(p))
		}
		out = append(out, t+":"+strings.Join(nums, ","))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, " ")
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
	for _, name := range []string{serving.SourceZeekDNS, serving.SourceDnstap, serving.SourceDNSLog, serving.SourceZeekConn, serving.SourceKafkaDNS, serving.SourceKafkaConn} {
		if src := c.Source(name); src != nil {
			part := fmt.Sprintf("%s read=%d bad=%d scored=%d prefiltered=%d dropped=%d", name, src.Read, src.Bad, src.Scored, src.Prefiltered, src.Dropped)
			if topics, ok := c.KafkaPartitions[name]; ok {
				part += " partitions=" + partitionsText(topics)
			}
			parts = append(parts, part)
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
	for _, sink := range slices.Sorted(maps.Keys(c.Delivery)) {
		if sink == serving.SinkRegistry || sink == serving.SinkFile {
			continue
		}
		d := c.Delivery[sink]
		parts = append(parts, fmt.Sprintf("sink %s delivered=%d buffered=%d retried=%d dropped=%d", sink, d.Delivered, d.Buffered, d.Retried, d.Dropped))
	}
	if sh := c.Shadow; sh != nil && sh.ID != 0 {
		parts = append(parts, fmt.Sprintf("shadow %d of %s scored=%d disagreements=%d", sh.ID, sh.Challenger, sh.Scored, sh.Disagreements))
	}
	return strings.Join(parts, "; ")
}

// sinkURLs is the value of the repeatable --sink flag: each occurrence one
// URL, whole (a Kafka URL's brokers are comma-separated, so the commas
// that split a StringSliceFlag's values must not).
type sinkURLs struct{ urls []string }

// Set adds one --sink URL.
func (s *sinkURLs) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("empty --sink: want %s", serving.SinkSchemes)
	}
	s.urls = append(s.urls, v)
	return nil
}

// String lists the URLs, without their queries (which may hold tokens).
func (s *sinkURLs) String() string {
	if s == nil {
		return ""
	}
	out := make([]string, len(s.urls))
	for i, u := range s.urls {
		out[i], _, _ = strings.Cut(u, "?")
	}
	return strings.Join(out, " ")
}
