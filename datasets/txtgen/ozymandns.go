package txtgen

import "time"

// ozymanFamily: OzymanDNS's TXT answers (Dan Kaminsky, 2004; nomde.pl
// 0.1, reply_handler): a "down" answer is two strings, each MIME::Base64
// encode_base64 of up to 110 bytes of the SSH stream — standard base64
// with a newline after 76 characters and at the end; the "b64" file
// function answers the same way with 114 bytes a string; any other TXT
// query gets "Hi:  " and the server's date. Empty answers (no data queued)
// give an empty record and are left out.
var ozymanFamily = Family{
	Name: "ozymandns", Group: "ozymandns", Label: Tunnel,
	Source: "OzymanDNS 0.1 nomde.pl reply_handler (down, b64, default TXT)",
	next:   ozymanAnswer,
}

func ozymanAnswer(g *gen) string {
	switch g.weighted(5, 15, 80) {
	case 0:
		t := time.Date(2004+g.intn(20), time.Month(g.between(1, 12)), g.between(1, 28), g.intn(24), g.intn(60), g.intn(60), 0, time.UTC)
		return "Hi:  " + t.Format("Mon Jan _2 15:04:05 MST 2006")
	case 1:
		return perlBase64(g.bytes(114)) + perlBase64(g.bytes(g.between(1, 114)))
	default:
		n := g.between(1, 220)
		if g.chance(0.4) {
			n = 220
		}
		data := g.bytes(n)
		if n <= 110 {
			return perlBase64(data)
		}
		return perlBase64(data[:110]) + perlBase64(data[110:])
	}
}
