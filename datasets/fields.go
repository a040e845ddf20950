package datasets

import (
	"errors"
	"strings"
)

// errUnterminatedQuote and errAfterQuote are the ways a CSV or TSV line
// cannot be split into fields.
var (
	errUnterminatedQuote = errors.New("unterminated quote")
	errAfterQuote        = errors.New("text after closing quote")
)

// splitFields splits one CSV or TSV line at sep, appending to dst. A field
// that starts with '"' is quoted: it ends at the next lone '"', and '""'
// inside it stands for one '"'. Other fields are taken as they are.
func splitFields(line string, sep byte, dst []string) ([]string, error) {
	for {
		if len(line) > 0 && line[0] == '"' {
			var b strings.Builder
			i := 1
			for {
				j := strings.IndexByte(line[i:], '"')
				if j < 0 {
					return dst, errUnterminatedQuote
				}
				b.WriteString(line[i : i+j])
				i += j + 1
				if i < len(line) && line[i] == '"' {
					b.WriteByte('"')
					i++
					continue
				}
				break
			}
			dst = append(dst, b.String())
			if i == len(line) {
				return dst, nil
			}
			if line[i] != sep {
				return dst, errAfterQuote
			}
			line = line[i+1:]
			continue
		}
		j := strings.IndexByte(line, sep)
		if j < 0 {
			return append(dst, line), nil
		}
		dst = append(dst, line[:j])
		line = line[j+1:]
	}
}
