package txtbench

import (
	"fmt"

	"github.com/mlctl/mlctl/features/tokens"
)

// Chars reads a TXT record byte by byte: each printable ASCII byte and
// the space has its own id, any other whitespace or control byte one id
// (charsControl), any byte of 0x80 and above one id (charsHigh), so a
// record's encoding shows in the sequence whatever its alphabet. A record
// longer than MaxLen keeps its first MaxLen bytes. It satisfies
// tokens.Tokenizer; Chars is an experiment of this study, not a tokenizer
// mlctl ships.
type Chars struct{ maxLen int }

// Ids of Chars after tokens.Pad and tokens.Unk: the 95 bytes 0x20–0x7e,
// then the control bytes, then the high bytes.
const (
	charsFirst   = 2
	charsControl = charsFirst + 95
	charsHigh    = charsControl + 1
)

// NewChars returns a Chars tokenizer keeping maxLen bytes (1..65536).
func NewChars(maxLen int) (*Chars, error) {
	if maxLen < 1 || maxLen > 65536 {
		return nil, fmt.Errorf("txtbench: chars max len %d outside 1..65536", maxLen)
	}
	return &Chars{maxLen: maxLen}, nil
}

// Name implements tokens.Tokenizer.
func (c *Chars) Name() string { return "txt-chars" }

// VocabSize implements tokens.Tokenizer.
func (c *Chars) VocabSize() int { return charsHigh + 1 }

// MaxLen implements tokens.Tokenizer.
func (c *Chars) MaxLen() int { return c.maxLen }

// Encode implements tokens.Tokenizer.
func (c *Chars) Encode(record string, dst []int32) []int32 {
	for i := 0; i < len(record) && i < c.maxLen; i++ {
		switch b := record[i]; {
		case b >= 0x80:
			dst = append(dst, charsHigh)
		case b < 0x20 || b == 0x7f:
			dst = append(dst, charsControl)
		default:
			dst = append(dst, charsFirst+int32(b-0x20))
		}
	}
	return dst
}

var _ tokens.Tokenizer = (*Chars)(nil)
