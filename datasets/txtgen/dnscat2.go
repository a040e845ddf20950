package txtgen

import (
	"encoding/binary"
	"encoding/hex"
)

// dnscat2Family: dnscat2's TXT answers (github.com/iagox86/dnscat2,
// doc/protocol.md "DNS Record type" and server/tunnel_drivers/
// driver_dns.rb RECORD_TYPES): the packet in lower-case hex, nothing else,
// at most 241 characters. A packet is packet_id(2) type(1) session_id(2)
// and then: MSG seq(2) ack(2) data (idle polls carry none; data is
// encrypted by default), SYN isn(2) options(2), FIN a reason string, ENC
// subtype(2) flags(2) and a 64-byte public key or 32-byte authenticator.
var dnscat2Family = Family{
	Name: "dnscat2", Group: "dnscat2", Label: Tunnel,
	Source: "iagox86/dnscat2 doc/protocol.md, server/tunnel_drivers/driver_dns.rb",
	next:   dnscat2Answer,
}

// dnscat2MaxBytes is the most packet bytes one TXT answer holds: 241 hex
// characters.
const dnscat2MaxBytes = 241 / 2

func dnscat2Answer(g *gen) string {
	p := g.bytes(2) // packet id
	session := g.bytes(2)
	switch g.weighted(45, 38, 6, 6, 5) {
	case 0: // MSG, idle poll
		p = append(append(append(p, 0x01), session...), g.bytes(4)...)
	case 1: // MSG with data
		p = append(append(append(p, 0x01), session...), g.bytes(4)...)
		p = append(p, g.bytes(g.between(1, dnscat2MaxBytes-len(p)))...)
	case 2: // ENC: init with a public key, or auth with an authenticator
		p = append(append(p, 0x03), session...)
		p = binary.BigEndian.AppendUint16(p, uint16(g.intn(2)))
		p = append(p, 0, 0)
		p = append(p, g.bytes([]int{64, 32}[g.intn(2)])...)
	case 3: // SYN
		p = append(append(append(p, 0x00), session...), g.bytes(2)...)
		p = binary.BigEndian.AppendUint16(p, uint16(g.intn(2)*0x20))
	default: // FIN with a reason
		p = append(append(p, 0x02), session...)
		p = append(p, g.pick("Session closed", "Bad packet received", "Unexpected SYN", "Server is shutting down")...)
		p = append(p, 0)
	}
	return hex.EncodeToString(p)
}
