package tunnelgen

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlctl/mlctl/datasets"
)

// chunkStyle is how one generic exfiltration script lays out its names:
// scripts differ in query type, label length and how much of the name
// they fill, so each session draws its own.
type chunkStyle struct {
	qtype string
	label int // characters per label
	fill  int // encoded characters per name
}

func newChunkStyle(suffix string, rng *rand.Rand) chunkStyle {
	label := 16 + rng.IntN(48)
	return chunkStyle{qtype: []string{"A", "A", "AAAA", "TXT", "TXT", "CNAME", "MX", "NULL"}[rng.IntN(8)], label: label,
		fill: max(label/2, rng.IntN(room("0000."+suffix, label)+1))}
}

// base32Chunk is the generic exfiltration one-liner: "<seq>.<base32 chunk
// in labels>.<domain>", the query type, label length and name length
// drawn per session.
func base32Chunk(s Session, rng *rand.Rand) []datasets.DNSRecord {
	st := newChunkStyle(s.Domain, rng)
	return carrier{perQuery: st.fill * 5 / 8, jitter: 0.1, rate: 300,
		name: func(seq int, data []byte, _ *rand.Rand) (string, string, int) {
			enc := b32lower.EncodeToString(data)
			if enc == "" {
				enc = "a"
			}
			return fmt.Sprintf("%d.%s.%s", seq, labels(enc, st.label), s.Domain), st.qtype, 4
		}}.run(s, rng)
}

// hexChunk is the same with hex: "<hex chunk in labels>.<seq>.<domain>".
func hexChunk(s Session, rng *rand.Rand) []datasets.DNSRecord {
	st := newChunkStyle(s.Domain, rng)
	return carrier{perQuery: st.fill / 2, jitter: 0.1, rate: 300,
		name: func(seq int, data []byte, _ *rand.Rand) (string, string, int) {
			enc := hexOf(data)
			if enc == "" {
				enc = "00"
			}
			return fmt.Sprintf("%s.%d.%s", labels(enc, st.label), seq, s.Domain), st.qtype, 4
		}}.run(s, rng)
}
