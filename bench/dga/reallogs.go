package dga

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/serving"
)

// LogName is a distinct name of a real log: Label 0 benign, 1 DGA; QType
// and RCode as the log saw it asked and answered. Name is normalised
// (datasets.NormaliseDomain), or as the log has it when NotDomain (the
// normalisation refuses it: `*._domainkey.x.org`).
type LogName struct {
	Name      string `json:"name"`
	Label     int    `json:"label"`
	NotDomain bool   `json:"not_domain,omitempty"`
	LogQuery
}

// LogSource is the distinct names of one real log.
type LogSource struct {
	Source string `json:"source"`
	// Names are distinct and labeled, sorted.
	Names []LogName `json:"-"`
	// Unlabeled counts names left out: asked but never answered, or
	// answered with more than one response code, or with one that is
	// neither NOERROR nor NXDOMAIN.
	Unlabeled int `json:"unlabeled"`
	// Labeling says how the names were labeled.
	Labeling string `json:"labeling"`
}

// Count returns how many names have the label.
func (s LogSource) Count(label int) int {
	n := 0
	for _, l := range s.Names {
		if l.Label == label {
			n++
		}
	}
	return n
}

// LoopbackSource reads the loopback-unbound capture (a real unbound
// answering benign names from local-data and DGA names NXDOMAIN from a
// static root zone) and labels each distinct question name by the
// response code unbound answered it with (LabelByRCode).
func LoopbackSource(path string) (LogSource, error) {
	msgs, bad, err := serving.ReadDnstapFile(path)
	if err != nil {
		return LogSource{}, err
	}
	if len(bad) > 0 {
		return LogSource{}, fmt.Errorf("dnstap capture %s: %s", path, bad[0])
	}
	names, unlabeled := LabelByRCode(msgs)
	return LogSource{Source: "loopback-unbound", Names: names, Unlabeled: unlabeled,
		Labeling: "response code in the capture: NOERROR benign, NXDOMAIN DGA"}, nil
}

// LabelByRCode labels the distinct question names of the client responses
// among msgs: NOERROR benign (0), NXDOMAIN DGA (1). A name asked but never
// answered, answered with both codes or with another one is counted
// unlabeled. Names are normalised (those that are not domain names are
// kept as asked, marked NotDomain) and sorted.
func LabelByRCode(msgs []datasets.DNSRecord) (names []LogName, unlabeled int) {
	type seen struct {
		rcodes    map[string]bool
		qtype     string
		notDomain bool
	}
	by := map[string]*seen{}
	for _, m := range msgs {
		n, err := datasets.NormaliseDomain(m.Name)
		if err != nil {
			n = m.Name
		}
		s := by[n]
		if s == nil {
			s = &seen{rcodes: map[string]bool{}, qtype: m.QType, notDomain: err != nil}
			by[n] = s
		}
		if m.Response {
			s.rcodes[m.RCode] = true
		}
	}
	for n, s := range by {
		label := -1
		if len(s.rcodes) == 1 {
			switch {
			case s.rcodes["NOERROR"]:
				label = 0
			case s.rcodes["NXDOMAIN"]:
				label = 1
			}
		}
		if label < 0 {
			unlabeled++
			continue
		}
		rcode := "NOERROR"
		if label == 1 {
			rcode = "NXDOMAIN"
		}
		names = append(names, LogName{Name: n, Label: label, NotDomain: s.notDomain, LogQuery: LogQuery{Name: n, QType: s.qtype, RCode: rcode}})
	}
	slices.SortFunc(names, func(a, b LogName) int { return strings.Compare(a.Name, b.Name) })
	return names, unlabeled
}

// RITASource reads the distinct `host` values of a Zeek http.log (gzip or
// plain TSV): the web servers an internet-facing host talked to, benign.
// A port is cut off; IP literals and unset hosts are left out.
func RITASource(path string) (LogSource, error) {
	f, err := os.Open(path)
	if err != nil {
		return LogSource{}, fmt.Errorf("http.log: %w", err)
	}
	defer f.Close()
	var r = bufio.NewReader(f)
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			return LogSource{}, fmt.Errorf("http.log %s: %w", path, err)
		}
		defer z.Close()
		r = bufio.NewReader(z)
	}
	src := LogSource{Source: "rita-http", Labeling: "http.log host values of an internet-facing host: benign"}
	header, col := datasets.NewZeekHeader(), -1
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			if header.Read(line) == datasets.ZeekFields {
				col = slices.Index(header.Fields, "host")
			}
			continue
		}
		if col < 0 {
			continue
		}
		f := datasets.SplitZeek(line, header.Separator, nil)
		if col >= len(f) {
			continue
		}
		host, ok := HTTPHost(f[col])
		if !ok || seen[host] {
			continue
		}
		seen[host] = true
		n, err := datasets.NormaliseDomain(host)
		if err != nil {
			n = host
		}
		src.Names = append(src.Names, LogName{Name: n, Label: 0, NotDomain: err != nil, LogQuery: LogQuery{Name: n, QType: "A", RCode: "NOERROR"}})
	}
	if err := sc.Err(); err != nil {
		return LogSource{}, fmt.Errorf("http.log %s: %w", path, err)
	}
	if col < 0 {
		return LogSource{}, fmt.Errorf("http.log %s: no #fields line with a host column", path)
	}
	slices.SortFunc(src.Names, func(a, b LogName) int { return strings.Compare(a.Name, b.Name) })
	src.Names = slices.CompactFunc(src.Names, func(a, b LogName) bool { return a.Name == b.Name })
	return src, nil
}

// HTTPHost is the host name of an HTTP Host value: the port cut off,
// false for an IP literal or an unset value ("-", "(empty)", "").
func HTTPHost(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if v == "" || v == "-" || v == "(empty)" {
		return "", false
	}
	if h, _, err := net.SplitHostPort(v); err == nil {
		v = h
	}
	v = strings.Trim(v, "[]")
	if net.ParseIP(v) != nil {
		return "", false
	}
	return v, true
}
