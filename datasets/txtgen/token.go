package txtgen

import "fmt"

// tokenFamily: records that are a bare token, at names such as
// _acme-challenge (RFC 8555 §8.4: base64url of a SHA-256 digest, 43
// characters), _github-challenge-* (10 hex) and _github-pages-challenge-*
// (30 hex), _cf-custom-hostname (a UUID), _dnsauth (Azure Front Door, 32
// lower-case alphanumerics), asuid (Azure App Service, 64 upper-case hex),
// _amazonses (44 base64 characters), DNSLink ("dnslink=/ipfs/<CID>") and
// the numeric or hex codes of smaller services. They are the benign
// records most like an encoded payload.
var tokenFamily = Family{
	Name: "token", Group: GroupOther, Label: Benign,
	Source: "RFC 8555 §8.4; GitHub, Cloudflare, Azure, Amazon SES, IPFS DNSLink documentation",
	next:   tokenRecord,
}

func tokenRecord(g *gen) string {
	switch g.weighted(30, 10, 10, 10, 8, 6, 6, 6, 6, 4, 4) {
	case 0:
		return g.from(b64URL, 43)
	case 1:
		return g.from(lowerHex, 10)
	case 2:
		return g.from(lowerHex, 30)
	case 3:
		return g.uuid()
	case 4:
		return g.from(lowerAlnum, 32)
	case 5:
		return g.from(upperHex, 64)
	case 6:
		return g.from(b64Std, 43) + "="
	case 7:
		if g.chance(0.5) {
			return "dnslink=/ipfs/Qm" + g.from("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", 44)
		}
		return "dnslink=/ipfs/bafybei" + g.from(b32Lower, 52)
	case 8:
		return g.from(digits, g.between(6, 10))
	case 9:
		return "ca3-" + g.from(lowerHex, 32)
	default:
		return fmt.Sprintf("https://github.com/publicsuffix/list/pull/%d", g.between(1000, 2600))
	}
}
