package tunnelgen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// cobaltStrike is a DNS beacon with the default malleable profile: an A
// query for "<beacon id>.<domain>" every sleep (60 s, 20% jitter), and
// when it has output, "post.<length and hex chunk labels>.<id>.<domain>" A
// queries (maxdns 255) as fast as the rate needs, with "api.<nonce>.<id>.
// <domain>" TXT queries fetching tasks.
func cobaltStrike(s Session, rng *rand.Rand) []datasets.DNSRecord {
	id := fmt.Sprintf("%x", 0x10000000+rng.Uint32()%0xe0000000)
	suffix := id + "." + s.Domain
	perQuery := room("post."+suffix, 62)/2 - 2
	var out []datasets.DNSRecord
	// Heartbeats.
	clk := newClock(s)
	for clk.next(rng, 60*time.Second, 0.2) {
		out = append(out, record(clk.t, s.Clients[0], suffix, "A", "NOERROR", responseSize(suffix, 4)))
		if rng.IntN(3) == 0 { // a task to fetch
			for range 1 + rng.IntN(4) {
				n := "api." + hexOf(payload(rng, 4)) + "." + suffix
				out = append(out, record(clk.t.Add(time.Duration(rng.IntN(500))*time.Millisecond), s.Clients[0], n, "TXT", "NOERROR", responseSize(n, 200)))
			}
		}
	}
	// Output.
	if s.Rate > 0 {
		out = append(out, carrier{perQuery: perQuery, jitter: 0.3, rate: s.Rate,
			name: func(seq int, data []byte, rng *rand.Rand) (string, string, int) {
				if len(data) == 0 {
					return suffix, "A", 4
				}
				return fmt.Sprintf("post.%s.%s", labels(fmt.Sprintf("%03x", len(data))+hexOf(data), 62), suffix), "A", 4
			}}.run(s, rng)...)
	}
	sortByTime(out)
	return out
}
