// Package features turns raw inputs (domain names, later TXT records, flows and
// tabular rows) into the numeric vectors that training and serving both use.
// One code path serves both, so there is no train/serve skew.
package features

// Set is a named, versioned list of features computed from one domain name.
type Set interface {
	// Name identifies the set, e.g. "heidgaf44" or "domain".
	Name() string
	// Version changes whenever the values a set computes change.
	Version() int
	// Names lists the features in the order Extract writes them.
	Names() []string
	// Extract writes len(Names()) values for one normalised name into dst.
	// It must not allocate on the hot path and is safe for concurrent use.
	Extract(name string, dst []float64)
}
