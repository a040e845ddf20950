package dgagen

import "math/rand/v2"

// TLD pools, after DGArchive's per-family TLD lists: most families use the
// generic TLDs; many use ccTLDs and cheap new gTLDs; some register under
// dynamic-DNS providers' suffixes.
var (
	genericTLDs = []string{"com", "net", "org", "info", "biz"}
	// abusedTLDs are the cheap or free TLDs DGArchive's families favour.
	abusedTLDs = []string{
		"ru", "cn", "su", "ws", "cc", "tk", "pw", "top", "xyz", "in", "me", "co", "tv", "kz",
		"ml", "ga", "cf", "gq", "nu", "bz", "la", "mn", "to", "ir", "online", "site", "club",
		"space", "pro", "name", "mobi", "asia", "ac", "im", "sc", "vc", "fm", "am", "so", "ki",
		"win", "bid", "loan", "date", "download", "racing", "review", "stream", "party",
		"science", "trade", "webcam", "work", "link", "click", "host", "live", "icu", "fun",
	}
	// countryTLDs are ccTLDs of large benign populations that some
	// families still use (necurs, ramnit, pykspa draw from long TLD lists).
	countryTLDs = []string{
		"de", "uk", "co.uk", "eu", "us", "cz", "pl", "nl", "fr", "it", "es", "se", "ch", "at",
		"be", "jp", "kr", "com.br", "ar", "mx", "ca", "com.au", "hk", "tw", "ug",
	}
	dynamicDNS = []string{
		"ddns.net", "no-ip.org", "no-ip.biz", "hopto.org", "zapto.org", "sytes.net",
		"duckdns.org", "dyndns.org", "servebeer.com", "myftp.biz", "serveftp.com",
		"3utilities.com", "bounceme.net", "dynu.net", "freeddns.org", "changeip.com",
		"dnsalias.com", "homeip.net", "myvnc.com", "redirectme.net",
		// Shared domains of free subdomain services that the Public Suffix
		// List does not list, so the generated label is a subdomain there
		// (kraken's names under dynserv.com, mooo.com, yi.org).
		"dynserv.com", "mooo.com", "yi.org", "us.to", "chickenkiller.com", "crabdance.com",
		"ignorelist.com", "jumpingcrab.com", "strangled.net", "twilightparadox.com",
	}
)

// tldSet is the TLDs one parameterisation uses, with its picker.
type tldSet []string

// newTLDSet draws a family's TLD policy: one TLD, or a few, from the
// generic, country-code and new, or dynamic-DNS pools.
func newTLDSet(r *rand.Rand) tldSet {
	var pool []string
	generic := false
	switch x := r.Float64(); {
	case x < 0.45:
		pool, generic = genericTLDs, true
	case x < 0.75:
		pool = abusedTLDs
	case x < 0.85:
		pool = append(append([]string(nil), abusedTLDs...), countryTLDs...)
	default:
		pool = dynamicDNS
	}
	n := 1
	switch x := r.Float64(); {
	case x < 0.45:
		n = 1
	case x < 0.8:
		n = 2 + r.IntN(4)
	default:
		n = 6 + r.IntN(10)
	}
	if n > len(pool) {
		n = len(pool)
	}
	set := make(tldSet, 0, n)
	for _, i := range r.Perm(len(pool))[:n] {
		set = append(set, pool[i])
	}
	if !generic && r.IntN(3) == 0 {
		// Many families mix a generic TLD in.
		set = append(set, genericTLDs[r.IntN(len(genericTLDs))])
	}
	return set
}

func (s tldSet) pick(r *rand.Rand) string { return s[r.IntN(len(s))] }
