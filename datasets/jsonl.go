package datasets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// jsonlParser reads one JSON object a line (JSON Lines, Zeek JSON logs).
// Keys are matched without regard to case.
type jsonlParser struct {
	file string
	// domainKeys are the keys tried for the name, in order.
	domainKeys    []string
	field         string // the input's name in bad rows: domain, txt
	labelKey      string
	familyKey     string
	defaultLabel  *int
	defaultFamily string
	// labeled is set once a line has a label key.
	labeled bool
}

func newJSONLParser(file string, opt ReadOptions) *jsonlParser {
	p := &jsonlParser{
		file:          file,
		domainKeys:    opt.input().Headers,
		field:         opt.input().Field,
		labelKey:      strings.ToLower(or(opt.LabelColumn, "label")),
		familyKey:     strings.ToLower(or(opt.FamilyColumn, "family")),
		defaultFamily: normaliseFamily(opt.Family),
	}
	if opt.Column != "" {
		p.domainKeys = []string{strings.ToLower(opt.Column)}
	}
	if opt.Label != nil {
		l := *opt.Label
		p.defaultLabel = &l
	}
	return p
}

func (p *jsonlParser) format() string { return FormatJSONL }

func (p *jsonlParser) parse(c *collector, line string, n int) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &obj); err != nil || obj == nil {
		reason := "not a json object"
		if _, ok := err.(*json.SyntaxError); ok {
			reason = "invalid json: " + err.Error()
		}
		c.bad(n, "line", reason, line)
		return
	}
	keys := make(map[string]json.RawMessage, len(obj))
	for k, v := range obj {
		keys[strings.ToLower(k)] = v
	}
	var raw json.RawMessage
	var key string
	for _, k := range p.domainKeys {
		if v, ok := keys[k]; ok {
			raw, key = v, k
			break
		}
	}
	if key == "" {
		c.bad(n, p.field, "no "+orList(p.domainKeys)+" key", line)
		return
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil || isNull(raw) {
		c.bad(n, p.field, fmt.Sprintf("%q is not a string", key), string(raw))
		return
	}
	label, ok := p.label(c, keys, n)
	if !ok {
		return
	}
	family := p.defaultFamily
	if v, ok := keys[p.familyKey]; ok && !isNull(v) {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			c.bad(n, "family", "not a string", string(v))
			return
		}
		if s = normaliseFamily(s); s != "" {
			family = s
		}
	}
	addName(c, strings.TrimSpace(name), label, family, n)
}

// label reads the label of one object: a number 0 or 1, a bool, or a
// string as ParseLabel reads it; without a label key, the default label.
func (p *jsonlParser) label(c *collector, keys map[string]json.RawMessage, n int) (int, bool) {
	v, ok := keys[p.labelKey]
	if !ok {
		if p.defaultLabel == nil {
			c.bad(n, "label", "no "+fmt.Sprintf("%q", p.labelKey)+" key and no label given", "")
			return 0, false
		}
		return *p.defaultLabel, true
	}
	p.labeled = true
	var x any
	if err := json.Unmarshal(v, &x); err != nil {
		c.bad(n, "label", "not a label", string(v))
		return 0, false
	}
	switch x := x.(type) {
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case float64:
		if x == 0 || x == 1 {
			return int(x), true
		}
		c.bad(n, "label", "number not 0 or 1", string(v))
		return 0, false
	case string:
		if l, ok := ParseLabel(x); ok {
			return l, true
		}
		c.bad(n, "label", "empty", "")
		return 0, false
	case nil:
		c.bad(n, "label", "empty", "")
		return 0, false
	}
	c.bad(n, "label", "not a number, bool or string", string(v))
	return 0, false
}

// end refuses a file in which no line had a label and no label was given.
func (p *jsonlParser) end(c *collector) error {
	if !p.labeled && p.defaultLabel == nil && c.read.Lines > 0 {
		return &FormatError{File: p.file, Reason: noLabelReason}
	}
	return nil
}

// orList renders names as "a", "b" or "c".
func orList(names []string) string {
	q := quoteList(names)
	if i := strings.LastIndex(q, ", "); i >= 0 {
		q = q[:i] + " or " + q[i+2:]
	}
	return q
}

// isNull reports whether raw is the JSON null.
func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }
