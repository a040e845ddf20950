package dnsdomain

import (
	"math"
	"strings"

	"github.com/mlctl/mlctl/datasets"
)

// Query types the features count apart; A and other common types are the
// rest. TXT, NULL, CNAME and MX carry a tunnel's downstream data; AAAA
// some beacons'.
const (
	qtTXT = iota
	qtNULL
	qtCNAME
	qtMX
	qtAAAA
	qtOther // not A, AAAA, TXT, NULL, CNAME, MX, nor unknown
	nQTypes
)

func qtypeIndex(t string) int {
	switch strings.ToUpper(t) {
	case "TXT":
		return qtTXT
	case "NULL":
		return qtNULL
	case "CNAME":
		return qtCNAME
	case "MX":
		return qtMX
	case "AAAA":
		return qtAAAA
	case "", "A", "-":
		return -1
	}
	return qtOther
}

// Sketch sizes: distinct names and labels of one window are exact up to
// 256; clients up to 64; a pane's names kept for the long window up to 64.
const (
	kNames   = 256
	kClients = 64
	kLong    = 64
	// maxClientsKept is how many client addresses a window keeps for its
	// alert (the count is the sketch's).
	maxClientsKept = 8
	// longLabel is the length from which a label counts as long: the
	// alphabet fits look at labels this long only.
	longLabel = 8
	// lenBucket is the width of the subdomain-length histogram's buckets.
	lenBucket = 16
)

// timing is the inter-query gap statistics of a run of queries.
type timing struct {
	first, last   int64 // nanoseconds; first == 0 before the first query
	gapSum, gapSq float64
	gaps          int
}

func (t *timing) add(ns int64) {
	if t.first == 0 {
		t.first, t.last = ns, ns
		return
	}
	if ns < t.last { // out of order: no gap is known
		return
	}
	g := float64(ns-t.last) / 1e9
	t.gapSum += g
	t.gapSq += g * g
	t.gaps++
	t.last = ns
}

// merge adds the queries of o, which come after t's (a later pane).
func (t *timing) merge(o *timing) {
	if o.first == 0 {
		return
	}
	if t.first == 0 {
		*t = *o
		return
	}
	if o.first >= t.last {
		g := float64(o.first-t.last) / 1e9
		t.gapSum += g
		t.gapSq += g * g
		t.gaps++
		t.last = o.last
	}
	t.gapSum += o.gapSum
	t.gapSq += o.gapSq
	t.gaps += o.gaps
	if o.last > t.last {
		t.last = o.last
	}
}

// meanCV returns the mean gap in seconds and its coefficient of variation
// (0 without two gaps).
func (t *timing) meanCV() (mean, cv float64) {
	if t.gaps == 0 {
		return 0, 0
	}
	n := float64(t.gaps)
	mean = t.gapSum / n
	if t.gaps < 2 || mean == 0 {
		return mean, 0
	}
	v := t.gapSq/n - mean*mean
	return mean, math.Sqrt(math.Max(v, 0)) / mean
}

// pane is what one domain's queries in one hop (30 s by default) add up
// to, in full: a window's features merge its panes.
type pane struct {
	queries, answered, nx int
	qtypes                [nQTypes]int
	names, labels         distinct
	clients               distinct
	someClients           []string
	subBytes, downBytes   int
	lenHist               [256 / lenBucket]uint32
	subLenMax, labelMax   int
	subLabels, longLabels int
	hexLabels, b32Labels  int
	b64Labels             int
	chars                 [64]uint32
	charsN, digits, upper int
	// nonLDH counts the label bytes other than letters, digits, '-' and
	// '_' (iodine's raw and base128 encodings use every byte).
	nonLDH            int
	timing            timing
	malicious, benign int
	family            string
}

func newPane() *pane {
	return &pane{names: newDistinct(kNames), labels: newDistinct(kNames), clients: newDistinct(kClients)}
}

// reset empties p for reuse, keeping its storage.
func (p *pane) reset() {
	names, labels, clients, some := p.names, p.labels, p.clients, p.someClients[:0]
	names.reset()
	labels.reset()
	clients.reset()
	*p = pane{names: names, labels: labels, clients: clients, someClients: some}
}

// addQuery counts one query: name is its name (any case; hashes are
// case-blind), sub the raw part left of the registrable domain ("" for the
// domain itself).
func (p *pane) addQuery(r *datasets.DNSRecord, name, sub string) {
	p.queries++
	if i := qtypeIndex(r.QType); i >= 0 {
		p.qtypes[i]++
	}
	p.names.add(hashString(name))
	if r.Client != "" {
		p.clients.add(hashString(r.Client))
		if len(p.someClients) < maxClientsKept && !containsString(p.someClients, r.Client) {
			p.someClients = append(p.someClients, r.Client)
		}
	}
	p.timing.add(r.Time.UnixNano())
	n := wireLen(sub)
	p.subBytes += n
	p.lenHist[min(n, 255)/lenBucket]++
	p.subLenMax = max(p.subLenMax, n)
	if sub != "" {
		for rest := sub; ; {
			dot := strings.IndexByte(rest, '.')
			if dot < 0 {
				p.addLabel(rest)
				break
			}
			p.addLabel(rest[:dot])
			rest = rest[dot+1:]
		}
	}
	if r.RCode != "" && !r.Response {
		p.addAnswer(r)
	}
	switch r.Label {
	case 1:
		p.malicious++
		if p.family == "" {
			p.family = r.Family
		}
	case 0:
		p.benign++
	}
}

// addLabel counts one subdomain label: its characters and alphabet fit.
func (p *pane) addLabel(l string) {
	p.subLabels++
	p.labels.add(hashString(l))
	n := wireLen(l)
	p.labelMax = max(p.labelMax, n)
	var lower, upper, digit, b32digit, nonhex, other int
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c == '\\':
			// A byte outside letters, digits and hyphen, escaped in
			// presentation form (\DDD, or \. and the like): one
			// character, as on the wire.
			if i+3 < len(l) && isDigit(l[i+1]) && isDigit(l[i+2]) && isDigit(l[i+3]) {
				i += 3
			} else if i+1 < len(l) {
				i++
			}
			other++
			p.nonLDH++
		case c >= 'a' && c <= 'z':
			lower++
			p.chars[c-'a']++
			if c > 'f' {
				nonhex++
			}
		case c >= 'A' && c <= 'Z':
			upper++
			p.chars[26+c-'A']++
			if c > 'F' {
				nonhex++
			}
		case c >= '0' && c <= '9':
			digit++
			p.chars[52+c-'0']++
			if c >= '2' && c <= '7' {
				b32digit++
			}
		case c == '-':
			p.chars[62]++
			other++
		case c == '_':
			p.chars[63]++
			other++
		default:
			other++
			p.nonLDH++
		}
	}
	p.charsN += lower + upper + digit
	p.digits += digit
	p.upper += upper
	if n < longLabel {
		return
	}
	p.longLabels++
	if digit > 0 && nonhex == 0 && other == 0 {
		p.hexLabels++
	}
	// base32 (RFC 4648): one case, digits 2-7 only.
	if b32digit > 0 && b32digit == digit && other == 0 && (lower == 0 || upper == 0) {
		p.b32Labels++
	}
	// base64 (and base64url): both cases, and a digit or - _.
	if lower > 0 && upper > 0 && (digit > 0 || other > 0) {
		p.b64Labels++
	}
}

// addAnswer counts the answer of a query: its code and size.
func (p *pane) addAnswer(r *datasets.DNSRecord) {
	p.answered++
	if strings.EqualFold(r.RCode, "NXDOMAIN") {
		p.nx++
	}
	p.downBytes += r.ResponseBytes
}

// merge adds o, a later pane of the same domain.
func (p *pane) merge(o *pane) {
	p.queries += o.queries
	p.answered += o.answered
	p.nx += o.nx
	for i := range p.qtypes {
		p.qtypes[i] += o.qtypes[i]
	}
	p.names.merge(&o.names)
	p.labels.merge(&o.labels)
	p.clients.merge(&o.clients)
	for _, c := range o.someClients {
		if len(p.someClients) < maxClientsKept && !containsString(p.someClients, c) {
			p.someClients = append(p.someClients, c)
		}
	}
	p.subBytes += o.subBytes
	p.downBytes += o.downBytes
	for i := range p.lenHist {
		p.lenHist[i] += o.lenHist[i]
	}
	p.subLenMax = max(p.subLenMax, o.subLenMax)
	p.labelMax = max(p.labelMax, o.labelMax)
	p.subLabels += o.subLabels
	p.longLabels += o.longLabels
	p.hexLabels += o.hexLabels
	p.b32Labels += o.b32Labels
	p.b64Labels += o.b64Labels
	for i := range p.chars {
		p.chars[i] += o.chars[i]
	}
	p.charsN += o.charsN
	p.digits += o.digits
	p.upper += o.upper
	p.nonLDH += o.nonLDH
	p.timing.merge(&o.timing)
	p.malicious += o.malicious
	p.benign += o.benign
	if p.family == "" {
		p.family = o.family
	}
}

// light keeps what the long window's features need of one closed pane.
func (p *pane) light(idx int64) *lightPane {
	l := &lightPane{idx: idx, queries: p.queries, answered: p.answered, nx: p.nx, subBytes: p.subBytes, downBytes: p.downBytes,
		subLabels: p.subLabels, longLabels: p.longLabels, encoded: p.hexLabels + p.b32Labels + p.b64Labels,
		tunnelTypes: p.qtypes[qtTXT] + p.qtypes[qtNULL] + p.qtypes[qtCNAME] + p.qtypes[qtMX], timing: p.timing,
		names: newDistinct(kLong), active: 1}
	l.names.merge(&p.names)
	return l
}

// lightPane is a closed pane as the long window sees it.
type lightPane struct {
	idx                   int64
	queries, answered, nx int
	subBytes, downBytes   int
	subLabels, longLabels int
	encoded, tunnelTypes  int
	timing                timing
	names                 distinct
	// active counts the panes merged in.
	active int
}

func (l *lightPane) merge(o *lightPane) {
	l.queries += o.queries
	l.answered += o.answered
	l.nx += o.nx
	l.subBytes += o.subBytes
	l.downBytes += o.downBytes
	l.subLabels += o.subLabels
	l.longLabels += o.longLabels
	l.encoded += o.encoded
	l.tunnelTypes += o.tunnelTypes
	l.timing.merge(&o.timing)
	l.names.merge(&o.names)
	l.active += o.active
}

// wireLen is the length on the wire of a name or label in presentation
// form: an escape (\DDD, \X) is one byte.
func wireLen(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
				i += 3
			} else if i+1 < len(s) {
				i++
			}
		}
		n++
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func containsString(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
