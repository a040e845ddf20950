package txtgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// gen is one family's random stream with the draws the generators share.
type gen struct{ r *rand.Rand }

// intn returns a number in [0, n).
func (g *gen) intn(n int) int { return g.r.IntN(n) }

// between returns a number in [lo, hi].
func (g *gen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// chance is true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// pick returns one of xs.
func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

// weighted returns the index of one of the weights, in proportion to it.
func (g *gen) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// bytes returns n random bytes: ciphertext, compressed data, keys.
func (g *gen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	return b
}

// from returns n characters drawn from alphabet.
func (g *gen) from(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

// Alphabets of random tokens.
const (
	lowerHex   = "0123456789abcdef"
	upperHex   = "0123456789ABCDEF"
	digits     = "0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b64URL     = alnum + "-_"
	b64Std     = alnum + "+/"
	b32Upper   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b32Lower   = "abcdefghijklmnopqrstuvwxyz234567"
)

// uuid returns a random version-4 UUID in lower case.
func (g *gen) uuid() string {
	b := g.bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// word returns one word of the shared list.
func (g *gen) word() string { return words[g.r.IntN(len(words))] }

// domain returns a registered domain such as zones hold.
func (g *gen) domain() string {
	name := g.word()
	switch g.intn(6) {
	case 0:
		name += g.word()
	case 1:
		name += "-" + g.word()
	case 2:
		name += fmt.Sprint(g.between(1, 99))
	}
	return name + "." + g.pick("com", "com", "com", "net", "org", "io", "co", "de", "co.uk", "fr", "nl", "dev", "app", "edu", "gov", "ca", "com.au", "ch", "se")
}

// host returns a name under domain, sometimes domain itself.
func (g *gen) host(domain string) string {
	if g.chance(0.5) {
		return domain
	}
	return g.pick("mail", "www", "app", "api", "blog", "shop", "status", "docs", g.word()) + "." + domain
}

// ipv4 returns a dotted quad outside the private ranges.
func (g *gen) ipv4() string {
	return fmt.Sprintf("%d.%d.%d.%d", g.between(11, 223), g.intn(256), g.intn(256), g.between(1, 254))
}

// ipv6 returns a global unicast address prefix in compressed form.
func (g *gen) ipv6() string {
	groups := []string{fmt.Sprintf("2%03x", g.intn(0x400)), fmt.Sprintf("%x", g.intn(0x10000))}
	for i := g.intn(3); i > 0; i-- {
		groups = append(groups, fmt.Sprintf("%x", g.intn(0x10000)))
	}
	return strings.Join(groups, ":") + "::"
}
