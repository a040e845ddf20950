package txtgen

import "encoding/binary"

// sliverFamily: Sliver's DNS C2 TXT answers (github.com/BishopFox/sliver,
// server/c2/dns.go, util/encoders/base64.go, protobuf/dnspb/dns.proto):
// the response in Sliver's own base64 alphabet without padding, in
// strings of 254 characters (defaultMaxTXTLength). Responses are a
// session init (4 bytes encrypted: minisign signature 74, nonce 12, gzip,
// Poly1305 tag 16), a poll manifest (DNSMessage{Type: MANIFEST, ID, Size}
// as protobuf), data for the implant (DNSMessage{Start, Data: a slice of
// ciphertext}) and a clear acknowledgement (a 4-byte checksum).
var sliverFamily = Family{
	Name: "sliver", Group: "sliver", Label: Tunnel,
	Source: "BishopFox/sliver server/c2/dns.go, util/encoders/base64.go, protobuf/dnspb/dns.proto",
	next:   sliverAnswer,
}

func sliverAnswer(g *gen) string {
	var resp []byte
	switch g.weighted(10, 35, 35, 20) {
	case 0: // session init: signature, nonce, gzip of the 4-byte id, tag
		resp = g.bytes(74 + 12 + 24 + 16)
	case 1: // poll manifest
		resp = protoVarint(nil, 1, 6)
		resp = protoVarint(resp, 2, uint64(g.r.Uint32()))
		if g.chance(0.7) {
			resp = protoVarint(resp, 5, uint64(g.between(30, 20000)))
		}
	case 2: // data to the implant
		if g.chance(0.8) {
			resp = protoVarint(resp, 3, uint64(g.intn(200)*g.between(100, 600)))
		}
		data := g.bytes(g.between(32, 600))
		resp = binary.AppendUvarint(append(resp, 6<<3|2), uint64(len(data)))
		resp = append(resp, data...)
	default: // clear: the checksum of the message
		resp = g.bytes(4)
	}
	// The 254-character strings concatenate back to the whole encoding.
	return sliverBase64.EncodeToString(resp)
}

// protoVarint appends a protobuf varint field.
func protoVarint(b []byte, field int, v uint64) []byte {
	return binary.AppendUvarint(append(b, byte(field<<3)), v)
}
