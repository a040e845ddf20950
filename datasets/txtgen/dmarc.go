package txtgen

import (
	"fmt"
	"strings"
)

// dmarcFamily: DMARC records (RFC 7489 §6.3): "v=DMARC1" then p, and
// optionally sp, pct, rua and ruf (own mailboxes or report services'
// addresses), fo, adkim, aspf, ri, separated by ";" with or without a
// space and sometimes ending in one.
var dmarcFamily = Family{
	Name: "dmarc", Group: GroupMail, Label: Benign,
	Source: "RFC 7489 §6.3; report services' documented rua addresses",
	next:   dmarcRecord,
}

func dmarcRecord(g *gen) string {
	domain := g.domain()
	tags := []string{"v=DMARC1", "p=" + g.pick("none", "none", "quarantine", "reject")}
	if g.chance(0.3) {
		tags = append(tags, "sp="+g.pick("none", "quarantine", "reject"))
	}
	if g.chance(0.2) {
		tags = append(tags, fmt.Sprintf("pct=%d", []int{100, 100, 50, 25, 10}[g.intn(5)]))
	}
	if g.chance(0.8) {
		tags = append(tags, "rua="+dmarcMailboxes(g, domain))
	}
	if g.chance(0.3) {
		tags = append(tags, "ruf="+dmarcMailboxes(g, domain), "fo="+g.pick("1", "0", "d", "s"))
	}
	if g.chance(0.3) {
		tags = append(tags, "adkim="+g.pick("r", "s"), "aspf="+g.pick("r", "s"))
	}
	if g.chance(0.05) {
		tags = append(tags, "ri=86400")
	}
	text := strings.Join(tags, g.pick("; ", "; ", ";"))
	if g.chance(0.3) {
		text += ";"
	}
	return text
}

// dmarcMailboxes returns one or two mailto: report addresses.
func dmarcMailboxes(g *gen, domain string) string {
	one := func() string {
		switch g.intn(6) {
		case 0:
			return fmt.Sprintf("mailto:%s@ag.dmarcian.com", g.from(lowerAlnum, 10))
		case 1:
			return fmt.Sprintf("mailto:%s@dmarc-reports.cloudflare.net", g.from(lowerHex, 32))
		case 2:
			return fmt.Sprintf("mailto:re+%s@dmarc.postmarkapp.com", g.from(lowerAlnum, 12))
		case 3:
			return fmt.Sprintf("mailto:%s@rua.easydmarc.%s", g.from(lowerAlnum, 8), g.pick("us", "eu"))
		default:
			return fmt.Sprintf("mailto:%s@%s", g.pick("dmarc", "dmarc-reports", "postmaster", "dmarc_rua", "reports", "admin"), domain)
		}
	}
	if g.chance(0.2) {
		return one() + "," + one()
	}
	return one()
}
