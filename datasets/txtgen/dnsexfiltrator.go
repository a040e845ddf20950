package txtgen

import "strconv"

// dnsExfiltratorFamily: DNSExfiltrator's TXT answers (github.com/Arno0x/
// DNSExfiltrator, dnsexfiltrator.py): "OK" to the init request and the
// chunk number to each data request. The data travels in the queries; the
// answers carry nothing a record-level model can see, so this family
// measures what content alone cannot do.
var dnsExfiltratorFamily = Family{
	Name: "dnsexfiltrator", Group: "dnsexfiltrator", Label: Tunnel,
	Source: "Arno0x/DNSExfiltrator dnsexfiltrator.py (TXT(\"OK\"), TXT(chunkNumber))",
	next:   dnsExfiltratorAnswer,
}

func dnsExfiltratorAnswer(g *gen) string {
	if g.chance(0.05) {
		return "OK"
	}
	n := g.intn(100)
	if g.chance(0.5) {
		n = g.intn(5000)
	}
	return strconv.Itoa(n)
}
