package tunnelgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// Network configures a generated network's DNS log: tunnel sessions of
// the tools among benign sources.
type Network struct {
	// Start and Duration bound the log (default: 2026-12-01, 60 minutes).
	Start    time.Time
	Duration time.Duration
	// Tools are the tools with sessions (default all); SessionsPerTool
	// how many each (default 4), each with its own domain and client, a
	// payload rate drawn log-uniformly from MinRate to MaxRate bytes a
	// second (default 2 to 2,000) and a length of 3 to 20 minutes.
	Tools            []string
	SessionsPerTool  int
	MinRate, MaxRate float64
	// Benign are the benign sources (default all), each running the whole
	// log; Hostnames feed browsing (default a built-in list).
	Benign    []string
	Hostnames []string
}

func (n Network) withDefaults() Network {
	if n.Start.IsZero() {
		n.Start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	}
	if n.Duration <= 0 {
		n.Duration = time.Hour
	}
	if n.Tools == nil {
		n.Tools = Tools()
	}
	if n.SessionsPerTool <= 0 {
		n.SessionsPerTool = 4
	}
	if n.MinRate <= 0 {
		n.MinRate = 2
	}
	if n.MaxRate <= 0 {
		n.MaxRate = 2000
	}
	if n.Benign == nil {
		n.Benign = BenignKinds()
	}
	return n
}

// Generate returns the network's queries in time order.
func (n Network) Generate(rng *rand.Rand) ([]datasets.DNSRecord, error) {
	n = n.withDefaults()
	var out []datasets.DNSRecord
	for _, tool := range n.Tools {
		for range n.SessionsPerTool {
			length := time.Duration(3+rng.IntN(18)) * time.Minute
			length = min(length, n.Duration)
			start := n.Start.Add(time.Duration(rng.Int64N(int64(n.Duration-length) + 1)))
			rate := math.Exp(math.Log(n.MinRate) + rng.Float64()*(math.Log(n.MaxRate)-math.Log(n.MinRate)))
			// One implant, or (two times in five) several on as many
			// hosts under one domain, each its own session.
			implants, domain := 1, AttackerDomain(rng)
			if rng.IntN(5) < 2 {
				implants = 2 + rng.IntN(4)
			}
			for k := range implants {
				s := Session{Start: start.Add(time.Duration(k) * time.Duration(rng.IntN(60)) * time.Second), Duration: length, Rate: rate / float64(implants),
					Domain: domain, Clients: []string{fmt.Sprintf("192.168.%d.%d", rng.IntN(4), 1+rng.IntN(250))}}
				recs, err := Generate(tool, s, rng)
				if err != nil {
					return nil, err
				}
				out = append(out, recs...)
			}
		}
	}
	for i, kind := range n.Benign {
		var clients []string
		switch kind {
		case Browsing, CDN, Telemetry, AVCloud:
			for c := range 200 {
				clients = append(clients, fmt.Sprintf("192.168.%d.%d", c/250, 1+c%250))
			}
		default:
			clients = []string{fmt.Sprintf("192.168.100.%d", 10+i)}
		}
		recs, err := BenignTraffic(kind, Session{Start: n.Start, Duration: n.Duration, Clients: clients}, n.Hostnames, rng)
		if err != nil {
			return nil, err
		}
		out = append(out, recs...)
	}
	sortByTime(out)
	return out, nil
}
