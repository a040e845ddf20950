package txtgen

import (
	"encoding/base64"
	"strings"
)

// dkimFamily: DKIM key records (RFC 6376 §3.6.1, RFC 8463): tags v, k, h,
// t, s, p in the orders and spacings providers publish, p the base64 of a
// DER SubjectPublicKeyInfo of an RSA key of 1024 or 2048 bits (exponent
// 65537; published as two 255-byte strings when long, read back
// concatenated) or of an Ed25519 key, or empty when revoked.
var dkimFamily = Family{
	Name: "dkim", Group: GroupDKIM, Label: Benign,
	Source: "RFC 6376 §3.6.1, RFC 8463; SubjectPublicKeyInfo DER (RFC 5280, RFC 8017 A.1.1)",
	next:   dkimRecord,
}

// DER prefixes of an RSA SubjectPublicKeyInfo up to the modulus.
var (
	rsa1024Prefix = []byte{0x30, 0x81, 0x9f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
		0x03, 0x81, 0x8d, 0x00, 0x30, 0x81, 0x89, 0x02, 0x81, 0x81, 0x00}
	rsa2048Prefix = []byte{0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
		0x03, 0x82, 0x01, 0x0f, 0x00, 0x30, 0x82, 0x01, 0x0a, 0x02, 0x82, 0x01, 0x01, 0x00}
	rsaExponent    = []byte{0x02, 0x03, 0x01, 0x00, 0x01}
	ed25519Prefix  = []byte{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}
	dkimTagFormats = [][]string{
		{"v=DKIM1", "k=rsa", "p=%s"}, {"k=rsa", "p=%s"}, {"v=DKIM1", "h=sha256", "k=rsa", "p=%s"},
		{"v=DKIM1", "k=rsa", "t=s", "p=%s"}, {"p=%s"}, {"v=DKIM1", "p=%s"}, {"v=DKIM1", "h=sha256", "k=rsa", "s=email", "p=%s"},
		{"k=rsa", "t=s", "p=%s"}, {"v=DKIM1", "k=rsa", "p=%s", "t=y"}, {"v=DKIM1", "k=rsa", "n=1024,2048", "p=%s"},
	}
)

// rsaKey returns a key's SubjectPublicKeyInfo: a modulus of bits bits
// with its top bit set.
func (g *gen) rsaKey(bits int) []byte {
	prefix := rsa1024Prefix
	if bits == 2048 {
		prefix = rsa2048Prefix
	}
	mod := g.bytes(bits / 8)
	mod[0] |= 0x80
	mod[len(mod)-1] |= 1
	key := append(append([]byte(nil), prefix...), mod...)
	return append(key, rsaExponent...)
}

func dkimRecord(g *gen) string {
	var key string
	switch g.weighted(45, 42, 5, 6, 2) {
	case 0:
		key = base64.StdEncoding.EncodeToString(g.rsaKey(1024))
	case 1:
		key = base64.StdEncoding.EncodeToString(g.rsaKey(2048))
	case 2:
		// Ed25519 keys are the raw 32 bytes (RFC 8463 §4.2); some
		// publish the SubjectPublicKeyInfo.
		raw := g.bytes(32)
		if g.chance(0.3) {
			raw = append(append([]byte(nil), ed25519Prefix...), raw...)
		}
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(raw)
	case 3:
		return g.pick("v=DKIM1; p=", "v=DKIM1; k=rsa; p=", "v=DKIM1;p=")
	default:
		return g.pick("v=DKIM1", "k=rsa", "v=DKIM1; k=rsa")
	}
	tags := dkimTagFormats[g.intn(len(dkimTagFormats))]
	sep := g.pick("; ", "; ", ";")
	text := strings.Replace(strings.Join(tags, sep), "%s", key, 1)
	if g.chance(0.15) {
		text += ";"
	}
	return text
}
