package dnsdomain

import (
	"math"
	"slices"
)

// The feature set's name, as artifacts record it, and its version: a
// change to what a feature means or to the list bumps the version, and a
// model trained on another version is refused.
const (
	SetName    = "dns-domain"
	SetVersion = 1
)

// windowNames are the features of the unit's own window (60 s by default).
var windowNames = []string{
	"queries",             // queries for the domain
	"distinct_names",      // distinct query names
	"distinct_labels",     // distinct labels left of the registrable domain
	"unique_ratio",        // distinct names / queries: a tunnel never repeats a name
	"clients",             // distinct client addresses
	"queries_per_client",  // queries / clients: a tunnel's client asks all of them; look-alikes spread over many
	"bytes_up_per_client", // bytes_up / clients
	"sub_len_mean",        // length of the part left of the registrable domain, mean over queries
	"sub_len_max",         // … longest
	"sub_len_p95",         // … 95th percentile (histogram of 16-character buckets)
	"label_len_max",       // longest label
	"sub_labels_mean",     // labels left of the registrable domain, per query
	"char_entropy",        // Shannon entropy (bits) of those labels' characters, pooled
	"long_label_share",    // labels of 8 or more characters / labels
	"hex_fit",             // long labels all hex with a digit / long labels
	"base32_fit",          // long labels of one case from RFC 4648's base32 alphabet with a digit / long labels
	"base64_fit",          // long labels with both cases and a digit, '-' or '_' / long labels
	"digit_share",         // digits / letters and digits
	"upper_share",         // upper-case letters / letters and digits (DNS is case-blind; encoders are not)
	"nonldh_share",        // bytes other than letters, digits, '-' and '_' / label bytes: raw and base128 encodings
	"txt_share",           // TXT queries / queries
	"null_share",          // NULL queries / queries
	"cname_share",         // CNAME queries / queries
	"mx_share",            // MX queries / queries
	"aaaa_share",          // AAAA queries / queries
	"other_qtype_share",   // queries of other types than A, AAAA, TXT, NULL, CNAME, MX / queries
	"answered_share",      // answers seen / queries
	"nxdomain_share",      // NXDOMAIN answers / answers seen
	"bytes_up",            // bytes of the query names left of the registrable domain: what a tunnel sends
	"bytes_down",          // bytes of the responses, where the source gives their size (dnstap)
	"gap_mean",            // mean seconds between queries
	"gap_cv",              // their coefficient of variation: a beacon's is small
}

// longNames are the features of the long window (10 min by default) that
// ends with the unit's: low-and-slow tunnels show there.
var longNames = []string{
	"queries_long",
	"distinct_names_long",
	"unique_ratio_long",
	"bytes_up_long",
	"bytes_down_long",
	"long_label_share_long",
	"encoded_share_long", // long labels fitting hex, base32 or base64 / long labels
	"tunnel_qtype_share_long",
	"nxdomain_share_long",
	"active_share_long", // panes with queries / panes of the long window
	"gap_mean_long",
	"gap_cv_long",
}

// Names returns the features in the order of a unit's Values.
func Names() []string { return slices.Concat(windowNames, longNames) }

// ratio is a/b, 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// extract writes the features of a window (w, its panes merged) and its
// long window (l, spanning panes panes) into dst.
func extract(w *pane, l *lightPane, panes int, dst []float64) {
	q := float64(w.queries)
	names := math.Min(w.names.count(), q) // an estimate never above the exact bound
	mean, cv := w.timing.meanCV()
	long := float64(w.longLabels)
	v := dst[:0]
	clients := math.Min(w.clients.count(), q)
	v = append(v,
		q, names, math.Min(w.labels.count(), float64(w.subLabels)), ratio(names, q), clients,
		ratio(q, math.Max(clients, 1)), ratio(float64(w.subBytes), math.Max(clients, 1)),
		ratio(float64(w.subBytes), q), float64(w.subLenMax), w.p95(), float64(w.labelMax), ratio(float64(w.subLabels), q),
		w.entropy(), ratio(long, float64(w.subLabels)),
		ratio(float64(w.hexLabels), long), ratio(float64(w.b32Labels), long), ratio(float64(w.b64Labels), long),
		ratio(float64(w.digits), float64(w.charsN)), ratio(float64(w.upper), float64(w.charsN)),
		ratio(float64(w.nonLDH), float64(w.charsN+w.nonLDH)),
	)
	for i := range nQTypes {
		v = append(v, ratio(float64(w.qtypes[i]), q))
	}
	v = append(v, ratio(float64(w.answered), q), ratio(float64(w.nx), float64(w.answered)),
		float64(w.subBytes), float64(w.downBytes), mean, cv)
	lq := float64(l.queries)
	lnames := math.Min(l.names.count(), lq)
	lmean, lcv := l.timing.meanCV()
	v = append(v, lq, lnames, ratio(lnames, lq), float64(l.subBytes), float64(l.downBytes),
		ratio(float64(l.longLabels), float64(l.subLabels)), ratio(float64(l.encoded), float64(l.longLabels)),
		ratio(float64(l.tunnelTypes), lq), ratio(float64(l.nx), float64(l.answered)),
		ratio(float64(l.active), float64(panes)), lmean, lcv)
	_ = v
}

// p95 is the 95th percentile of the subdomain length, interpolated within
// its histogram bucket and capped at the longest seen.
func (p *pane) p95() float64 {
	if p.queries == 0 {
		return 0
	}
	target := 0.95 * float64(p.queries)
	seen := 0.0
	for i, n := range p.lenHist {
		if n == 0 {
			continue
		}
		if seen+float64(n) >= target {
			at := float64(i*lenBucket) + lenBucket*(target-seen)/float64(n)
			return math.Min(at, float64(p.subLenMax))
		}
		seen += float64(n)
	}
	return float64(p.subLenMax)
}

// entropy is the Shannon entropy in bits of the pooled label characters.
func (p *pane) entropy() float64 {
	total := 0.0
	for _, n := range p.chars {
		total += float64(n)
	}
	if total == 0 {
		return 0
	}
	h := 0.0
	for _, n := range p.chars {
		if n > 0 {
			f := float64(n) / total
			h -= f * math.Log2(f)
		}
	}
	return h
}
