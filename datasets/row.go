// Package datasets reads labeled inputs (lists, CSV/TSV, Zeek logs), normalises
// them, hashes them canonically, splits them and generates demo corpora.
package datasets

// Row is one labeled input of a dataset: a domain name (dga datasets) or a
// keyed vector of numbers (flow and tabular datasets, see VectorRow).
type Row struct {
	// Name is the normalised domain: lower-case, no trailing dot, punycode;
	// for a vector row, its key.
	Name string `json:"name"`
	// Label is 1 for malicious (DGA), 0 for benign; -1 (unknown) only in
	// flow and tabular datasets.
	Label int `json:"label"`
	// Family is the DGA family or benign source; may be empty.
	Family string `json:"family,omitempty"`
	// Values are a vector row's numbers, in its dataset's column order; nil
	// for names.
	Values []float64 `json:"values,omitempty"`
}
