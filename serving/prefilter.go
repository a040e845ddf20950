package serving

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
