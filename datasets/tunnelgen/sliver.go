package tunnelgen

import (
	"math/rand/v2"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// sliver sends protobuf messages (about 20 bytes of envelope around the
// data) base32-encoded in lower case without padding, in labels of up to
// 63 characters under the parent domain, as A queries (TXT to fetch), and
// polls every few seconds.
func sliver(s Session, rng *rand.Rand) []datasets.DNSRecord {
	perQuery := room(s.Domain, 63)*5/8 - 20
	return carrier{perQuery: perQuery, poll: 3 * time.Second, jitter: 0.5, rate: 500,
		name: func(_ int, data []byte, rng *rand.Rand) (string, string, int) {
			msg := append(payload(rng, 20), data...)
			qtype := "A"
			if rng.IntN(4) == 0 {
				qtype = "TXT"
			}
			return labels(b32lower.EncodeToString(msg), 63) + "." + s.Domain, qtype, 16
		}}.run(s, rng)
}
