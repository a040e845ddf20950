package serving

import "github.com/mlctl/mlctl/registry"

// Counters are a scorer's counters at one moment. Its heartbeat stores them
// as JSON in the scorer's row of the registry, /metrics exports them (with
// finer breakdowns read at scrape time: alerts by kind, prefiltered names by
// reason) and `mlctl serve status` shows them. The JSON field names are
// those of every row stored so far: keep them.
type Counters struct {
	// HTTPNamesScored counts names (and flow windows) scored through the
	// HTTP API, HTTPTXTScored TXT records; HTTPPrefiltered counts the names
	// it answered as prefiltered.
	HTTPNamesScored uint64 `json:"http_names_scored"`
	HTTPTXTScored   uint64 `json:"http_txt_scored"`
	HTTPPrefiltered uint64 `json:"http_prefiltered"`
	// Alerts counts alerts raised, ClientAlerts those of kind client.
	Alerts       uint64 `json:"alerts"`
	ClientAlerts uint64 `json:"client_alerts"`
	// AlertsDeduplicated counts name alerts not raised, being a repeat of a
	// (client, registrable domain, window) already alerted; nil when client
	// windows are off.
	AlertsDeduplicated *uint64 `json:"alerts_deduplicated,omitempty"`
	// Swaps counts models swapped in; RefusedModels models and
	// RefusedShadows open shadows refused (failed to load or verify).
	Swaps          uint64 `json:"swaps"`
	RefusedModels  uint64 `json:"refused_models"`
	RefusedShadows uint64 `json:"refused_shadows"`
	// Queue is how many queries wait to be scored.
	Queue int `json:"queue"`
	// ZeekDNS, Dnstap and ZeekConn are the counts of each source the
	// scorer reads (nil for a source it does not read); see Source.
	ZeekDNS  *SourceCounts `json:"zeek-dns,omitempty"`
	Dnstap   *SourceCounts `json:"dnstap,omitempty"`
	ZeekConn *SourceCounts `json:"zeek-conn,omitempty"`
	// DNSLog are the counts of the DNS server log (--dns-log).
	DNSLog *SourceCounts `json:"dns-log,omitempty"`
	// KafkaDNS and KafkaConn are the counts of the Kafka inputs (nil for
	// one not read), counted as their file counterparts, a Zeek record
	// for a line; KafkaPartitions the partitions this scorer holds in
	// their consumer groups, by source and topic.
	KafkaDNS        *SourceCounts                 `json:"kafka-dns,omitempty"`
	KafkaConn       *SourceCounts                 `json:"kafka-conn,omitempty"`
	KafkaPartitions map[string]map[string][]int32 `json:"kafka_partitions,omitempty"`
	// DNSDomain are the domain windows' counts (nil when no DNS source
	// is read): records taken, windows scored.
	DNSDomain *SourceCounts `json:"dns-domain,omitempty"`
	// Shadow is the open shadow's (nil: none scored).
	Shadow *ShadowCounts `json:"shadow,omitempty"`
	// LiveSample is the model in service's live sample (nil: none kept).
	LiveSample *LiveSampleCounts `json:"live_sample,omitempty"`
	// Delivery is each alert sink's delivery (registry, file): delivered,
	// spooled, dropped and what waits in its spool.
	Delivery map[string]DeliveryCounts `json:"delivery,omitempty"`
	// ModelSource is where the model in service came from: "registry", or
	// "cache" while it is one read from the local model cache that the
	// registry has not confirmed ("": none in service). ServedFromCache is
	// the model this scorer served from its cache while the registry did
	// not answer (nil: none), so the first heartbeat after the registry
	// returns tells since when. CacheWriteFailures counts models put in
	// service that could not be saved in the cache.
	ModelSource        string            `json:"model_source,omitempty"`
	ServedFromCache    *CacheSpellCounts `json:"served_from_cache,omitempty"`
	CacheWriteFailures uint64            `json:"cache_write_failures,omitempty"`
}

// Source is the counts of the source named zeek-dns, dnstap, zeek-conn,
// kafka-dns, kafka-conn or dns-domain
// (nil for a source the scorer does not read).
func (c *Counters) Source(name string) *SourceCounts {
	switch name {
	case SourceZeekDNS:
		return c.ZeekDNS
	case SourceDnstap:
		return c.Dnstap
	case SourceDNSLog:
		return c.DNSLog
	case SourceZeekConn:
		return c.ZeekConn
	case SourceKafkaDNS:
		return c.KafkaDNS
	case SourceKafkaConn:
		return c.KafkaConn
	case SourceDNSDomain:
		return c.DNSDomain
	}
	return nil
}

// SourceCounts are one source's SourceCounters at one moment; Prefiltered
// is the total over every reason.
type SourceCounts struct {
	Read        uint64 `json:"read"`
	Parsed      uint64 `json:"parsed"`
	Bad         uint64 `json:"bad"`
	Skipped     uint64 `json:"skipped"`
	Scored      uint64 `json:"scored"`
	Dropped     uint64 `json:"dropped"`
	Prefiltered uint64 `json:"prefiltered"`
}

// Counts reads the counters now (nil for nil counters: a source not read).
func (c *SourceCounters) Counts() *SourceCounts {
	if c == nil {
		return nil
	}
	return &SourceCounts{Read: c.Read.Load(), Parsed: c.Parsed.Load(), Bad: c.Bad.Load(), Skipped: c.Skipped.Load(),
		Scored: c.Scored.Load(), Dropped: c.Dropped.Load(), Prefiltered: c.Prefiltered.Total()}
}

// ShadowCounts are the open shadow (its id, and the champion's and the
// challenger's MODEL@V) and its running totals in this scorer.
type ShadowCounts struct {
	ID               int64  `json:"id"`
	Champion         string `json:"champion"`
	Challenger       string `json:"challenger"`
	Scored           int64  `json:"scored"`
	Disagreements    int64  `json:"disagreements"`
	ChampionAlerts   int64  `json:"champion_alerts"`
	ChallengerAlerts int64  `json:"challenger_alerts"`
}

// LiveSampleCounts are the feature vectors a live sample keeps (Rows) and
// those it was offered (Seen).
type LiveSampleCounts struct {
	Rows int   `json:"rows"`
	Seen int64 `json:"seen"`
}

// Counters reads the scorer's counters now: what its next heartbeat reports.
func (s *Server) Counters() Counters { return s.countersOf(s.holder.Get(), s.holder.Shadow()) }

// countersOf reads the scorer's counters with m the model in service (nil:
// none) and sh the open shadow (nil: none), so /metrics labels what it
// reads with the models it read it from.
func (s *Server) countersOf(m *Model, sh *Shadow) Counters {
	c := Counters{
		HTTPNamesScored: s.metrics.NamesScored.Load(),
		HTTPTXTScored:   s.metrics.TXTScored.Load(),
		HTTPPrefiltered: s.metrics.Prefiltered.Total(),
		Alerts:          s.alerts.Raised(),
		ClientAlerts:    s.alerts.RaisedKind(registry.AlertClient),
		Swaps:           s.watcher.Swaps(),
		RefusedModels:   s.watcher.Refusals(),
		RefusedShadows:  s.watcher.ShadowRefusals(),
		Queue:           s.pipeline.QueueLen(),
		ZeekDNS:         s.pipeline.Counters(SourceZeekDNS).Counts(),
		Dnstap:          s.pipeline.Counters(SourceDnstap).Counts(),
		DNSLog:          s.pipeline.Counters(SourceDNSLog).Counts(),
		KafkaDNS:        s.pipeline.Counters(SourceKafkaDNS).Counts(),
		Delivery:        s.alerts.Delivery(),
	}
	if cw := s.pipeline.ClientWindows(); cw != nil {
		d := cw.Deduplicated()
		c.AlertsDeduplicated = &d
	}
	if s.flows != nil {
		c.ZeekConn = s.flows.counters.Counts()
	}
	if s.kafkaFlows != nil {
		c.KafkaConn = s.kafkaFlows.counters.Counts()
	}
	for _, source := range []string{SourceKafkaDNS, SourceKafkaConn} {
		if k := s.kafkaConsumer(source); k != nil {
			if c.KafkaPartitions == nil {
				c.KafkaPartitions = map[string]map[string][]int32{}
			}
			c.KafkaPartitions[source] = k.Assigned()
		}
	}
	if s.domains != nil {
		c.DNSDomain = s.domains.Counters().Counts()
	}
	if sh != nil {
		st := sh.Stats()
		c.Shadow = &ShadowCounts{ID: sh.ID, Champion: sh.Champion.Ref(), Challenger: sh.Challenger.Ref(), Scored: st.Scored,
			Disagreements: st.Disagreements, ChampionAlerts: st.ChampionAlerts, ChallengerAlerts: st.ChallengerAlerts}
	}
	if m != nil && m.Sample != nil {
		c.LiveSample = &LiveSampleCounts{Rows: m.Sample.Len(), Seen: m.Sample.Seen()}
	}
	if m != nil {
		c.ModelSource = s.provenance(m).ModelSource()
	}
	c.ServedFromCache, c.CacheWriteFailures = s.watcher.cacheSpellCounts(), s.watcher.CacheWriteFailures()
	return c
}
