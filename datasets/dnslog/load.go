package dnslog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// formatKeys and ruleKeys are the keys a format file may hold, at its top
// and in each of its lines.
var (
	formatKeys = []string{"name", "description", "base", "time_layouts", "time_zone", "name_encoding", "join_window", "unmatched", "lines", "regex", "separator", "fields"}
	ruleKeys   = []string{"kind", "description", "regex", "separator", "fields", "answer_rcodes", "default_rcode", "placeholder_names"}
)

// Load reads a format file: one JSON object with the keys of Format (see
// the README's "DNS log formats"). It is strict: an unknown key, a value
// of the wrong type, a second object or a format that does not validate is
// an error naming the file, the line and the key. "base" names a preset the
// file starts from: its keys replace the preset's. A file without "name"
// is named after the file.
func Load(path string) (*Format, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dns log format: %w", err)
	}
	return Decode(data, path)
}

// Decode is Load on a file's bytes; file names it in errors.
func Decode(data []byte, file string) (*Format, error) {
	keys, base, err := scanKeys(data, file)
	if err != nil {
		return nil, err
	}
	f := &Format{}
	if base != "" {
		b, ok, err := preset(base)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &ValidationError{File: file, Line: lineAt(data, keys["base"]), Key: "base",
				Reason: fmt.Sprintf("%q is not a preset (presets: %s)", base, strings.Join(Presets(), ", "))}
		}
		f = b
		// The file's name, time layouts and rules replace the preset's.
		f.Name = ""
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		return nil, decodeError(data, file, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ValidationError{File: file, Line: lineAt(data, int(dec.InputOffset())), Reason: "more after the format's closing brace: want one JSON object"}
	}
	if f.Name == "" {
		f.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	if err := f.Validate(); err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.File = file
			ve.Key = shorthandKey(keys, ve.Key)
			ve.Line = lineAt(data, keyOffset(keys, ve.Key))
		}
		return nil, err
	}
	return f, nil
}

// decodeError places a json error in the file.
func decodeError(data []byte, file string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &ValidationError{File: file, Line: lineAt(data, int(se.Offset)), Reason: "not JSON: " + se.Error()}
	case errors.As(err, &te):
		return &ValidationError{File: file, Line: lineAt(data, int(te.Offset)), Key: te.Field,
			Reason: fmt.Sprintf("a JSON %s, want a %s", te.Value, jsonKind(te.Type.String()))}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &ValidationError{File: file, Line: lineAt(data, len(data)), Reason: "not JSON: the file ends before the format does"}
	}
	return &ValidationError{File: file, Reason: err.Error()}
}

// jsonKind says a Go type as JSON calls it.
func jsonKind(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "list"
	case strings.HasPrefix(goType, "map["), strings.Contains(goType, "Rule"), strings.Contains(goType, "Format"):
		return "object"
	}
	return goType
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	if off < 0 {
		return 0
	}
	off = min(off, len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// shorthandKey names key as the file does: a one-rule format's rule is
// lines[0] once validated, but its file has regex (or separator and
// fields) at the top.
func shorthandKey(keys map[string]int, key string) string {
	_, lines := keys["lines"]
	if lines || !strings.HasPrefix(key, "lines[0]") {
		return key
	}
	if rest := strings.TrimPrefix(key, "lines[0]."); rest != key {
		return rest
	}
	for _, k := range []string{"regex", "fields", "separator"} {
		if _, ok := keys[k]; ok {
			return k
		}
	}
	return ""
}

// keyOffset finds where key ("lines[2].regex") is in the file, or the
// nearest key above it; -1 when none is.
func keyOffset(keys map[string]int, key string) int {
	for key != "" {
		if off, ok := keys[key]; ok {
			return off
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return -1
}

// scanKeys walks the file's JSON tokens: it checks every key against the
// keys its object may hold (an unknown key is an error naming its line),
// and returns where each key is ("lines[2].regex" → byte offset) and the
// value of "base".
func scanKeys(data []byte, file string) (map[string]int, string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	keys := map[string]int{}
	base := ""
	// frame is an open object or array: its path, the keys allowed (an
	// object; nil allows any), the next key or element index.
	type frame struct {
		object  bool
		path    string
		allowed []string
		key     string
		wantKey bool
		index   int
	}
	var stack []*frame
	child := func(top *frame) string {
		if top == nil {
			return ""
		}
		if top.object {
			if top.path == "" {
				return top.key
			}
			return top.path + "." + top.key
		}
		p := fmt.Sprintf("%s[%d]", top.path, top.index)
		top.index++
		return p
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return keys, base, nil
		}
		if err != nil {
			return nil, "", decodeError(data, file, err)
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.wantKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			k := tok.(string)
			path := k
			if top.path != "" {
				path = top.path + "." + k
			}
			if top.allowed != nil && !slices.Contains(top.allowed, k) {
				return nil, "", &ValidationError{File: file, Line: lineAt(data, int(dec.InputOffset())-1), Key: path,
					Reason: fmt.Sprintf("unknown key (want %s)", strings.Join(top.allowed, ", "))}
			}
			keys[path] = int(dec.InputOffset()) - 1
			top.key, top.wantKey = k, false
			continue
		}
		path := child(top)
		if top != nil && top.object {
			top.wantKey = true
		}
		switch tok := tok.(type) {
		case json.Delim:
			if path != "" && (tok == '{' || tok == '[') {
				keys[path] = int(dec.InputOffset()) - 1
			}
			switch tok {
			case '{':
				var allowed []string
				switch {
				case top == nil:
					allowed = formatKeys
				case strings.HasPrefix(path, "lines[") && !strings.Contains(path, "."):
					allowed = ruleKeys
				}
				stack = append(stack, &frame{object: true, path: path, allowed: allowed, wantKey: true})
			case '[':
				stack = append(stack, &frame{path: path})
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if path == "base" {
				base = tok
			}
		}
	}
}
