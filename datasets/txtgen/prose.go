package txtgen

import (
	"fmt"
	"strings"
)

// proseFamily: records written for people: contact and ownership notes,
// pointers to other names, short messages.
var proseFamily = Family{
	Name: "prose", Group: GroupOther, Label: Benign,
	Source: "free-text TXT records as zones publish them (RFC 1464 attribute=value included)",
	next:   proseRecord,
}

func proseRecord(g *gen) string {
	domain := g.domain()
	title := func(s string) string { return strings.ToUpper(s[:1]) + s[1:] }
	switch g.intn(10) {
	case 0:
		return fmt.Sprintf("This domain is owned by %s %s. Contact %s@%s", title(g.word()), title(g.word()), g.pick("admin", "hostmaster", "info", "it"), domain)
	case 1:
		return "contact=" + g.pick("admin", "hostmaster", "security", "noc") + "@" + domain
	case 2:
		return "This domain does not send email"
	case 3:
		return fmt.Sprintf("%s %s %s", title(g.word()), g.word(), g.pick("rocks", "was here", "lives on", "forever"))
	case 4:
		return "ALIAS for " + g.host(domain) + "." + g.pick("herokudns.com", "netlify.app", "vercel-dns.com", "github.io")
	case 5:
		return fmt.Sprintf("Managed by %s %s - do not edit", title(g.word()), g.pick("DNS", "Terraform", "octoDNS", "IT"))
	case 6:
		return fmt.Sprintf("see https://%s/%s", g.host(domain), g.pick("security.txt", ".well-known/security.txt", "about", "contact"))
	case 7:
		return fmt.Sprintf("%s=%s", g.pick("owner", "team", "project", "env"), g.word())
	case 8:
		return fmt.Sprintf("%s %s %s %s", title(g.word()), g.word(), g.word(), g.word())
	default:
		return g.host(domain) + "."
	}
}
