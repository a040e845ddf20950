package tunnelgen

import (
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// Benign source names, as Family of their records.
const (
	Browsing  = "browsing"
	CDN       = "cdn"
	DNSBL     = "dnsbl"
	DKIM      = "dkim"
	AVCloud   = "avcloud"
	Reverse   = "reverse"
	Telemetry = "telemetry"
)

// BenignKinds lists the benign sources BenignTraffic knows, in order.
func BenignKinds() []string {
	return []string{AVCloud, Browsing, CDN, DKIM, DNSBL, Reverse, Telemetry}
}

// BenignTraffic returns one session of a benign source's queries, in time
// order, labeled 0 with the source as family. Session.Rate is queries a
// second over all its clients; hostnames, when given, are the names
// browsing draws from (else a built-in list).
func BenignTraffic(kind string, s Session, hostnames []string, rng *rand.Rand) ([]datasets.DNSRecord, error) {
	if s.Duration <= 0 {
		s.Duration = 10 * time.Minute
	}
	if len(s.Clients) == 0 {
		for range 1 + rng.IntN(50) {
			s.Clients = append(s.Clients, fmt.Sprintf("10.%d.%d.%d", rng.IntN(256), rng.IntN(256), 1+rng.IntN(254)))
		}
	}
	var gen func(*rand.Rand) (name, qtype, rcode string, rdata int)
	rate := s.Rate
	switch kind {
	case Browsing:
		if len(hostnames) == 0 {
			hostnames = builtinHosts
		}
		gen, rate = browsing(hostnames), orRate(rate, 20)
	case CDN:
		gen, rate = cdn, orRate(rate, 10)
	case DNSBL:
		gen, rate = dnsbl, orRate(rate, 5)
		s.Clients = s.Clients[:1] // the mail server
	case DKIM:
		gen, rate = dkim, orRate(rate, 1)
		s.Clients = s.Clients[:1]
	case AVCloud:
		gen, rate = avCloud, orRate(rate, 3)
	case Reverse:
		gen, rate = reverse, orRate(rate, 3)
		s.Clients = s.Clients[:1]
	case Telemetry:
		gen, rate = telemetry, orRate(rate, 0.5)
	default:
		return nil, fmt.Errorf("tunnelgen: unknown benign source %q (want one of %s)", kind, strings.Join(BenignKinds(), ", "))
	}
	clk := newClock(s)
	gap := time.Duration(float64(time.Second) / rate)
	var out []datasets.DNSRecord
	for clk.next(rng, gap, 0.9) {
		name, qtype, rcode, rdata := gen(rng)
		r := record(clk.t, s.Clients[rng.IntN(len(s.Clients))], name, qtype, rcode, responseSize(name, rdata))
		r.Label, r.Family = 0, kind
		out = append(out, r)
	}
	return out, nil
}

func orRate(r, def float64) float64 {
	if r > 0 {
		return r
	}
	return def
}

var builtinHosts = []string{"www.google.com", "mail.google.com", "www.youtube.com", "i.ytimg.com", "www.wikipedia.org",
	"en.wikipedia.org", "upload.wikimedia.org", "www.github.com", "api.github.com", "avatars.githubusercontent.com",
	"outlook.office365.com", "login.microsoftonline.com", "teams.microsoft.com", "www.amazon.com", "images-na.ssl-images-amazon.com",
	"www.bbc.co.uk", "static.files.bbci.co.uk", "news.ycombinator.com", "www.reddit.com", "styles.redditmedia.com",
	"slack.com", "app.slack.com", "edgeapi.slack.com", "zoom.us", "us02web.zoom.us", "www.linkedin.com", "static.licdn.com",
	"fonts.googleapis.com", "fonts.gstatic.com", "ajax.googleapis.com", "www.gstatic.com", "ssl.gstatic.com", "connect.facebook.net"}

// browsing draws hostnames with a Zipf-like popularity, A, AAAA and HTTPS.
func browsing(hosts []string) func(*rand.Rand) (string, string, string, int) {
	return func(rng *rand.Rand) (string, string, string, int) {
		i := int(float64(len(hosts)) * rng.Float64() * rng.Float64() * rng.Float64())
		qt := []string{"A", "A", "A", "AAAA", "AAAA", "HTTPS"}[rng.IntN(6)]
		rc := "NOERROR"
		if rng.IntN(200) == 0 {
			rc = "NXDOMAIN"
		}
		return hosts[i], qt, rc, 32
	}
}

// cdn is hash-labelled CDN and cloud hostnames: Akamai edge names, Azure
// Front Door and blob hosts, Fastly, Google video caches, S3 buckets.
func cdn(rng *rand.Rand) (string, string, string, int) {
	var n string
	switch rng.IntN(6) {
	case 0:
		n = fmt.Sprintf("e%d.%c.akamaiedge.net", rng.IntN(20000), 'a'+rng.IntN(8))
	case 1:
		n = fmt.Sprintf("%s-%s.z01.azurefd.net", []string{"www", "static", "cdn", "assets"}[rng.IntN(4)], hexOf(payload(rng, 8))[:15])
	case 2:
		n = fmt.Sprintf("%s.blob.core.windows.net", strings.ToLower(b32lower.EncodeToString(payload(rng, 8)))[:12])
	case 3:
		n = fmt.Sprintf("rr%d---sn-%s.googlevideo.com", 1+rng.IntN(8), b32lower.EncodeToString(payload(rng, 5))[:8])
	case 4:
		n = fmt.Sprintf("%s.global.ssl.fastly.net", hexOf(payload(rng, 4)))
	default:
		n = fmt.Sprintf("prod-%s-assets.s3.amazonaws.com", hexOf(payload(rng, 3)))
	}
	// Stub resolvers ask for addresses; the resolver follows the CNAMEs.
	return n, []string{"A", "AAAA", "A", "HTTPS"}[rng.IntN(4)], "NOERROR", 60
}

// dnsbl is a mail server's blocklist lookups: reversed client IPs under
// zen.spamhaus.org, bl.spamcop.net and b.barracudacentral.org, domains
// under dbl.spamhaus.org, hashed addresses under Spamhaus's HBL; mostly
// NXDOMAIN (not listed).
func dnsbl(rng *rand.Rand) (string, string, string, int) {
	rc := "NXDOMAIN"
	if rng.IntN(20) == 0 {
		rc = "NOERROR"
	}
	ip := fmt.Sprintf("%d.%d.%d.%d", 1+rng.IntN(254), rng.IntN(256), rng.IntN(256), 1+rng.IntN(223))
	switch rng.IntN(5) {
	case 0, 1:
		return ip + ".zen.spamhaus.org", "A", rc, 16
	case 2:
		return ip + ".bl.spamcop.net", "A", rc, 16
	case 3:
		return ip + ".b.barracudacentral.org", "A", rc, 16
	}
	h := sha1.Sum(payload(rng, 16))
	return strings.ToLower(b32lower.EncodeToString(h[:])) + "._email.hashbl.dq.spamhaus.net", "A", rc, 16
}

// dkim is a mail server fetching DKIM keys: "<selector>._domainkey.<sender
// domain>" TXT, one sender domain after another.
func dkim(rng *rand.Rand) (string, string, string, int) {
	sel := []string{"selector1", "selector2", "google", "k1", "s1", "s2", "default", "mail", fmt.Sprintf("s%d", 2000+rng.IntN(30)),
		hexOf(payload(rng, 6))}[rng.IntN(10)]
	return sel + "._domainkey." + senderDomain(rng), "TXT", "NOERROR", 400
}

var senderWords = []string{"acme", "globex", "initech", "umbrella", "stark", "wayne", "wonka", "tyrell", "hooli", "vandelay",
	"soylent", "cyberdyne", "aperture", "oscorp", "dunder", "pied", "piper", "massive", "dynamic", "north", "wind", "contoso", "fabrikam"}

// senderDomain is a mail sender's domain: company words under common TLDs
// (apart from AttackerDomain's, so a sender is never a tunnel's domain).
func senderDomain(rng *rand.Rand) string {
	return fmt.Sprintf("%s%s.%s", senderWords[rng.IntN(len(senderWords))], []string{"", "-mail", "corp", "group", "inc"}[rng.IntN(5)],
		[]string{"com", "org", "de", "fr", "co.jp", "com.au"}[rng.IntN(6)])
}

// avCloud is anti-virus and reputation cloud lookups: file hashes in hex
// or base32 labels under the vendor's domain (Sophos, McAfee GTI, ESET,
// Spamhaus HBL), A and TXT queries; a client looks up a few hashes a
// second while scanning.
func avCloud(rng *rand.Rand) (string, string, string, int) {
	h := sha256.Sum256(payload(rng, 16))
	hx := hexOf(h[:])
	switch rng.IntN(4) {
	case 0:
		return fmt.Sprintf("%s.%s.%s.sxl.sophosxl.net", hx[:32], hx[32:48], "p"), "A", "NOERROR", 16
	case 1:
		return fmt.Sprintf("0.0.%s.%s.avqs.mcafee.com", hx[:32], hx[32:]), "A", "NXDOMAIN", 16
	case 2:
		return fmt.Sprintf("%s.a.e5.sk", b32lower.EncodeToString(h[:20])), "TXT", "NOERROR", 80
	}
	return b32lower.EncodeToString(h[:20]) + "._file.hashbl.dq.spamhaus.net", "A", "NXDOMAIN", 16
}

// reverse is a log server resolving client addresses: PTR queries under
// in-addr.arpa of the local networks.
func reverse(rng *rand.Rand) (string, string, string, int) {
	return fmt.Sprintf("%d.%d.%d.10.in-addr.arpa", 1+rng.IntN(254), rng.IntN(256), rng.IntN(16)), "PTR", []string{"NOERROR", "NXDOMAIN"}[rng.IntN(2)], 40
}

// telemetry is the periodic check-ins of operating systems and agents.
func telemetry(rng *rand.Rand) (string, string, string, int) {
	names := []string{"v10.events.data.microsoft.com", "settings-win.data.microsoft.com", "time.windows.com", "ocsp.digicert.com",
		"connectivity-check.ubuntu.com", "api.snapcraft.io", "detectportal.firefox.com", "incoming.telemetry.mozilla.org",
		"clients4.google.com", "update.googleapis.com", "ctldl.windowsupdate.com", "www.msftconnecttest.com"}
	return names[rng.IntN(len(names))], "A", "NOERROR", 32
}
