package mlctl

// Kind is the kind of data a dataset holds and a model scores.
type Kind string

// The kinds of data.
const (
	// KindDGA rows are domain names (query names), labeled benign or DGA.
	KindDGA Kind = "dga"
	// KindTXT rows are TXT records (answers), benign or tunnel traffic.
	KindTXT Kind = "txt"
	// KindFlow rows are the flow feature set's vectors, one per source and window.
	KindFlow Kind = "flow"
	// KindDNSDomain rows are the dns-domain feature set's vectors, one per
	// registrable domain and window (features/dnsdomain).
	KindDNSDomain Kind = "dns-domain"
	// KindTabular rows are the numeric columns of a user's table.
	KindTabular Kind = "tabular"
)

// String returns the kind's name.
func (k Kind) String() string { return string(k) }
