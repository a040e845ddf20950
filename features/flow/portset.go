package flow

// portSet is a set of ports.
type portSet [65536 / 64]uint64

func newPortSet(ports []uint16) *portSet {
	s := new(portSet)
	for _, p := range ports {
		s[p/64] |= 1 << (p % 64)
	}
	return s
}

func (s *portSet) has(p uint16) bool { return s[p/64]&(1<<(p%64)) != 0 }
