package datasets

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Input is what the rows of a dataset kind hold and how the readers find
// and clean it: domain names (kind dga) or TXT records (kind txt).
type Input struct {
	// Field names the input in bad-row reports and errors: "domain", "txt".
	Field string
	// Headers are the column names (JSON keys) tried in order when no
	// column is named.
	Headers []string
	// Normalise cleans one value, or says why it cannot be used.
	Normalise func(string) (string, error)
	// ZeekQtype, when set, keeps only the dns.log lines of that query type
	// (qtype_name) and reads each of their answers as one value; the other
	// lines are counted in Read.Skipped.
	ZeekQtype string
}

// Domains are the inputs of dga datasets.
var Domains = &Input{Field: "domain", Headers: domainHeaders, Normalise: NormaliseDomain}

// TXTRecords are the inputs of txt datasets: a table's txt column, or the
// TXT answers of a Zeek dns.log.
var TXTRecords = &Input{Field: "txt", Headers: []string{"txt", "text", "record", "answers"}, Normalise: NormaliseTXT, ZeekQtype: "TXT"}

// MaxTXTLength is the longest TXT record accepted, in bytes: what one DNS
// message can carry.
const MaxTXTLength = 65535

// zeekTXTPrefix is how Zeek writes each string of a TXT answer:
// "TXT <length> <string>", several strings joined by a space.
var zeekTXTPrefix = regexp.MustCompile(`^TXT ([0-9]+)( |$)`)

// IsZeekTXT reports whether a Zeek dns.log answer is a TXT record (and
// not, say, the CNAME a TXT query went through).
func IsZeekTXT(answer string) bool { return zeekTXTPrefix.MatchString(strings.TrimSpace(answer)) }

// unzeekTXT turns Zeek's "TXT 3 abc TXT 2 de" into the record's strings
// concatenated ("abcde"), as SPF and DKIM read a TXT record; text that is
// not in that form is returned as it is.
func unzeekTXT(s string) string {
	var b strings.Builder
	rest := s
	for {
		m := zeekTXTPrefix.FindStringSubmatchIndex(rest)
		if m == nil {
			break
		}
		n, err := strconv.Atoi(rest[m[2]:m[3]])
		body := rest[m[1]:]
		if err != nil || n > len(body) {
			// The length does not fit (a rewritten log): keep the rest.
			b.WriteString(body)
			return b.String()
		}
		b.WriteString(body[:n])
		rest = body[n:]
		if !strings.HasPrefix(rest, " TXT ") {
			b.WriteString(rest)
			return b.String()
		}
		rest = rest[1:]
	}
	if b.Len() == 0 {
		return s
	}
	return b.String() + rest
}

// NormaliseTXT cleans one TXT record: surrounding white space trimmed,
// Zeek's "TXT <n> " answer form undone (the strings of a multi-string
// record concatenated); empty, over MaxTXTLength bytes or not UTF-8 is an
// error. Everything else (quotes, case, inner spaces) is kept: the
// tokenizer decides what it means.
func NormaliseTXT(s string) (string, error) {
	s = strings.TrimSpace(unzeekTXT(strings.TrimSpace(s)))
	switch {
	case s == "":
		return "", &BadName{Name: s, Reason: "empty"}
	case len(s) > MaxTXTLength:
		return "", &BadName{Name: s, Reason: fmt.Sprintf("over %d bytes", MaxTXTLength)}
	case !utf8.ValidString(s):
		return "", &BadName{Name: s, Reason: "not UTF-8"}
	}
	return s, nil
}

// input is the options' input kind, domain names by default.
func (o ReadOptions) input() *Input {
	if o.Input == nil {
		return Domains
	}
	return o.Input
}
