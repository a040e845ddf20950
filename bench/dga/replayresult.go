package dga

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mlctl/mlctl/bench/stats"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/serving"
)

// ClientOutcome is what the replay's alerts said about one client.
type ClientOutcome struct {
	SynthClient
	// ClientAlerts counts its client alerts (one per window at most);
	// BenignDriven those whose names were all benign.
	ClientAlerts int `json:"client_alerts"`
	BenignDriven int `json:"benign_driven_client_alerts"`
	// DGANameAlerts counts the name alerts raised on its DGA queries.
	DGANameAlerts int `json:"dga_name_alerts,omitempty"`
	// Detected is, for an infected client, the time its first client
	// alert with a DGA name had its k-th name (what a live serve would
	// have raised within its 20 ms micro-batch); DelaySeconds is from
	// InfectedAt to then.
	Detected     time.Time `json:"detected,omitzero"`
	DelaySeconds float64   `json:"delay_seconds,omitempty"`
}

// ReplayResult is the client replay measurement.
type ReplayResult struct {
	Synth     SynthOptions    `json:"synthesis"`
	Families  []string        `json:"held_out_families"`
	Threshold float64         `json:"threshold"`
	Counts    ReplayCounts    `json:"counts"`
	Clients   []ClientOutcome `json:"clients"`
	// Infected clients with a client alert with a DGA name, their delay
	// (median, max) and how many within 10 minutes of their first DGA
	// query.
	Infected        int     `json:"infected_clients"`
	InfectedAlerted int     `json:"infected_alerted"`
	DelayMedian     float64 `json:"delay_median_seconds"`
	DelayMax        float64 `json:"delay_max_seconds"`
	Within10Min     int     `json:"within_10_minutes"`
	// Benign clients with any client alert.
	Benign        int `json:"benign_clients"`
	BenignAlerted int `json:"benign_alerted"`
	// Name alerts raised on DGA queries and on benign ones, and the
	// distinct benign names alerted.
	NameAlertsDGA    int      `json:"name_alerts_dga"`
	NameAlertsBenign int      `json:"name_alerts_benign"`
	BenignNames      []string `json:"benign_names_alerted"`
}

// Outcome reads the replay's alerts against what was synthesized.
func Outcome(clients []SynthClient, lines []LogLine, alerts []registry.Alert, counts ReplayCounts) ReplayResult {
	type key struct{ client, name string }
	asked := map[key][]time.Time{}
	dga := map[string]bool{}
	for _, l := range lines {
		k := key{l.Client, l.Name}
		asked[k] = append(asked[k], l.Time)
		if l.DGA {
			dga[l.Name] = true
		}
	}
	byIP := map[string]*ClientOutcome{}
	r := ReplayResult{Counts: counts}
	for _, c := range clients {
		r.Clients = append(r.Clients, ClientOutcome{SynthClient: c})
	}
	for i := range r.Clients {
		byIP[r.Clients[i].IP] = &r.Clients[i]
	}
	benignNames := map[string]bool{}
	slices.SortStableFunc(alerts, func(a, b registry.Alert) int { return a.SeenAt.Compare(b.SeenAt) })
	for _, a := range alerts {
		if a.Kind == registry.AlertName {
			if dga[a.Input] {
				r.NameAlertsDGA++
				if c := byIP[a.ClientIP]; c != nil {
					c.DGANameAlerts++
				}
			} else {
				r.NameAlertsBenign++
				benignNames[a.Input] = true
			}
			continue
		}
		c := byIP[a.ClientIP]
		if a.Kind != registry.AlertClient || c == nil {
			continue
		}
		c.ClientAlerts++
		if !slices.ContainsFunc(a.Names, func(n string) bool { return dga[n] }) {
			c.BenignDriven++
			continue
		}
		if !c.Infected || !c.Detected.IsZero() || a.WindowStart == nil {
			continue
		}
		// The k-th name's first query in the window completed the verdict.
		c.Detected = a.SeenAt
		if k := serving.DefaultClientMinNames; len(a.Names) >= k {
			for _, t := range asked[key{c.IP, a.Names[k-1]}] {
				if !t.Before(*a.WindowStart) {
					c.Detected = t
					break
				}
			}
		}
		c.DelaySeconds = c.Detected.Sub(c.InfectedAt).Seconds()
	}
	var delays []float64
	for _, c := range r.Clients {
		if !c.Infected {
			r.Benign++
			if c.ClientAlerts > 0 {
				r.BenignAlerted++
			}
			continue
		}
		r.Infected++
		if c.Detected.IsZero() {
			continue
		}
		r.InfectedAlerted++
		delays = append(delays, c.DelaySeconds)
		r.DelayMax = max(r.DelayMax, c.DelaySeconds)
		if c.DelaySeconds <= 600 {
			r.Within10Min++
		}
	}
	if len(delays) > 0 {
		r.DelayMedian = stats.Median(delays)
	}
	for n := range benignNames {
		r.BenignNames = append(r.BenignNames, n)
	}
	slices.Sort(r.BenignNames)
	return r
}

// Table prints the replay: one line per infected client, the benign
// clients' verdicts and the name alert counts.
func (r ReplayResult) Table() string {
	var b strings.Builder
	o := r.Synth
	fmt.Fprintf(&b, "  %d clients (%d benign, %d infected) over %s, %d dns.log lines, through serving.ZeekDNS → Pipeline (built-in prefilter, %s client windows, k=%d) → AlertSink; threshold %.4f\n",
		r.Benign+r.Infected, r.Benign, r.Infected, o.Duration, r.Counts.Lines, serving.DefaultClientWindow, serving.DefaultClientMinNames, r.Threshold)
	fmt.Fprintf(&b, "    %-12s %-16s %6s %6s %9s %10s %10s %9s %13s\n", "client", "family", "dga/h", "dga q", "alerted", "first DGA", "detected", "delay", "client alerts")
	for _, c := range r.Clients {
		if !c.Infected {
			continue
		}
		det, delay := "never", "-"
		if !c.Detected.IsZero() {
			det, delay = c.Detected.Format("15:04:05"), fmtDelay(c.DelaySeconds)
		}
		share := 0.0
		if c.DGAQueries > 0 {
			share = float64(c.DGANameAlerts) / float64(c.DGAQueries)
		}
		fmt.Fprintf(&b, "    %-12s %-16s %6.0f %6d %8.0f%% %10s %10s %9s %13d\n", c.IP, c.Family, c.DGARate, c.DGAQueries, 100*share, c.InfectedAt.Format("15:04:05"), det, delay, c.ClientAlerts)
	}
	fmt.Fprintf(&b, "  infected clients with a client alert: %d of %d; delay median %s, max %s; within 10 minutes: %d of %d\n",
		r.InfectedAlerted, r.Infected, fmtDelay(r.DelayMedian), fmtDelay(r.DelayMax), r.Within10Min, r.Infected)
	fmt.Fprintf(&b, "  benign clients with a client alert: %d of %d\n", r.BenignAlerted, r.Benign)
	c := r.Counts
	fmt.Fprintf(&b, "  name alerts raised: %d (%d on DGA queries, %d on benign queries of %d distinct names%s); de-duplicated, not raised: %d\n",
		c.NameAlerts, r.NameAlertsDGA, r.NameAlertsBenign, len(r.BenignNames), listed(r.BenignNames), c.Deduplicated)
	fmt.Fprintf(&b, "  queries: %d scored, %d skipped, %d dropped, prefiltered %s; %d client alerts; alerts lost: %d\n",
		c.Scored, c.Skipped, c.Dropped, reasonCounts(c.Prefiltered), c.ClientAlerts, c.AlertsLost)
	return b.String()
}

func fmtDelay(s float64) string {
	return (time.Duration(s) * time.Second).String()
}

func reasonCounts(m map[string]uint64) string {
	im := make(map[string]int, len(m))
	for k, v := range m {
		im[k] = int(v)
	}
	return reasons(im)
}

// listed is ": a b c" for names, "" for none.
func listed(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return ": " + strings.Join(names, " ")
}
