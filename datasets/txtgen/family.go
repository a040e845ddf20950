package txtgen

import (
	"hash/fnv"
	"math/rand/v2"
)

// Labels of a Record.
const (
	Benign = 0 // a record a zone publishes
	Tunnel = 1 // an answer of a DNS tunnel or C2 server
)

// Record is one generated TXT record.
type Record struct {
	// Text is the record's character-strings concatenated without
	// anything between them, as serving reads a TXT record from a DNS
	// message; it may hold bytes that are not UTF-8 (iodine's Base128
	// and raw codecs) and newlines (OzymanDNS's Perl base64).
	Text string
	// Family names the generator, e.g. "iodine" or "dkim".
	Family string
	// Group is the unit a study holds out: the tool for tunnel answers,
	// the kind of record (mail, dkim, verification, other) for benign ones.
	Group string
	// Label is Tunnel or Benign.
	Label int
}

// Family is one generator: the answers of one tunnel or C2 tool, or one
// kind of benign zone record.
type Family struct {
	// Name is the family's name, unique among All().
	Name string
	// Group is what a study holds out together (see Record.Group).
	Group string
	// Label is Tunnel or Benign.
	Label int
	// Source says where the format comes from.
	Source string
	next   func(g *gen) string
}

// Generate returns n records of the family with distinct texts, fewer only
// when the family cannot make that many (DNSExfiltrator's acknowledgements
// are chunk numbers). The same seed gives the same records, and a family's
// records do not depend on which other families are generated. A Family
// not from this package (the zero value) gives none.
func (f Family) Generate(seed uint64, n int) []Record {
	if f.next == nil {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(f.Name))
	g := &gen{r: rand.New(rand.NewPCG(seed, h.Sum64()))}
	seen := make(map[string]bool, n)
	out := make([]Record, 0, n)
	for try := 0; len(out) < n && try < 50*n+1000; try++ {
		t := f.next(g)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, Record{Text: t, Family: f.Name, Group: f.Group, Label: f.Label})
	}
	return out
}

// Tunnels returns the tunnel and C2 families, one per tool.
func Tunnels() []Family {
	return []Family{
		iodineFamily, dnscat2Family, sliverFamily, cobaltStrikeFamily, godohFamily,
		chashellFamily, dnscapyFamily, ozymanFamily, dnsExfiltratorFamily, txtPayloadFamily,
	}
}

// Benign groups: a study holds out a whole group of record kinds.
const (
	GroupMail         = "mail"         // SPF, DMARC, MTA-STS, TLS-RPT, BIMI
	GroupDKIM         = "dkim"         // DKIM keys
	GroupVerification = "verification" // key=token site and domain verification
	GroupOther        = "other"        // bare tokens and prose
)

// BenignGroups lists the benign groups in a fixed order.
func BenignGroups() []string {
	return []string{GroupMail, GroupDKIM, GroupVerification, GroupOther}
}

// BenignFamilies returns the benign families.
func BenignFamilies() []Family {
	return []Family{spfFamily, dmarcFamily, mailPolicyFamily, dkimFamily, verificationFamily, tokenFamily, proseFamily}
}

// All returns every family, tunnels first.
func All() []Family { return append(Tunnels(), BenignFamilies()...) }
