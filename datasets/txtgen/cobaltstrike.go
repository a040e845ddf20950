package txtgen

import "encoding/base64"

// cobaltStrikeFamily: Cobalt Strike's DNS Beacon TXT answers. Documented
// (Cobalt Strike user guide "DNS Beacon" and "Malleable C2: dns-beacon"):
// the TXT data channel (mode dnstxt, the default) downloads tasks in TXT
// answers of at most dns_max_txt characters (default 252; profiles set
// 199–255), and the DNS stager fetches the stage in 255-character TXT
// records from <a-z counter>.stage.123456.<domain>, the first prefixed
// with dns_stager_prepend. Assumed here, not read in a source: that the
// task chunks are standard base64 of the encrypted task and that the
// stage is standard base64 too.
var cobaltStrikeFamily = Family{
	Name: "cobaltstrike", Group: "cobaltstrike", Label: Tunnel,
	Source: "Cobalt Strike user guide (DNS Beacon; Malleable C2 dns-beacon: dns_max_txt, dns_stager_prepend, dns_stager_subhost); base64 assumed",
	next:   cobaltStrikeAnswer,
}

func cobaltStrikeAnswer(g *gen) string {
	if g.chance(0.25) { // a record of the staged payload
		text := base64.StdEncoding.EncodeToString(g.bytes(192)) // 256 characters
		prepend := ""
		if g.chance(0.1) { // the first record
			prepend = g.pick("", ".wwwds.", "doc-stg-prepend", ".resources.123456.", "stage.")
			text = base64.StdEncoding.EncodeToString(append(g.peHeader(), g.bytes(80)...))
		}
		return (prepend + text)[:255]
	}
	max := []int{252, 252, 252, 240, 220, 199, 255}[g.intn(7)]
	text := base64.StdEncoding.EncodeToString(g.bytes(max)) // more than max characters
	if g.chance(0.7) {
		return text[:max]
	}
	// The last chunk of a task: a whole base64 encoding of what is left.
	return base64.StdEncoding.EncodeToString(g.bytes(g.between(16, max*3/4)))
}
