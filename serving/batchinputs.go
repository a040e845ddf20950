package serving

import "github.com/mlctl/mlctl/datasets"

// The inputs of a batch are what the model in service scores, each with the
// query it came from. Every query counts on its source once per input it
// gives (Scored) and once per input it cannot give (Skipped).

// nameInputs are the batch's queried names, normalised: one per query, a
// name that is not a domain name counted skipped, a prefiltered one
// counted by its reason (prefilter.go) and left out. from reuses batch's
// storage.
func (p *Pipeline) nameInputs(batch []Query) (inputs []string, from []Query) {
	inputs = make([]string, 0, len(batch))
	from = batch[:0]
	var tally sourceTally
	for _, q := range batch {
		n, err := datasets.NormaliseDomain(q.Name)
		if err != nil {
			tally.add(p, q.Source, false)
			continue
		}
		if p.prefiltered(q.Source, n) {
			continue
		}
		inputs = append(inputs, n)
		from = append(from, q)
		tally.add(p, q.Source, true)
	}
	tally.flush()
	return inputs, from
}

// txtInputs are the TXT records of the batch's queries, each normalised
// (datasets.NormaliseTXT, as training reads them): a query may give
// several. A query without TXT records is counted skipped once, and so is
// each record that is empty, not UTF-8 or too long.
func (p *Pipeline) txtInputs(batch []Query) (inputs []string, from []Query) {
	var tally sourceTally
	for _, q := range batch {
		if len(q.TXT) == 0 {
			tally.add(p, q.Source, false)
			continue
		}
		for _, raw := range q.TXT {
			r, err := datasets.NormaliseTXT(raw)
			if err != nil {
				tally.add(p, q.Source, false)
				continue
			}
			inputs = append(inputs, r)
			from = append(from, q)
			tally.add(p, q.Source, true)
		}
	}
	tally.flush()
	return inputs, from
}

// sourceTally adds a batch's scored and skipped counts to the sources'
// counters run by run (a batch mostly comes from one source), not per query.
type sourceTally struct {
	c               *SourceCounters
	source          string
	scored, skipped uint64
}

func (t *sourceTally) add(p *Pipeline, source string, scored bool) {
	if t.c == nil || source != t.source {
		t.flush()
		t.c, t.source = p.counters[source], source
	}
	if scored {
		t.scored++
	} else {
		t.skipped++
	}
}

func (t *sourceTally) flush() {
	if t.c != nil {
		t.c.Scored.Add(t.scored)
		t.c.Skipped.Add(t.skipped)
	}
	t.c, t.scored, t.skipped = nil, 0, 0
}
