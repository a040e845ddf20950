package dgagen

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"math/big"
	"math/rand/v2"
	"strings"
)

// digest hashes a family key and a counter (standing in for the date and
// seed a real family hashes) with one of the hashes DGAs use.
func digest(kind int, key uint64, i uint64) []byte {
	var in [16]byte
	binary.LittleEndian.PutUint64(in[:8], key)
	binary.LittleEndian.PutUint64(in[8:], i)
	switch kind {
	case 0:
		s := md5.Sum(in[:])
		return s[:]
	case 1:
		s := sha1.Sum(in[:])
		return s[:]
	default:
		s := sha256.Sum256(in[:])
		return s[:]
	}
}

// hashFamily is the shared state of a hash scheme's family.
type hashFamily struct {
	kind int
	key  uint64
	n    uint64
}

func newHashFamily(r *rand.Rand) *hashFamily {
	return &hashFamily{kind: r.IntN(3), key: r.Uint64()}
}

func (h *hashFamily) next() []byte {
	h.n++
	return digest(h.kind, h.key, h.n)
}

func drawHashHex(r *rand.Rand) labelFunc {
	h := newHashFamily(r)
	length := lengthDist(r, 8, 32)
	return func(r *rand.Rand) string {
		s := hex.EncodeToString(h.next())
		return s[:min(length(r), len(s))]
	}
}

var base32Lower = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func drawHashBase(r *rand.Rand) labelFunc {
	h := newHashFamily(r)
	length := lengthDist(r, 10, 30)
	base36 := r.IntN(2) == 0
	return func(r *rand.Rand) string {
		d := h.next()
		var s string
		if base36 {
			s = new(big.Int).SetBytes(d).Text(36)
		} else {
			s = base32Lower.EncodeToString(d)
		}
		return s[:min(length(r), len(s))]
	}
}

func drawHashLetters(r *rand.Rand) labelFunc {
	h := newHashFamily(r)
	length := lengthDist(r, 8, 24)
	mapping := r.IntN(3)
	return func(r *rand.Rand) string {
		d := h.next()
		for len(d) < 32 {
			d = append(d, h.next()...)
		}
		n := length(r)
		var b strings.Builder
		for i := 0; i < n; i++ {
			c := d[i]
			switch mapping {
			case 0:
				b.WriteByte('a' + c%26)
			case 1:
				b.WriteByte('a' + (c & 0x0f) + (c >> 4 & 0x07)) // murofet-like nibble sum
			default:
				b.WriteByte('a' + (c>>3)%26)
			}
		}
		return b.String()
	}
}
