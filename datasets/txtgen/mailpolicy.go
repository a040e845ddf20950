package txtgen

import "fmt"

// mailPolicyFamily: the other mail policy records: MTA-STS
// (_mta-sts, RFC 8461 §3.1: "v=STSv1; id=…"), SMTP TLS reporting
// (_smtp._tls, RFC 8460 §3: "v=TLSRPTv1; rua=…") and BIMI
// (default._bimi, "v=BIMI1; l=<SVG URL>; a=<certificate URL>").
var mailPolicyFamily = Family{
	Name: "mailpolicy", Group: GroupMail, Label: Benign,
	Source: "RFC 8461 §3.1 (MTA-STS), RFC 8460 §3 (TLS-RPT), BIMI draft (v=BIMI1)",
	next:   mailPolicyRecord,
}

func mailPolicyRecord(g *gen) string {
	domain := g.domain()
	switch g.intn(3) {
	case 0:
		id := fmt.Sprintf("%04d%02d%02dT%02d%02d%02d", g.between(2018, 2025), g.between(1, 12), g.between(1, 28), g.intn(24), g.intn(60), g.intn(60))
		if g.chance(0.4) {
			id = g.from(digits, g.between(8, 14))
		}
		return "v=STSv1; id=" + id + g.pick("", ";")
	case 1:
		rua := "mailto:" + g.pick("tls-reports", "tlsrpt", "postmaster", "smtp-tls") + "@" + domain
		if g.chance(0.3) {
			rua = fmt.Sprintf("mailto:%s@tls-rpt.%s", g.from(lowerAlnum, 10), g.pick("dmarcian.com", "uriports.com", "easydmarc.eu"))
		}
		return "v=TLSRPTv1; rua=" + rua
	default:
		l := fmt.Sprintf("https://%s/%s.svg", g.host(domain), g.pick("bimi/logo", "logo", "brand/bimi", "assets/bimi-logo"))
		a := ""
		if g.chance(0.5) {
			a = fmt.Sprintf("https://%s/%s.pem", g.host(domain), g.pick("bimi/vmc", "vmc", "cert/bimi"))
		}
		return fmt.Sprintf("v=BIMI1; l=%s; a=%s", l, a) + g.pick("", ";")
	}
}
