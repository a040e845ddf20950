package tokens

import (
	"bytes"
	"unicode/utf8"
)

// notebookReplacements are the str.replace calls of the TXT notebook's
// remove_spaces_key_value, in the order it makes them. Each is one pass
// over the whole text, so their order matters: "a  = b" becomes "a =b"
// after the first and "a=b" after the second.
var notebookReplacements = [...]struct{ old, new string }{
	{" = ", "="}, {" =", "="}, {"= ", "="},
	{" - ", "-"}, {" -", "-"}, {"- ", "-"},
	{" : ", ":"}, {": ", ":"}, {" :", ":"},
}

// appendNotebookCleaned appends record to dst with the TXT notebook's replacements
// made and its quotes (" and ') removed; lower-casing, the last step of its
// preprocess_text, is left to the caller. All of these are ASCII, so working
// on UTF-8 bytes gives what Python's str methods give on characters.
func appendNotebookCleaned(dst []byte, record string) []byte {
	start := len(dst)
	dst = append(dst, record...)
	text := dst[start:]
	for _, r := range notebookReplacements {
		text = replaceInPlace(text, r.old, r.new)
	}
	text = removeQuotes(text)
	return dst[:start+len(text)]
}

// replaceInPlace is Python's text.replace(old, new) for an old longer than
// new: every non-overlapping occurrence, left to right, in one pass.
func replaceInPlace(text []byte, old, new string) []byte {
	i := bytes.Index(text, []byte(old))
	if i < 0 {
		return text
	}
	w := i
	for i >= 0 {
		w += copy(text[w:], new)
		r := i + len(old)
		next := bytes.Index(text[r:], []byte(old))
		end := len(text)
		if next >= 0 {
			end = r + next
		}
		w += copy(text[w:], text[r:end])
		if next < 0 {
			break
		}
		i = end
	}
	return text[:w]
}

// removeQuotes deletes every " and ' of text in place.
func removeQuotes(text []byte) []byte {
	w := 0
	for _, c := range text {
		if c != '"' && c != '\'' {
			text[w] = c
			w++
		}
	}
	return text[:w]
}

// PreprocessTXT is the TXT notebook's preprocess_text: spaces around '=', '-' and
// ':' removed as remove_spaces_key_value removes them, quotes removed,
// then Python's str.lower(). A byte that is not valid UTF-8 becomes U+FFFD.
// TXT.Encode does the same work without allocating; this form is for
// inspection and tests.
func PreprocessTXT(record string) string {
	text := appendNotebookCleaned(nil, record)
	out := make([]byte, 0, len(text))
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRune(text[i:])
		out = appendPyLower(out, r, text, i, i+n)
		i += n
	}
	return string(out)
}
