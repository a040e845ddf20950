package tunnelgen

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// Session is one tool's (or benign source's) traffic to generate.
type Session struct {
	// Domain is the registrable domain (or zone) the queries go under;
	// "" picks a random attacker-looking one.
	Domain string
	// Start and Duration bound the session's queries.
	Start    time.Time
	Duration time.Duration
	// Rate is the payload carried up, in bytes a second (tools), or the
	// queries a second (benign sources); 0 takes the tool's default.
	Rate float64
	// Clients are the addresses that ask (one picked per query for a
	// benign source, the first for a tool); none picks one at random.
	Clients []string
}

// Tool names, as Family of their records.
const (
	DNScat2        = "dnscat2"
	DNSExfiltrator = "dnsexfiltrator"
	CobaltStrike   = "cobaltstrike"
	Sliver         = "sliver"
	Base32Chunk    = "base32chunk"
	HexChunk       = "hexchunk"
)

// tools are the generators by name.
var tools = map[string]func(Session, *rand.Rand) []datasets.DNSRecord{
	DNScat2: dnscat2, DNSExfiltrator: dnsExfiltrator, CobaltStrike: cobaltStrike, Sliver: sliver,
	Base32Chunk: base32Chunk, HexChunk: hexChunk,
}

// Tools lists the tools Generate knows, in order.
func Tools() []string {
	return []string{Base32Chunk, CobaltStrike, DNScat2, DNSExfiltrator, HexChunk, Sliver}
}

// Generate returns one session of tool's queries, in time order, labeled
// 1 with the tool as family.
func Generate(tool string, s Session, rng *rand.Rand) ([]datasets.DNSRecord, error) {
	g, ok := tools[tool]
	if !ok {
		return nil, fmt.Errorf("tunnelgen: unknown tool %q (want one of %s)", tool, strings.Join(Tools(), ", "))
	}
	s = s.withDefaults(rng)
	recs := g(s, rng)
	for i := range recs {
		recs[i].Label, recs[i].Family = 1, tool
	}
	return recs, nil
}

func (s Session) withDefaults(rng *rand.Rand) Session {
	if s.Domain == "" {
		s.Domain = AttackerDomain(rng)
	}
	if s.Duration <= 0 {
		s.Duration = 10 * time.Minute
	}
	if len(s.Clients) == 0 {
		s.Clients = []string{fmt.Sprintf("10.%d.%d.%d", rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))}
	}
	return s
}

var attackerTLDs = []string{"com", "net", "org", "info", "xyz", "top", "io", "co", "biz", "online", "site", "ru", "cc", "me", "club", "live", "co.uk", "com.br", "de", "cloud"}

var attackerWords = []string{"cdn", "update", "sync", "cloud", "api", "data", "static", "assets", "secure", "mail", "office", "news",
	"media", "stats", "metrics", "telemetry", "service", "portal", "app", "files", "host", "web", "net", "edge", "link", "go"}

// AttackerDomain returns a plausible registrable domain for a tunnel:
// words, letters or both, under a common or cheap TLD.
func AttackerDomain(rng *rand.Rand) string {
	var b strings.Builder
	switch rng.IntN(3) {
	case 0:
		b.WriteString(attackerWords[rng.IntN(len(attackerWords))])
		b.WriteString(attackerWords[rng.IntN(len(attackerWords))])
	case 1:
		b.WriteString(attackerWords[rng.IntN(len(attackerWords))])
		if rng.IntN(2) == 0 {
			b.WriteByte('-')
		}
		for range 2 + rng.IntN(4) {
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
	default:
		for range 5 + rng.IntN(6) {
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
	}
	return b.String() + "." + attackerTLDs[rng.IntN(len(attackerTLDs))]
}

// payload is n random bytes.
func payload(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

var (
	b32lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)
	b32upper = base32.StdEncoding.WithPadding(base32.NoPadding)
	b64url   = base64.RawURLEncoding
)

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// labels cuts s into labels of at most max characters joined by dots.
func labels(s string, max int) string {
	var b strings.Builder
	for len(s) > max {
		b.WriteString(s[:max])
		b.WriteByte('.')
		s = s[max:]
	}
	b.WriteString(s)
	return b.String()
}

// room is how many encoded characters fit in a name under suffix (253
// characters in all), leaving a dot every max characters.
func room(suffix string, max int) int {
	free := 253 - len(suffix) - 1
	return free - free/(max+1)
}

// clock hands out query times: steady at a rate, with jitter.
type clock struct {
	t, end time.Time
}

func newClock(s Session) *clock { return &clock{t: s.Start, end: s.Start.Add(s.Duration)} }

// next moves on by gap, jittered by up to ±jitter of it; false past the end.
func (c *clock) next(rng *rand.Rand, gap time.Duration, jitter float64) bool {
	f := 1 + jitter*(2*rng.Float64()-1)
	c.t = c.t.Add(time.Duration(float64(gap) * f))
	return c.t.Before(c.end)
}

// record is a query with its answer.
func record(t time.Time, client, name, qtype, rcode string, size int) datasets.DNSRecord {
	return datasets.DNSRecord{Time: t, Client: client, Name: name, QType: qtype, RCode: rcode, ResponseBytes: size, Label: -1}
}

// responseSize is a plausible response size for a query name of n bytes
// answered with rdata bytes of data.
func responseSize(name string, rdata int) int { return 12 + 2*(len(name)+2) + 4 + 10 + rdata }
