// Package datasets reads labeled inputs (lists, CSV/TSV, Zeek logs), normalises
// them, hashes them canonically, splits them and generates demo corpora.
package datasets

// Row is one labeled domain name of a dga dataset.
type Row struct {
	// Name is the normalised domain: lower-case, no trailing dot, punycode.
	Name string `json:"name"`
	// Label is 1 for malicious (DGA), 0 for benign.
	Label int `json:"label"`
	// Family is the DGA family or benign source; may be empty.
	Family string `json:"family,omitempty"`
}
