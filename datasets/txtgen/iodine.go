package txtgen

import (
	"encoding/binary"
	"fmt"
)

// iodineFamily: iodine's TXT answers (github.com/yarrick/iodine,
// src/iodined.c write_dns and doc/proto_00000502.txt). An answer is one
// character naming the downstream codec — t Base32, s Base64, u Base64u,
// v Base128, r raw — then the payload in that codec, in strings of 255
// bytes (dns.c puttxtbin). The payload is the 2-byte downstream header
// (C|SSS|FFFF, DDD|GGGG|L) and a fragment of a zlib-compressed IP packet of
// at most the negotiated fragment size (100 before probing); dataless
// answers (pings, lazy-mode replies) carry the header alone. Handshake
// answers (version ack with seed and user id, login reply, codec switch)
// go in Base32.
var iodineFamily = Family{
	Name: "iodine", Group: "iodine", Label: Tunnel,
	Source: "yarrick/iodine src/iodined.c write_dns, src/base32.c, src/base64.c, src/base128.c, doc/proto_00000502.txt",
	next:   iodineAnswer,
}

func iodineAnswer(g *gen) string {
	if g.chance(0.08) {
		return "t" + iodineBase32.EncodeToString(iodineHandshake(g))
	}
	header := []byte{byte(0x80 | g.intn(8)<<4 | g.intn(16)), byte(g.intn(8)<<5 | g.intn(16)<<1 | g.intn(2))}
	payload := header
	if g.chance(0.6) {
		frag := []int{100, 300, 600, 900, 1130}[g.intn(5)]
		n := frag
		if g.chance(0.4) {
			n = g.between(20, frag)
		}
		payload = append(payload, g.zlibStream(n)...)
	}
	switch g.weighted(30, 25, 25, 15, 5) {
	case 0:
		return "t" + iodineBase32.EncodeToString(payload)
	case 1:
		return "s" + iodineBase64.EncodeToString(payload)
	case 2:
		return "u" + iodineBase64u.EncodeToString(payload)
	case 3:
		return "v" + iodineBase128(payload)
	default:
		return "r" + string(payload)
	}
}

// iodineHandshake returns the payload of one handshake answer.
func iodineHandshake(g *gen) []byte {
	switch g.intn(4) {
	case 0: // version ack: VACK, 4-byte login seed, user id
		b := append([]byte("VACK"), g.bytes(4)...)
		return append(b, byte(g.intn(16)))
	case 1: // login accepted: server ip-client ip-mtu-netmask
		return fmt.Appendf(nil, "10.%d.0.1-10.%d.0.%d-%d-27", g.intn(256), g.intn(256), g.between(2, 30), []int{1130, 1200}[g.intn(2)])
	case 2: // downstream codec switched
		return []byte(g.pick("Base32", "Base64", "Base64u", "Base128", "Lazy"))
	default: // fragment size set: 2 bytes
		return binary.BigEndian.AppendUint16(nil, uint16(g.between(200, 1200)))
	}
}
