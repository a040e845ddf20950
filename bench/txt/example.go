package txtbench

// Example is one labelled TXT record of the study.
type Example struct {
	Text  string
	Label int // txtgen.Tunnel or txtgen.Benign
	// Source is the generator family, or SourceZone or SourceDns2tcp for
	// the real records.
	Source string
	// Group is what a fold holds out: the tool for tunnel answers, the
	// benign group (txtgen.BenignGroups) for benign records.
	Group string
	// Real is true for the shared corpora's records.
	Real bool
}

// texts returns the examples' texts.
func texts(xs []Example) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.Text
	}
	return out
}

// labels returns the examples' labels.
func labels(xs []Example) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = x.Label
	}
	return out
}

// realOnly returns the examples from the shared corpora.
func realOnly(xs []Example) []Example {
	var out []Example
	for _, x := range xs {
		if x.Real {
			out = append(out, x)
		}
	}
	return out
}
