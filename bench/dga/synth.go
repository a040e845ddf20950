package dga

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// LogQuery is one DNS name a client asked, as a dns.log line records it.
type LogQuery struct {
	Name  string `json:"name"`
	QType string `json:"qtype"`
	RCode string `json:"rcode"`
}

// SynthOptions shape the client replay's dns.log (see Synthesize).
type SynthOptions struct {
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration_ns"`
	// BenignClients ask benign names only; InfectedClients ask benign
	// names at the same kind of rate and, from InfectedAt on, the names of
	// one held-out DGA family.
	BenignClients   int `json:"benign_clients"`
	InfectedClients int `json:"infected_clients"`
	// BenignRate is the range of a client's benign queries per hour: each
	// client's rate is drawn log-uniformly from it.
	BenignRate [2]float64 `json:"benign_per_hour"`
	// DGARate is the range of an infected client's DGA queries per hour:
	// the clients' rates are spaced log-evenly from the first to the last.
	DGARate [2]float64 `json:"dga_per_hour"`
	// InfectedAfter is the range of the infection's start after Start
	// (uniform).
	InfectedAfter [2]time.Duration `json:"infected_after_ns"`
	// Burst is the range of names a DGA asks per attempt to reach its
	// server: 0 or 1 asks one name at a time (a Poisson process at
	// DGARate); more makes attempts a Poisson process at DGARate ÷ the
	// mean burst, each asking Burst names in a row 1–3 s apart, as DGAs
	// walk their candidate list until one resolves.
	Burst [2]int `json:"burst,omitzero"`
	// NXDomain is the share of DGA queries answered NXDOMAIN (the rest are
	// the registered rendezvous: NOERROR).
	NXDomain float64 `json:"nxdomain_share"`
	// Zipf is the exponent of benign popularity: the name of rank r (a
	// seeded shuffle of the pool) is asked with weight 1/(r+1)^Zipf.
	Zipf float64 `json:"zipf"`
	Seed uint64  `json:"seed"`
}

// DefaultSynthOptions: 20 benign and 10 infected clients over 3 hours,
// 200–2,000 benign queries an hour per client, 30–300 DGA queries an hour,
// infections starting 10–60 minutes in, 90% NXDOMAIN, Zipf 1.1.
func DefaultSynthOptions() SynthOptions {
	return SynthOptions{Start: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC), Duration: 3 * time.Hour,
		BenignClients: 20, InfectedClients: 10, BenignRate: [2]float64{200, 2000}, DGARate: [2]float64{30, 300},
		InfectedAfter: [2]time.Duration{10 * time.Minute, 60 * time.Minute}, NXDomain: 0.9, Zipf: 1.1, Seed: 13}
}

// SynthClient is one client of the replay.
type SynthClient struct {
	IP         string  `json:"ip"`
	Infected   bool    `json:"infected"`
	Family     string  `json:"family,omitempty"`
	BenignRate float64 `json:"benign_per_hour"`
	DGARate    float64 `json:"dga_per_hour,omitempty"`
	// InfectedAt is the time of its first DGA query (zero for a benign
	// client, or an infected one that asked none).
	InfectedAt time.Time `json:"infected_at,omitzero"`
	// Queries and DGAQueries count its lines.
	Queries    int `json:"queries"`
	DGAQueries int `json:"dga_queries,omitempty"`
}

// LogLine is one line of the replay's dns.log.
type LogLine struct {
	Time   time.Time
	Client string
	LogQuery
	// DGA marks a query of the client's DGA family.
	DGA bool
}

// Synthesize makes the client replay: benign clients asking names of
// benign (real benign DNS names, each with the qtype and rcode it was
// seen with) by a Zipf popularity, as Poisson processes at their rates,
// and infected clients doing the same and, from a random time on, asking
// the names of their family (families[i % len], the family's names in
// order, as a DGA walks its list, wrapping around) as a Poisson process
// at their DGA rate. It returns the clients and the lines in time order;
// same inputs and options, same output.
func Synthesize(o SynthOptions, benign []LogQuery, dgaNames map[string][]string, families []string) ([]SynthClient, []LogLine, error) {
	if len(benign) == 0 {
		return nil, nil, fmt.Errorf("synthesize: no benign names")
	}
	if o.InfectedClients > 0 && len(families) == 0 {
		return nil, nil, fmt.Errorf("synthesize: infected clients but no DGA families")
	}
	for _, f := range families {
		if len(dgaNames[f]) == 0 {
			return nil, nil, fmt.Errorf("synthesize: family %q has no names", f)
		}
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x13))
	pick := newZipf(len(benign), o.Zipf, rng)
	end := o.Start.Add(o.Duration)
	var clients []SynthClient
	var lines []LogLine
	for i := range o.BenignClients + o.InfectedClients {
		j := i - o.BenignClients // the infected client's index, when >= 0
		c := SynthClient{IP: fmt.Sprintf("10.20.0.%d", 10+i), BenignRate: logUniform(rng, o.BenignRate)}
		if j >= 0 {
			c.IP, c.Infected, c.Family = fmt.Sprintf("10.20.1.%d", 10+j), true, families[j%len(families)]
			c.DGARate = logSpaced(o.DGARate, j, o.InfectedClients)
		}
		for t := o.Start.Add(expGap(rng, c.BenignRate)); t.Before(end); t = t.Add(expGap(rng, c.BenignRate)) {
			lines = append(lines, LogLine{Time: t, Client: c.IP, LogQuery: benign[pick()]})
			c.Queries++
		}
		if c.Infected {
			after := o.InfectedAfter[0] + time.Duration(rng.Float64()*float64(o.InfectedAfter[1]-o.InfectedAfter[0]))
			names := dgaNames[c.Family]
			lo, hi := max(o.Burst[0], 1), max(o.Burst[1], o.Burst[0], 1)
			attempts := c.DGARate / (float64(lo+hi) / 2)
			for t := o.Start.Add(after + expGap(rng, attempts)); t.Before(end); t = t.Add(expGap(rng, attempts)) {
				at := t
				for range lo + rng.IntN(hi-lo+1) {
					rcode := "NXDOMAIN"
					if rng.Float64() >= o.NXDomain {
						rcode = "NOERROR"
					}
					if c.InfectedAt.IsZero() {
						c.InfectedAt = at
					}
					lines = append(lines, LogLine{Time: at, Client: c.IP, DGA: true, LogQuery: LogQuery{Name: names[c.DGAQueries%len(names)], QType: "A", RCode: rcode}})
					c.Queries++
					c.DGAQueries++
					at = at.Add(time.Second + time.Duration(rng.Float64()*float64(2*time.Second)))
				}
			}
		}
		clients = append(clients, c)
	}
	sort.SliceStable(lines, func(a, b int) bool { return lines[a].Time.Before(lines[b].Time) })
	return clients, lines, nil
}

// newZipf returns a sampler of ranks 0..n-1 with weight 1/(r+1)^s.
func newZipf(n int, s float64, rng *rand.Rand) func() int {
	cum := make([]float64, n)
	total := 0.0
	for r := range n {
		total += 1 / math.Pow(float64(r+1), s)
		cum[r] = total
	}
	// The pool's order is its rank: shuffle it so popularity is not the
	// order the names were read in.
	order := rng.Perm(n)
	return func() int {
		r, _ := slices.BinarySearch(cum, rng.Float64()*total)
		return order[min(r, n-1)]
	}
}

// expGap is the gap to the next event of a Poisson process at perHour.
func expGap(rng *rand.Rand, perHour float64) time.Duration {
	return time.Duration(rng.ExpFloat64() / perHour * float64(time.Hour))
}

// logUniform draws from [r[0], r[1]] log-uniformly.
func logUniform(rng *rand.Rand, r [2]float64) float64 {
	return math.Exp(math.Log(r[0]) + rng.Float64()*(math.Log(r[1])-math.Log(r[0])))
}

// logSpaced is the i-th of n values spaced log-evenly over r.
func logSpaced(r [2]float64, i, n int) float64 {
	if n <= 1 {
		return r[0]
	}
	return r[0] * math.Pow(r[1]/r[0], float64(i)/float64(n-1))
}
