package txtgen

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// dnscapyFamily: DNScapy's answers in TXT mode (code.google.com/p/dnscapy,
// dnscapy_server.py 0.1, DNScapyServerChild): dot-separated fields, a
// message type digit first — "0.<con id>.<n>" or "0.<con id>.0.<data>"
// (connection, with the SSH banner when it fits), "1.<n>" (data
// acknowledged), "2.<n>" (n packets to fetch), "3.<n>.<data>" (packet n),
// "4" (done) — where data is standard base64 of the SSH stream cut into
// 63-character labels, at most 253 characters.
var dnscapyFamily = Family{
	Name: "dnscapy", Group: "dnscapy", Label: Tunnel,
	Source: "dnscapy 0.1 (code.google.com/p/dnscapy) dnscapy_server.py, dnscapy_client.py",
	next:   dnscapyAnswer,
}

func dnscapyAnswer(g *gen) string {
	switch g.weighted(3, 7, 25, 15, 50) {
	case 0:
		return "4"
	case 1: // connection
		id := g.between(1, 10)
		if g.chance(0.5) {
			return fmt.Sprintf("0.%d.0.%s", id, dnscapyLabels(base64.StdEncoding.EncodeToString(g.sshBanner())))
		}
		return fmt.Sprintf("0.%d.%d", id, g.between(1, 40))
	case 2:
		return fmt.Sprintf("1.%d", g.intn(60))
	case 3:
		return fmt.Sprintf("2.%d", g.between(1, 60))
	default:
		data := base64.StdEncoding.EncodeToString(g.bytes(g.between(4, 180)))
		return fmt.Sprintf("3.%d.%s", g.intn(60), dnscapyLabels(data))
	}
}

// dnscapyLabels cuts data to 253 characters in labels of 63 joined by
// dots, as fragment_data does.
func dnscapyLabels(data string) string {
	if len(data) > 250 {
		data = data[:250]
	}
	return strings.Join(chunks(data, 63), ".")
}
