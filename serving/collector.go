package serving

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl/features/prefilter"
)

// sourceMetrics are the counter families of each source, labeled source.
var sourceMetrics = []struct {
	name, help string
	get        func(*SourceCounts) uint64
}{
	{"mlctl_source_read_total", "Lines or frames read, by source.", func(c *SourceCounts) uint64 { return c.Read }},
	{"mlctl_source_parsed_total", "Records parsed, by source.", func(c *SourceCounts) uint64 { return c.Parsed }},
	{"mlctl_source_bad_total", "Lines or frames that did not parse, by source.", func(c *SourceCounts) uint64 { return c.Bad }},
	{"mlctl_source_skipped_total", "Records with nothing to score, by source.", func(c *SourceCounts) uint64 { return c.Skipped }},
	{"mlctl_source_scored_total", "Inputs scored, by source.", func(c *SourceCounts) uint64 { return c.Scored }},
	{"mlctl_source_dropped_total", "Inputs dropped because the queue was full, by source.", func(c *SourceCounts) uint64 { return c.Dropped }},
}

// sourceNames are the sources a scorer may read.
var sourceNames = []string{SourceDNSDomain, SourceDNSLog, SourceDnstap, SourceKafkaConn, SourceKafkaDNS, SourceZeekConn, SourceZeekDNS}

// scorerCollector is the Prometheus collector of the scorer's metrics
// outside Metrics: its Counters, the model and shadow in service, alerts by
// kind, client windows and prefiltered names by reason, all read at scrape
// time from what owns them.
type scorerCollector struct {
	s *Server

	scorerInfo, modelInfo, modelThreshold, modelLoaded, swaps, refused              *prometheus.Desc
	shadowInfo, shadowScored, shadowDisagreements, shadowChampion, shadowChallenger *prometheus.Desc
	shadowRefused, sampleRows, sampleSeen, alerts, deduplicated, clientWindows      *prometheus.Desc
	clientEvictions, clientLate, prefiltered, queue, flowLate                       *prometheus.Desc
	kafkaPartitions                                                                 *prometheus.Desc
	delivered, spooled, dropped, quarantined, deliveryFailures, inSpool, spoolBytes *prometheus.Desc
	retried, buffered                                                               *prometheus.Desc
	sources                                                                         []*prometheus.Desc // as sourceMetrics
	all                                                                             []*prometheus.Desc
}

// newScorerCollector returns the collector of s's metrics.
func newScorerCollector(s *Server) *scorerCollector {
	c := &scorerCollector{s: s}
	d := func(name, help string, labels ...string) *prometheus.Desc {
		desc := prometheus.NewDesc(name, help, labels, nil)
		c.all = append(c.all, desc)
		return desc
	}
	c.scorerInfo = d("mlctl_scorer_info", "This scorer (1), by id, host and alias.", "scorer_id", "host", "alias")
	c.modelInfo = d("mlctl_model_info", "The model in service (1), by name, version and SHA-256.", "alias", "model", "version", "sha256")
	c.modelThreshold = d("mlctl_model_threshold", "The threshold of the model in service: scores at or above it are alerts.", "alias")
	c.modelLoaded = d("mlctl_model_loaded_timestamp_seconds", "When the model in service was loaded, since the Unix epoch.", "alias")
	c.swaps = d("mlctl_model_swaps_total", "Models swapped in.")
	c.refused = d("mlctl_model_refused_total", "Models refused (failed to load or verify); the old one kept serving.")
	c.shadowInfo = d("mlctl_shadow_info", "The shadow being scored (1), by id, champion and challenger: the challenger scores what the champion scores and never alerts.",
		"alias", "shadow_id", "champion", "challenger")
	c.shadowScored = d("mlctl_shadow_scored_total", "Inputs scored by both the champion and the challenger of the shadow, by shadow id.", "shadow_id")
	c.shadowDisagreements = d("mlctl_shadow_disagreements_total", "Inputs the champion and the challenger labeled differently (each at its own threshold), by shadow id.", "shadow_id")
	c.shadowChampion = d("mlctl_shadow_champion_alerts_total", "Shadowed inputs at or above the champion's threshold, by shadow id.", "shadow_id")
	c.shadowChallenger = d("mlctl_shadow_challenger_alerts_total", "Shadowed inputs the challenger would have alerted on (never raised), by shadow id.", "shadow_id")
	c.shadowRefused = d("mlctl_shadow_refused_total", "Open shadows not scored: the challenger failed to load or verify, or scores another kind of input.")
	c.sampleRows = d("mlctl_live_sample_rows", "Feature vectors kept in the live sample of the model in service (for drift checks).", "model")
	c.sampleSeen = d("mlctl_live_sample_seen_total", "Feature vectors offered to the live sample of the model in service.", "model")
	c.alerts = d("mlctl_alerts_total", "Alerts raised, by kind: name, client, tunnel, flow, txt.", "kind")
	c.deduplicated = d("mlctl_alerts_deduplicated_total", "Name alerts not raised: a repeat of a (client, registrable domain, window) already alerted.")
	c.clientWindows = d("mlctl_client_windows_open", "Client windows held for client verdicts (this window's clients and the previous one's).")
	c.clientEvictions = d("mlctl_client_evictions_total", "Clients forgotten before their window ended because --client-max clients were tracked.")
	c.clientLate = d("mlctl_client_late_queries_total", "Queries from a window before their client's current one (out of order), counted in the current one.")
	c.delivered = d("mlctl_alerts_delivered_total", "Alerts a sink took, by sink: registry, file, and each --sink by its URL (without credentials or query).", "sink")
	c.spooled = d("mlctl_alerts_spooled_total", "Alerts spooled on disk because their sink could not take them then (or others waited before them), by sink; delivered from the spool in order.", "sink")
	c.dropped = d("mlctl_alerts_dropped_total", "Alerts lost by a sink: its spool (registry, file) or in-memory buffer (--sink; the oldest dropped) was full, it refused them as invalid, or a --sink could not deliver them within --sink-flush-timeout at shutdown; each drop is logged.", "sink")
	c.quarantined = d("mlctl_alerts_quarantined_total", "Spooled alerts that did not decode, moved to the spool's bad/ folder, by sink.", "sink")
	c.deliveryFailures = d("mlctl_alert_delivery_failures_total", "Deliveries of a batch of alerts a sink did not take (then spooled and retried), by sink.", "sink")
	c.inSpool = d("mlctl_alert_spool_alerts", "Alerts waiting in a sink's spool, by sink.", "sink")
	c.spoolBytes = d("mlctl_alert_spool_bytes", "Bytes held in a sink's spool, by sink.", "sink")
	c.retried = d("mlctl_alerts_retried_total", "Alerts a --sink output sent again after a try it did not take (backoff doubling up to 30s), by sink.", "sink")
	c.buffered = d("mlctl_alert_buffer_alerts", "Alerts waiting in a --sink output's in-memory buffer (--sink-buffer; when full the oldest are dropped), by sink.", "sink")
	c.prefiltered = d("mlctl_prefiltered_total", "Names prefiltered (never scored as DGA: .arpa, local, special-use, single-label, _service labels, --internal-suffix, --allowlist), by reason and source.",
		"reason", "source")
	c.queue = d("mlctl_queue_length", "Queries waiting to be scored.")
	c.flowLate = d("mlctl_flow_late_total", "conn.log connections that came after their window closed (see --flow-lateness), dropped.")
	c.kafkaPartitions = d("mlctl_kafka_partitions_assigned", "Kafka partitions this scorer holds in its consumer group, by source (kafka-dns, kafka-conn) and topic.", "source", "topic")
	for _, f := range sourceMetrics {
		c.sources = append(c.sources, d(f.name, f.help, "source"))
	}
	return c
}

// Describe sends every family the collector may export.
func (c *scorerCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.all {
		ch <- d
	}
}

// Collect reads the scorer's state and sends its metrics.
func (c *scorerCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.s
	alias := s.cfg.Alias
	m, sh := s.holder.Get(), s.holder.Shadow()
	n := s.countersOf(m, sh)
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		send(ch, d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		send(ch, d, prometheus.CounterValue, v, labels...)
	}

	gauge(c.scorerInfo, 1, s.id, s.host, alias)
	if m != nil {
		gauge(c.modelInfo, 1, alias, m.Name, strconv.Itoa(m.Version), m.SHA256)
		gauge(c.modelThreshold, m.Threshold, alias)
		gauge(c.modelLoaded, float64(m.LoadedAt.UnixNano())/1e9, alias)
	}
	counter(c.swaps, float64(n.Swaps))
	counter(c.refused, float64(n.RefusedModels))
	if sh := n.Shadow; sh != nil {
		id := strconv.FormatInt(sh.ID, 10)
		gauge(c.shadowInfo, 1, alias, id, sh.Champion, sh.Challenger)
		counter(c.shadowScored, float64(sh.Scored), id)
		counter(c.shadowDisagreements, float64(sh.Disagreements), id)
		counter(c.shadowChampion, float64(sh.ChampionAlerts), id)
		counter(c.shadowChallenger, float64(sh.ChallengerAlerts), id)
	}
	counter(c.shadowRefused, float64(n.RefusedShadows))
	if ls := n.LiveSample; ls != nil {
		gauge(c.sampleRows, float64(ls.Rows), m.Ref())
		counter(c.sampleSeen, float64(ls.Seen), m.Ref())
	}

	for _, k := range AlertKinds {
		counter(c.alerts, float64(s.alerts.RaisedKind(k)), k)
	}
	var open int64
	var evicted, late uint64
	if cw := s.pipeline.ClientWindows(); cw != nil {
		open, evicted, late = cw.Open(), cw.Evicted(), cw.Late()
	}
	var dedup uint64
	if n.AlertsDeduplicated != nil {
		dedup = *n.AlertsDeduplicated
	}
	counter(c.deduplicated, float64(dedup))
	gauge(c.clientWindows, float64(open))
	counter(c.clientEvictions, float64(evicted))
	counter(c.clientLate, float64(late))
	for sink, dc := range n.Delivery {
		counter(c.delivered, float64(dc.Delivered), sink)
		counter(c.dropped, float64(dc.Dropped), sink)
		counter(c.deliveryFailures, float64(dc.Failures), sink)
		if sink == SinkRegistry || sink == SinkFile { // spooled on disk
			counter(c.spooled, float64(dc.Spooled), sink)
			counter(c.quarantined, float64(dc.Quarantined), sink)
			gauge(c.inSpool, float64(dc.InSpool), sink)
			gauge(c.spoolBytes, float64(dc.SpoolBytes), sink)
			continue
		}
		counter(c.retried, float64(dc.Retried), sink) // a --sink, buffered in memory
		gauge(c.buffered, float64(dc.Buffered), sink)
	}

	c.collectPrefiltered(ch)
	gauge(c.queue, float64(n.Queue))
	if s.flows != nil {
		counter(c.flowLate, float64(s.flows.late.Load()))
	}
	for _, name := range sourceNames {
		src := n.Source(name)
		if src == nil {
			continue
		}
		for i, f := range sourceMetrics {
			counter(c.sources[i], float64(f.get(src)), name)
		}
	}
}

// collectPrefiltered sends mlctl_prefiltered_total by reason and source:
// every reason of every streaming source, and of "http" when the API
// listens.
func (c *scorerCollector) collectPrefiltered(ch chan<- prometheus.Metric) {
	by := map[string]*prefilter.Counts{}
	for name, sc := range c.s.pipeline.counters {
		by[name] = &sc.Prefiltered
	}
	if c.s.listener != nil {
		by["http"] = &c.s.metrics.Prefiltered
	}
	for _, reason := range prefilter.Reasons() {
		for name, counts := range by {
			send(ch, c.prefiltered, prometheus.CounterValue, float64(counts.Get(reason)), reason.String(), name)
		}
	}
}

// send sends one sample of d, or the error that made it invalid.
func send(ch chan<- prometheus.Metric, d *prometheus.Desc, t prometheus.ValueType, v float64, labels ...string) {
	m, err := prometheus.NewConstMetric(d, t, v, labels...)
	if err != nil {
		m = prometheus.NewInvalidMetric(d, err)
	}
	ch <- m
}
