package soak

import (
	"math/rand/v2"
	"net/netip"
)

// mix picks the queries of a feed: a share of DGA names from a few
// infected clients, benign names from many others, drawn with a seeded
// generator so a run can be repeated.
type mix struct {
	rng              *rand.Rand
	benign, dga      []string
	share            float64
	clients, infects []netip.Addr
}

// newMix returns a mix whose clients are in 10.<net>.0.0/16: the first
// `clients` addresses benign, the next `infected` infected.
func newMix(c *corpus, o Options, net byte, seed uint64) *mix {
	m := &mix{rng: rand.New(rand.NewPCG(seed, uint64(net))), benign: c.benign, dga: c.dga, share: o.DGAShare}
	for i := range o.Clients + o.Infected {
		ip := netip.AddrFrom4([4]byte{10, net, byte((i + 1) >> 8), byte(i + 1)})
		if i < o.Clients {
			m.clients = append(m.clients, ip)
		} else {
			m.infects = append(m.infects, ip)
		}
	}
	return m
}

// query is one query a feed sends.
type query struct {
	client netip.Addr
	name   string
	dga    bool
}

// next draws the next query.
func (m *mix) next() query {
	if m.rng.Float64() < m.share {
		return query{client: m.infects[m.rng.IntN(len(m.infects))], name: m.dga[m.rng.IntN(len(m.dga))], dga: true}
	}
	return query{client: m.clients[m.rng.IntN(len(m.clients))], name: m.benign[m.rng.IntN(len(m.benign))]}
}

// name draws a name alone (for HTTP requests, which have no client).
func (m *mix) name() string { return m.next().name }
