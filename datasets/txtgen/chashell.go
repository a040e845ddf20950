package txtgen

import "encoding/hex"

// chashellFamily: Chashell's TXT answers (github.com/sysdream/chashell,
// cmd/server/chaserv.go, lib/transport/encoding.go dnsMarshal): "-" when
// nothing is queued, else a protobuf Message (client GUID and a chunk of
// shell output) sealed with NaCl secretbox, in lower-case hex after its
// 24-byte nonce; chunks keep the packet under 240 hex characters.
var chashellFamily = Family{
	Name: "chashell", Group: "chashell", Label: Tunnel,
	Source: "sysdream/chashell cmd/server/chaserv.go, lib/transport/encoding.go",
	next:   chashellAnswer,
}

func chashellAnswer(g *gen) string {
	if g.chance(0.55) {
		return "-"
	}
	// nonce 24, secretbox tag 16, protobuf: GUID field 18, chunk header
	// about 6, then the data.
	return hex.EncodeToString(g.bytes(24 + 16 + 18 + 6 + g.between(1, 56)))
}
