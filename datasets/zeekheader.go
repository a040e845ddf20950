package datasets

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ZeekHeader is what the '#' lines of a Zeek TSV log (dns.log, conn.log …)
// say about the data lines after them: the separator, the markers of unset
// and empty values, the set separator, the log's path and its column
// names. Every reader of Zeek TSV keeps one: the datasets' dns.log and
// conn.log parsers and serving's dns.log follower. A header may come again
// mid-file, when logs are concatenated or a rotated log is followed; its
// lines then change what they name, and Reset starts afresh.
type ZeekHeader struct {
	// Separator separates the values of a line (#separator, with its \xHH
	// escapes undone); default a tab.
	Separator string
	// SetSeparator separates the members of a set or vector value
	// (#set_separator, escapes undone); default ",".
	SetSeparator string
	// Unset marks a value that is not set (#unset_field); default "-".
	Unset string
	// Empty marks an empty value (#empty_field); default "(empty)".
	Empty string
	// Path is the log's kind (#path: "dns", "conn"); "" until read.
	Path string
	// Fields are the column names of #fields, white space trimmed, case as
	// written; nil until a #fields line is read. A reader that refuses the
	// columns sets it back to nil, so its data lines are errors until a
	// usable #fields line comes.
	Fields []string
}

// ZeekDirective names the '#' line ZeekHeader.Read took.
type ZeekDirective int

// The directives a ZeekHeader reads; ZeekOther is any other '#' line
// (#open, #close, #types, a comment) and a directive without a value.
const (
	ZeekOther        ZeekDirective = iota // a line that changes nothing
	ZeekSeparator                         // #separator
	ZeekSetSeparator                      // #set_separator
	ZeekUnsetField                        // #unset_field
	ZeekEmptyField                        // #empty_field
	ZeekPath                              // #path
	ZeekFields                            // #fields
)

// NewZeekHeader returns Zeek's defaults: tab separator, "," set separator,
// "-" unset, "(empty)" empty, and no #fields yet.
func NewZeekHeader() ZeekHeader {
	return ZeekHeader{Separator: "\t", SetSeparator: ",", Unset: "-", Empty: "(empty)"}
}

// Reset forgets the header, as at the start of a new file.
func (h *ZeekHeader) Reset() { *h = NewZeekHeader() }

// isZeekDirective reports whether a '#' line is one that starts a Zeek log.
func isZeekDirective(line string) bool {
	return strings.HasPrefix(line, "#separator") || strings.HasPrefix(line, "#fields")
}

// Read takes one '#' line and returns which directive it was. #separator's
// value follows a space; the others' follow the current separator, or
// white space when the line holds no separator (a header written by hand).
// An empty #separator or #set_separator, and a directive without a value,
// change nothing and read as ZeekOther; #fields always reads, naming no
// columns when it has none.
func (h *ZeekHeader) Read(line string) ZeekDirective {
	if rest, ok := strings.CutPrefix(line, "#separator"); ok {
		if sep := UnescapeZeek(strings.TrimLeft(rest, " ")); sep != "" {
			h.Separator = sep
			return ZeekSeparator
		}
		return ZeekOther
	}
	parts := strings.Split(line, h.Separator)
	if len(parts) == 1 && h.Separator != " " {
		parts = strings.Fields(line)
	}
	if parts[0] == "#fields" {
		h.Fields = make([]string, len(parts)-1)
		for i, name := range parts[1:] {
			h.Fields[i] = strings.TrimSpace(name)
		}
		return ZeekFields
	}
	if len(parts) < 2 {
		return ZeekOther
	}
	switch value := parts[1]; parts[0] {
	case "#unset_field":
		h.Unset = value
		return ZeekUnsetField
	case "#empty_field":
		h.Empty = value
		return ZeekEmptyField
	case "#set_separator":
		if sep := UnescapeZeek(value); sep != "" {
			h.SetSeparator = sep
			return ZeekSetSeparator
		}
	case "#path":
		h.Path = value
		return ZeekPath
	}
	return ZeekOther
}

// errZeekNoFields is Split's error for a data line before any #fields line.
var errZeekNoFields = errors.New("data before the #fields line")

// Split splits a data line at the separator, appending to dst (see
// SplitZeek). A line before any #fields line, or with another number of
// values than #fields names, is an error whose message is the reason a
// bad row gives ("data before the #fields line", "3 fields, #fields has
// 4"); the values split so far come back all the same, for reuse as dst.
func (h *ZeekHeader) Split(line string, dst []string) ([]string, error) {
	if len(h.Fields) == 0 {
		return dst, errZeekNoFields
	}
	f := SplitZeek(line, h.Separator, dst)
	if len(f) != len(h.Fields) {
		return f, fmt.Errorf("%d fields, #fields has %d", len(f), len(h.Fields))
	}
	return f, nil
}

// Value is v, or "" when v is the unset or the empty marker.
func (h *ZeekHeader) Value(v string) string {
	if v == h.Unset || v == h.Empty {
		return ""
	}
	return v
}

// SplitZeek splits a Zeek data line at sep, appending to dst. Zeek escapes
// separators inside values, so there is no quoting.
func SplitZeek(line, sep string, dst []string) []string {
	for {
		i := strings.Index(line, sep)
		if i < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:i])
		line = line[i+len(sep):]
	}
}

// UnescapeZeek decodes the \xHH escapes Zeek writes in #separator.
func UnescapeZeek(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if v, err := strconv.ParseUint(s[i+2:i+4], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
