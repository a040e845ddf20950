package prefilter

import "fmt"

// Reason says why a name was prefiltered. The zero Reason, None, means it
// was not.
type Reason uint8

// The reasons, in the order Check tries them: a name that fits several is
// counted under the first.
const (
	// None: the name is scored.
	None Reason = iota
	// Arpa: a name under .arpa: reverse lookups (in-addr.arpa, ip6.arpa)
	// and home.arpa (RFC 8375).
	Arpa
	// Local: a name that only resolves on the host or the site: .local
	// (mDNS, RFC 6762), .localhost (RFC 6761), .localdomain, and the
	// private-use TLDs of RFC 6762 appendix G and ICANN's .internal:
	// .internal, .intranet, .private, .corp, .home, .lan.
	Local
	// SpecialUse: a special-use name the public DNS never delegates:
	// .test, .example, .invalid (RFC 6761), .onion (RFC 7686), .alt
	// (RFC 9476).
	SpecialUse
	// SingleLabel: a name without a dot (a LLMNR/NetBIOS-style host name or
	// a search-list miss).
	SingleLabel
	// ServiceLabel: a name with a label that starts with "_" (SRV and
	// service names such as _ldap._tcp.dc._msdcs.x.org, _dmarc.x.org).
	ServiceLabel
	// InternalSuffix: a name at or under a configured internal suffix.
	InternalSuffix
	// Allowlist: a name at or under a domain of the allowlist.
	Allowlist

	numReasons
)

var reasonNames = [numReasons]string{None: "", Arpa: "arpa", Local: "local", SpecialUse: "special_use",
	SingleLabel: "single_label", ServiceLabel: "service_label", InternalSuffix: "internal_suffix", Allowlist: "allowlist"}

// Reasons lists every reason (not None) in the order Check tries them.
func Reasons() []Reason {
	out := make([]Reason, 0, numReasons-1)
	for r := Arpa; r < numReasons; r++ {
		out = append(out, r)
	}
	return out
}

// String is the reason's name as counters, JSON and metrics show it
// ("arpa", "local", ...), "" for None.
func (r Reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// MarshalText writes the reason's name.
func (r Reason) MarshalText() ([]byte, error) {
	if r >= numReasons {
		return nil, fmt.Errorf("prefilter: no reason %d", uint8(r))
	}
	return []byte(reasonNames[r]), nil
}

// UnmarshalText reads a reason's name.
func (r *Reason) UnmarshalText(b []byte) error {
	for i, n := range reasonNames {
		if n == string(b) {
			*r = Reason(i)
			return nil
		}
	}
	return fmt.Errorf("prefilter: unknown reason %q", b)
}
