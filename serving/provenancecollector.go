package serving

import "github.com/prometheus/client_golang/prometheus"

// provenanceCollector exports whether the registry answers and where the
// model in service came from (Provenance), and the model cache's failed
// saves, read at scrape time.
type provenanceCollector struct {
	s                                 *Server
	registryUp, fromCache, cacheFails *prometheus.Desc
}

func newProvenanceCollector(s *Server) *provenanceCollector {
	return &provenanceCollector{s: s,
		registryUp: prometheus.NewDesc("mlctl_registry_up", "Whether the registry (PostgreSQL) answers the scorer: 1, or 0 while it does not.", nil, nil),
		fromCache: prometheus.NewDesc("mlctl_model_from_cache",
			"1 while the model in service was read from the scorer's local model cache (the registry did not answer at start) and the registry has not confirmed it yet.", nil, nil),
		cacheFails: prometheus.NewDesc("mlctl_model_cache_write_failures_total",
			"Models put in service that could not be saved in the local model cache (they served all the same).", nil, nil),
	}
}

// Describe sends every family the collector exports.
func (c *provenanceCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.registryUp
	ch <- c.fromCache
	ch <- c.cacheFails
}

// Collect reads the scorer's provenance and sends its metrics.
func (c *provenanceCollector) Collect(ch chan<- prometheus.Metric) {
	p := c.s.provenance(c.s.holder.Get())
	send(ch, c.registryUp, prometheus.GaugeValue, float64(btoi(p.RegistryUp)))
	send(ch, c.fromCache, prometheus.GaugeValue, float64(btoi(p.FromCache)))
	send(ch, c.cacheFails, prometheus.CounterValue, float64(c.s.watcher.CacheWriteFailures()))
}
