package txtgen

import "fmt"

// verificationFamily: domain-ownership records of SaaS providers, a
// provider key and a token, in the shapes their setup pages show
// (alphabet and length of the token; the tokens themselves are random).
var verificationFamily = Family{
	Name: "verification", Group: GroupVerification, Label: Benign,
	Source: "providers' domain-verification setup pages (token alphabet and length)",
	next:   verificationRecord,
}

// verifier makes one provider's record.
type verifier func(g *gen) string

// keyed returns a verifier of "key<sep>token" with a token of n characters
// of alphabet.
func keyed(key, sep, alphabet string, n int) verifier {
	return func(g *gen) string { return key + sep + g.from(alphabet, n) }
}

var verifiers = []verifier{
	keyed("google-site-verification", "=", b64URL, 43),
	keyed("google-site-verification", "=", b64URL, 43),
	keyed("google-site-verification", "=", b64URL, 43),
	func(g *gen) string { return "MS=ms" + g.from(digits, 8) },
	keyed("facebook-domain-verification", "=", lowerAlnum, 30),
	keyed("apple-domain-verification", "=", alnum, 16),
	keyed("atlassian-domain-verification", "=", b64Std, 64),
	func(g *gen) string { return "docusign=" + g.uuid() },
	func(g *gen) string { return "adobe-idp-site-verification=" + g.pick(g.uuid(), g.from(lowerHex, 64)) },
	keyed("stripe-verification", "=", lowerHex, 64),
	keyed("globalsign-domain-verification", "=", b64URL, 42),
	keyed("ZOOM_verify_", "", b64URL, 22),
	keyed("onetrust-domain-verification", "=", lowerHex, 32),
	keyed("dropbox-domain-verification", "=", lowerAlnum, 12),
	keyed("slack-domain-verification", "=", alnum, 40),
	keyed("keybase-site-verification", "=", b64URL, 43),
	keyed("yandex-verification", "=", lowerHex, 16),
	keyed("have-i-been-pwned-verification", "=", lowerHex, 32),
	keyed("cisco-ci-domain-verification", "=", lowerHex, 64),
	keyed("mongodb-site-verification", "=", alnum, 32),
	keyed("miro-verification", "=", lowerHex, 40),
	keyed("brave-ledger-verification", "=", lowerHex, 64),
	keyed("twilio-domain-verification", "=", lowerHex, 32),
	keyed("pinterest-site-verification", "=", lowerHex, 32),
	keyed("teamviewer-sso-verification", "=", lowerHex, 32),
	keyed("airtable-verification", "=", lowerHex, 32),
	keyed("gitlab-pages-verification-code", "=", lowerHex, 32),
	keyed("1password-site-verification", "=", b32Upper, 26),
	keyed("tiktok-developers-site-verification", "=", alnum, 32),
	keyed("Sendinblue-code", ":", lowerHex, 32),
	keyed("brevo-code", ":", lowerHex, 32),
	keyed("mailru-verification", ": ", lowerHex, 16),
	keyed("segment-site-verification", "=", alnum, 32),
	keyed("detectify-verification", "=", lowerHex, 32),
	keyed("loom-site-verification", "=", lowerHex, 32),
	keyed("canva-site-verification", "=", b64URL, 22),
	keyed("workplace-domain-verification", "=", alnum, 30),
	keyed("asv", "=", lowerHex, 32),
	keyed("status-page-domain-verification", "=", lowerAlnum, 12),
	keyed("ahrefs-site-verification_", "", lowerHex, 64),
	keyed("google-gws-recovery-domain-verification", "=", digits, 8),
	keyed("postman-domain-verification", "=", lowerHex, 64),
	keyed("hubspot-developer-verification", "=", b64Std, 60),
	func(g *gen) string { return "openai-domain-verification=dv-" + g.from(alnum, 24) },
	func(g *gen) string { return fmt.Sprintf("zoho-verification=zb%s.zmverify.zoho.com", g.from(digits, 8)) },
	func(g *gen) string { return fmt.Sprintf("webexdomainverification.%s=%s", g.from(alnum, 5), g.uuid()) },
	func(g *gen) string { return "citrix-verification-code=" + g.uuid() },
	func(g *gen) string { return "logmein-verification-code=" + g.uuid() },
	func(g *gen) string { return "intercom-domain-validation=" + g.uuid() },
	func(g *gen) string { return "dynatrace-site-verification=" + g.uuid() + "__" + g.from(lowerAlnum, 26) },
	func(g *gen) string { return "amazonses:" + g.from(b64Std, 43) + "=" },
	func(g *gen) string { return "wrike-verification=" + g.from(b64Std, 42) + "==" },
	func(g *gen) string { return "domain-verification=" + g.word() },
	func(g *gen) string {
		d := g.domain()
		return fmt.Sprintf("vc-domain-verify=%s.%s,%s", g.word(), d, g.from(lowerHex, 20))
	},
	func(g *gen) string { return "did=did:plc:" + g.from(b32Lower, 24) },
	func(g *gen) string {
		return fmt.Sprintf("anthropic-domain-verification-%s=%s", g.from(lowerAlnum, 6), g.from(alnum, 24))
	},
}

func verificationRecord(g *gen) string { return verifiers[g.intn(len(verifiers))](g) }
