package datasets

import (
	"fmt"
	"unicode/utf8"
)

// maxValueBytes bounds BadRow.Value so a huge bad line costs little memory.
const maxValueBytes = 64

// BadRow is one input line that was not turned into a Row, with enough
// context for the person who supplied the file to find and fix it.
type BadRow struct {
	// File is the path the line came from.
	File string `json:"file"`
	// Line is the 1-based line number in File.
	Line int `json:"line"`
	// Field names the column at fault ("domain", "label", "rank") or "line"
	// when the line as a whole could not be split.
	Field string `json:"field"`
	// Reason says what is wrong, e.g. "label over 63 characters".
	Reason string `json:"reason"`
	// Value is the offending value, cut to 64 bytes and marked with "…".
	Value string `json:"value,omitempty"`
}

// String renders the bad row as `file:line: field: reason: "value"`.
func (b BadRow) String() string {
	if b.Value == "" {
		return fmt.Sprintf("%s:%d: %s: %s", b.File, b.Line, b.Field, b.Reason)
	}
	return fmt.Sprintf("%s:%d: %s: %s: %q", b.File, b.Line, b.Field, b.Reason, b.Value)
}

// shorten cuts s to at most maxValueBytes on a rune boundary, marking the cut.
func shorten(s string) string {
	if len(s) <= maxValueBytes {
		return s
	}
	cut := maxValueBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
