package serving

import (
	"maps"
	"slices"

	"github.com/mlctl/mlctl/features/prefilter"
)

// The prefilter (features/prefilter) keeps names that cannot be a DGA's
// rendezvous from a domain-name model: a prefiltered query is counted on
// its source by reason (SourceCounters.Prefiltered), never scored, never
// alerted, never sampled or shadowed. HTTP answers a prefiltered name with
// {"input","prefiltered":"<reason>"} and counts it in
// Metrics.Prefiltered. TXT records and flows are not prefiltered.

// prefiltered reports whether the normalised name of a query from source
// is prefiltered, counting it if so.
func (p *Pipeline) prefiltered(source, name string) bool {
	r, ok := p.prefilter.Check(name) // a nil Prefilter has the built-in rules
	if ok {
		if c := p.counters[source]; c != nil {
			c.Prefiltered.Add(r)
		}
	}
	return ok
}

// collectPrefiltered writes mlctl_prefiltered_total by reason and source:
// every reason of every streaming source, and of "http" when the API
// listens.
func (s *Server) collectPrefiltered(p *PromWriter) {
	by := map[string]*prefilter.Counts{}
	for name, c := range s.pipeline.counters {
		by[name] = &c.Prefiltered
	}
	if s.listener != nil {
		by["http"] = &s.metrics.Prefiltered
	}
	p.Family("mlctl_prefiltered_total", "counter", "Names prefiltered (never scored as DGA: .arpa, local, special-use, single-label, _service labels, --internal-suffix, --allowlist), by reason and source.")
	for _, reason := range prefilter.Reasons() {
		for _, name := range slices.Sorted(maps.Keys(by)) {
			p.Sample("mlctl_prefiltered_total", float64(by[name].Get(reason)), "reason", reason.String(), "source", name)
		}
	}
}
