package tunnelgen

import (
	"encoding/binary"
	"math/rand/v2"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// dnscat2 sends packets (packet id, type, session id, seq, ack: 9 bytes,
// then data) hex-encoded in labels of up to 63 characters under the
// domain, as TXT, CNAME or MX queries, and polls about once a second.
func dnscat2(s Session, rng *rand.Rand) []datasets.DNSRecord {
	session := uint16(rng.Uint32())
	seq := uint16(rng.Uint32())
	types := []string{"TXT", "CNAME", "MX"}
	max := room(s.Domain, 63)/2 - 9
	return carrier{perQuery: max, poll: time.Second, jitter: 0.1, rate: 200,
		name: func(_ int, data []byte, rng *rand.Rand) (string, string, int) {
			pkt := make([]byte, 9, 9+len(data))
			binary.BigEndian.PutUint16(pkt[0:], uint16(rng.Uint32()))
			pkt[2] = 0 // MSG
			binary.BigEndian.PutUint16(pkt[3:], session)
			binary.BigEndian.PutUint16(pkt[5:], seq)
			binary.BigEndian.PutUint16(pkt[7:], uint16(rng.Uint32()))
			seq += uint16(len(data))
			pkt = append(pkt, data...)
			return labels(hexOf(pkt), 63) + "." + s.Domain, types[rng.IntN(len(types))], 2 * (9 + rng.IntN(40))
		}}.run(s, rng)
}
