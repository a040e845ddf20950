package tunnelbench

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/tunnelgen"
	"github.com/mlctl/mlctl/features/dnsdomain"
	"github.com/mlctl/mlctl/serving"
)

// Corpus is the benchmark's windows and where they came from.
type Corpus struct {
	Windows []Window
	// Queries counts the records behind them, by source.
	Queries map[string]int
}

// add turns records into windows; source names the windows of a domain
// (its records' family, or fallback), label says which are a tunnel's.
func (c *Corpus) add(recs []datasets.DNSRecord, real bool, fallback string, tunnel func(domain string) bool) error {
	src := map[string]string{}
	for _, r := range recs {
		d, _, ok := dnsdomain.Split(r.Name)
		if !ok {
			continue
		}
		if _, seen := src[d]; !seen {
			s := r.Family
			if s == "" {
				s = fallback
			}
			src[d] = s
		}
		c.Queries[src[d]]++
	}
	units, _, err := dnsdomain.Windows(recs, dnsdomain.Config{})
	if err != nil {
		return err
	}
	for _, u := range units {
		l := 0
		if tunnel(u.Domain) {
			l = 1
		}
		c.Windows = append(c.Windows, Window{Unit: u, Source: src[u.Domain], Label: l, Real: real})
	}
	return nil
}

// Options say what the corpus is made of.
type Options struct {
	// Data is the shared corpora's directory (Umbrella hostnames feed the
	// generated browsing; loopback-unbound's capture is real benign
	// traffic); a missing file is left out.
	Data string
	// Captures holds iodine.dnstap and dns2tcp.dnstap (deploy/tunnels
	// capture.sh); missing ones are left out.
	Captures string
	// Networks is how many generated networks of an hour (seeds 1..N).
	Networks int
	// BrowsingRate is the generated browsing's queries a second.
	BrowsingRate float64
}

// Build makes the corpus: generated networks (every tool, benign
// look-alikes, browsing of Umbrella's hostnames), the real tunnels, and the
// real benign capture.
func Build(o Options) (*Corpus, error) {
	c := &Corpus{Queries: map[string]int{}}
	hosts := readHosts(filepath.Join(o.Data, "benign", "umbrella-top-100k.txt"))
	for seed := 1; seed <= o.Networks; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 0x62656e6368))
		n := tunnelgen.Network{Start: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(seed) * 24 * time.Hour),
			SessionsPerTool: 6, Hostnames: hosts}
		recs, err := n.Generate(rng)
		if err != nil {
			return nil, err
		}
		if o.BrowsingRate > 0 {
			more, err := tunnelgen.BenignTraffic(tunnelgen.Browsing, tunnelgen.Session{Start: n.Start, Duration: time.Hour, Rate: o.BrowsingRate}, hosts, rng)
			if err != nil {
				return nil, err
			}
			recs = append(recs, more...)
		}
		tools := map[string]bool{}
		for _, r := range recs {
			if r.Label == 1 {
				d, _, _ := dnsdomain.Split(r.Name)
				tools[d] = true
			}
		}
		if err := c.add(recs, false, "generated", func(d string) bool { return tools[d] }); err != nil {
			return nil, err
		}
	}
	for _, tool := range []string{"iodine", "dns2tcp"} {
		path := filepath.Join(o.Captures, tool+".dnstap")
		if _, err := os.Stat(path); err != nil {
			continue
		}
		recs, _, err := serving.ReadDnstapFile(path)
		if err != nil {
			return nil, err
		}
		for i := range recs {
			if d, _, _ := dnsdomain.Split(recs[i].Name); d == "tunnel.test" {
				recs[i].Family = tool
			}
		}
		if err := c.add(recs, true, "loopback-dig", func(d string) bool { return d == "tunnel.test" }); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if path := filepath.Join(o.Data, "dns", "loopback-unbound", "capture.dnstap"); fileExists(path) {
		recs, _, err := serving.ReadDnstapFile(path)
		if err != nil {
			return nil, err
		}
		if err := c.add(recs, true, "loopback-unbound", func(string) bool { return false }); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// readHosts reads a list of hostnames, one a line; none when missing.
func readHosts(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if h := strings.TrimSpace(sc.Text()); h != "" && !strings.HasPrefix(h, "#") {
			out = append(out, strings.ToLower(h))
		}
	}
	return out
}
