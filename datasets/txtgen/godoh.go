package txtgen

import "encoding/hex"

// godohFamily: goDoH's TXT answers (github.com/sensepost/goDoH,
// protocol/constants.go, dnsserver/server.go): "v=B2B3FE1C" when there is
// no command, "v=D31CFAA4" on error, and "v=A9F466E8,p=<hex>" with the
// gob-encoded, gzipped, encrypted command in lower-case hex, refused when
// "p=<hex>" passes 230 characters. They imitate SPF's "v=".
var godohFamily = Family{
	Name: "godoh", Group: "godoh", Label: Tunnel,
	Source: "sensepost/goDoH protocol/constants.go, dnsserver/server.go",
	next:   godohAnswer,
}

func godohAnswer(g *gen) string {
	switch g.weighted(70, 5, 25) {
	case 0:
		return "v=B2B3FE1C"
	case 1:
		return "v=D31CFAA4"
	default:
		return "v=A9F466E8,p=" + hex.EncodeToString(g.bytes(g.between(40, 114)))
	}
}
