package txtbench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/mlctl/mlctl/datasets/txtgen"
)

// Files of the real TXT corpora under the shared data folder.
const (
	zoneFile   = "txt/zone_txt_records.tsv"   // header source, name, txt
	tunnelFile = "txt/dns2tcp_tunnel_txt.tsv" // no header: ts, qname, txt
)

// Sources of the real records.
const (
	SourceZone    = "zone"    // zone_txt_records.tsv
	SourceDns2tcp = "dns2tcp" // dns2tcp_tunnel_txt.tsv
)

// Corpus is the real data: distinct zone records, each with the benign
// group of its kind, and distinct dns2tcp answers, in file order.
type Corpus struct {
	Zone    []Example
	Dns2tcp []Example
}

// ReadCorpus reads the real TXT corpora under dir (the shared data
// folder). Repeated texts are kept once, as datasets' ingest keeps them.
func ReadCorpus(dir string) (Corpus, error) {
	zone, err := readTXTColumn(filepath.Join(dir, zoneFile), true)
	if err != nil {
		return Corpus{}, err
	}
	tunnel, err := readTXTColumn(filepath.Join(dir, tunnelFile), false)
	if err != nil {
		return Corpus{}, err
	}
	var c Corpus
	for _, t := range distinct(zone) {
		c.Zone = append(c.Zone, Example{Text: t, Label: txtgen.Benign, Source: SourceZone, Group: ZoneGroup(t), Real: true})
	}
	for _, t := range distinct(tunnel) {
		c.Dns2tcp = append(c.Dns2tcp, Example{Text: t, Label: txtgen.Tunnel, Source: SourceDns2tcp, Group: SourceDns2tcp, Real: true})
	}
	return c, nil
}

// distinct returns texts without repeats, in first-seen order.
func distinct(texts []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range texts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// keyToken is "key=token", "key:token" or "key_token" with a key of
// letters, digits, dots and dashes: site and domain verification.
var keyToken = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*(=|: ?|_)\S+$`)

// ZoneGroup is the benign group (txtgen's) of a real zone record's kind:
// mail policy, DKIM key, verification token or anything else.
func ZoneGroup(text string) string {
	t := strings.ToLower(strings.TrimSpace(text))
	switch {
	case hasAnyPrefix(t, "v=spf1", "spf2.0/", "v=dmarc1", "v=stsv1", "v=tlsrptv1", "v=bimi1"):
		return txtgen.GroupMail
	case hasAnyPrefix(t, "v=dkim1", "k=rsa", "k=ed25519", "p=mi"):
		return txtgen.GroupDKIM
	case keyToken.MatchString(text) || strings.Contains(t, "verif"):
		return txtgen.GroupVerification
	}
	return txtgen.GroupOther
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(s, p) })
}

// readTXTColumn returns the txt column of a shared TSV file: the column
// its header names txt, or the third of a headerless ts, qname, txt file.
func readTXTColumn(path string, header bool) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("txtbench: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	col, cols := 2, 3
	var out []string
	for line := 1; sc.Scan(); line++ {
		fields := strings.Split(sc.Text(), "\t")
		if header && line == 1 {
			if col = slices.Index(fields, "txt"); col < 0 {
				return nil, fmt.Errorf("txtbench: %s: no txt column in header %q", path, fields)
			}
			cols = len(fields)
			continue
		}
		if len(fields) != cols {
			return nil, fmt.Errorf("txtbench: %s:%d: %d fields, want %d", path, line, len(fields), cols)
		}
		if fields[col] != "" {
			out = append(out, fields[col])
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("txtbench: %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("txtbench: %s holds no records", path)
	}
	return out, nil
}
