package datasets

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// DomainLabels labels registrable domains (and every name under them) for
// dns-domain datasets: a window of a listed domain takes its label and
// family, whatever the log says.
type DomainLabels struct {
	by map[string]domainLabel
}

type domainLabel struct {
	label  int
	family string
}

// Add labels domain (lower-cased, outer dots dropped) and the names under it.
func (l *DomainLabels) Add(domain string, label int, family string) {
	if l.by == nil {
		l.by = map[string]domainLabel{}
	}
	l.by[strings.Trim(strings.ToLower(domain), ".")] = domainLabel{label, family}
}

// Len is how many domains are labeled.
func (l *DomainLabels) Len() int { return len(l.by) }

// Lookup returns the label and family of domain, or of the nearest listed
// domain it is under; ok is false when none is listed.
func (l *DomainLabels) Lookup(domain string) (label int, family string, ok bool) {
	for d := domain; d != ""; {
		if v, found := l.by[d]; found {
			return v.label, v.family, true
		}
		dot := strings.IndexByte(d, '.')
		if dot < 0 {
			break
		}
		d = d[dot+1:]
	}
	return 0, "", false
}

// ReadDomainLabels reads a label file: one domain a line, optionally
// followed (after a comma, tab or spaces) by its label (0/1, benign or
// anything malicious, as ParseLabel reads it; default 1) and its family.
// Empty lines and # comments are skipped. A bad line is an error naming
// the file, line and field.
func ReadDomainLabels(path string, into *DomainLabels) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("label file: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '\t' || r == ' ' })
		domain := strings.Trim(strings.ToLower(fields[0]), ".")
		if n == 1 && (domain == "domain" || domain == "name") {
			continue // a header
		}
		if !strings.Contains(domain, ".") {
			return fmt.Errorf("%s", BadRow{File: path, Line: n, Field: "domain", Reason: "not a domain name (no dot)", Value: shorten(fields[0])})
		}
		label, family := 1, ""
		if len(fields) > 1 {
			l, ok := ParseLabel(fields[1])
			if !ok {
				return fmt.Errorf("%s", BadRow{File: path, Line: n, Field: "label", Reason: "want 0 (benign) or 1 (malicious)", Value: shorten(fields[1])})
			}
			label = l
		}
		if len(fields) > 2 {
			family = fields[2]
		}
		into.Add(domain, label, family)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("label file %s: line %d: %w", path, n+1, err)
	}
	return nil
}
