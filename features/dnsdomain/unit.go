package dnsdomain

import "time"

// Unit is what dns-domain models score: one registrable domain in one
// window, with its feature vector.
type Unit struct {
	// Domain is the registrable domain (Public Suffix List), lower case.
	Domain string
	// WindowStart and WindowSeconds bound the window
	// [WindowStart, WindowStart+WindowSeconds).
	WindowStart   time.Time
	WindowSeconds int
	// Clients are up to 8 of the addresses that asked, in the order first
	// seen; Values holds their estimated number ("clients").
	Clients []string
	// Queries counts the window's queries; BytesUp the bytes of their
	// names left of the domain (what a tunnel sends up), BytesDown those of
	// the responses where the source gives their size.
	Queries, BytesUp, BytesDown int
	// Label is 1 when any of the window's queries is labeled malicious,
	// else 0 when any is labeled benign, else -1.
	Label int
	// Family is the family (tunnel tool) of its first malicious query.
	Family string
	// Values are the features, in Names order.
	Values []float64
}

// Input names the unit as scoring output does: "<domain>@<window_start>",
// the start in RFC 3339.
func (u Unit) Input() string { return Input(u.Domain, u.WindowStart) }

// Input is a unit's name: "<domain>@<window_start>".
func Input(domain string, start time.Time) string {
	return domain + "@" + start.UTC().Format(time.RFC3339)
}
