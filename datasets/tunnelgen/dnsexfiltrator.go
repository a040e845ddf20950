package tunnelgen

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/mlctl/mlctl/datasets"
)

// dnsExfiltrator announces the file ("init.<base32 of name|chunks>.base32.
// <domain>"), then sends it as TXT queries "<chunk number>.<chunk, base64url
// (or base32 with -b32) in labels of up to 63 characters>.<domain>", at the
// pace its throttle (-t) sets.
func dnsExfiltrator(s Session, rng *rand.Rand) []datasets.DNSRecord {
	useB32 := rng.IntN(3) == 0
	max := room("00000."+s.Domain, 63)
	perQuery := max * 3 / 4
	if useB32 {
		perQuery = max * 5 / 8
	}
	file := fmt.Sprintf("%s.%s", []string{"report", "backup", "db", "passwords", "finance", "hr"}[rng.IntN(6)], []string{"zip", "docx", "xlsx", "sql", "7z"}[rng.IntN(5)])
	init := fmt.Sprintf("init.%s.base32.%s", labels(b32upper.EncodeToString(fmt.Appendf(nil, "%s|%d", file, 1000+rng.IntN(9000))), 63), s.Domain)
	first := true
	return carrier{perQuery: perQuery, jitter: 0.05, rate: 2000,
		name: func(seq int, data []byte, rng *rand.Rand) (string, string, int) {
			if first {
				first = false
				return strings.ToLower(init), "TXT", 4
			}
			enc := b64url.EncodeToString(data)
			if useB32 {
				enc = b32upper.EncodeToString(data)
			}
			if enc == "" {
				enc = "0"
			}
			return fmt.Sprintf("%d.%s.%s", seq, labels(enc, 63), s.Domain), "TXT", 4
		}}.run(s, rng)
}
