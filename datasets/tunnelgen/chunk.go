package tunnelgen

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlctl/mlctl/datasets"
)

// base32Chunk is the generic exfiltration one-liner: "<seq>.<base32 chunk
// in labels>.<domain>" A queries.
func base32Chunk(s Session, rng *rand.Rand) []datasets.DNSRecord {
	perQuery := room("0000."+s.Domain, 60) * 5 / 8
	return carrier{perQuery: perQuery, jitter: 0.1, rate: 300,
		name: func(seq int, data []byte, _ *rand.Rand) (string, string, int) {
			enc := b32lower.EncodeToString(data)
			if enc == "" {
				enc = "a"
			}
			return fmt.Sprintf("%d.%s.%s", seq, labels(enc, 60), s.Domain), "A", 4
		}}.run(s, rng)
}

// hexChunk is the same with hex: "<hex chunk in labels>.<seq>.<domain>".
func hexChunk(s Session, rng *rand.Rand) []datasets.DNSRecord {
	perQuery := room("0000."+s.Domain, 62) / 2
	return carrier{perQuery: perQuery, jitter: 0.1, rate: 300,
		name: func(seq int, data []byte, _ *rand.Rand) (string, string, int) {
			enc := hexOf(data)
			if enc == "" {
				enc = "00"
			}
			return fmt.Sprintf("%s.%d.%s", labels(enc, 62), seq, s.Domain), "A", 4
		}}.run(s, rng)
}
