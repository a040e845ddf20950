package txtgen

import (
	"fmt"
	"strings"
)

// spfFamily: SPF records (RFC 7208): "v=spf1", mechanisms (include of
// mail providers' SPF names, ip4/ip6 with and without prefix length, a,
// mx, ptr, exists) with optional qualifiers, then an "all" or a redirect;
// parked domains publish "v=spf1 -all". The provider names are those the
// providers document for their customers.
var spfFamily = Family{
	Name: "spf", Group: GroupMail, Label: Benign,
	Source: "RFC 7208; providers' documented SPF includes",
	next:   spfRecord,
}

// spfIncludes are SPF names mail providers ask customers to include.
var spfIncludes = []string{
	"_spf.google.com", "spf.protection.outlook.com", "amazonses.com", "mailgun.org", "sendgrid.net",
	"servers.mcsv.net", "_spf.salesforce.com", "spf.mandrillapp.com", "zoho.com", "zohomail.com",
	"spf.mtasv.net", "_spf.mx.cloudflare.net", "spf.improvmx.com", "mail.zendesk.com", "_spf.atlassian.net",
	"spf.messagingengine.com", "_spf.elasticemail.com", "spf.sendinblue.com", "spf.brevo.com", "mx.ovh.com",
	"spf.smtp2go.com", "_spf.createsend.com", "_netblocks.mimecast.com", "spf.emailsrvr.com", "spf.titan.email",
	"spf.mail.qq.com", "_spf.yandex.net", "secureserver.net", "websitewelcome.com", "_spf.intermedia.net",
	"spf.postmarkapp.com", "mktomail.com", "_spf.hubspot.com", "spf.freshdesk.com", "helpscoutemail.com",
	"_spf.docusign.net", "spf.mailjet.com", "spf.sparkpostmail.com", "_spf.firebasemail.com", "spf.uberspace.de",
}

func spfRecord(g *gen) string {
	if g.chance(0.08) {
		return "v=spf1 -all"
	}
	domain := g.domain()
	parts := []string{"v=spf1"}
	if g.chance(0.25) {
		parts = append(parts, g.pick("a", "mx", "a mx", "mx a", "a:"+g.host(domain), "mx:"+domain))
	}
	for i := g.weighted(10, 40, 30, 12, 8); i > 0; i-- {
		parts = append(parts, g.pick("", "", "", "+", "?")+"include:"+spfIncludes[g.intn(len(spfIncludes))])
	}
	for i := g.weighted(60, 20, 10, 6, 4); i > 0; i-- {
		ip := g.ipv4()
		if g.chance(0.4) {
			ip += fmt.Sprintf("/%d", g.between(20, 31))
		}
		parts = append(parts, "ip4:"+ip)
	}
	if g.chance(0.12) {
		parts = append(parts, fmt.Sprintf("ip6:%s/%d", g.ipv6(), []int{32, 44, 48, 56, 64}[g.intn(5)]))
	}
	if g.chance(0.03) {
		parts = append(parts, "ptr")
	}
	if g.chance(0.03) {
		parts = append(parts, "exists:%{i}._spf."+domain)
	}
	if g.chance(0.07) {
		return strings.Join(append(parts[:1], "redirect=_spf."+domain), " ")
	}
	return strings.Join(append(parts, g.pick("~all", "~all", "~all", "-all", "-all", "?all")), " ")
}
