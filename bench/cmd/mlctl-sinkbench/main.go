// Command mlctl-sinkbench measures each --sink output's sustained alerts/s
// side by side, against peers run in the process (serving/sinktest: an
// ECS file, syslog UDP, TCP and TLS collectors, an Elasticsearch _bulk
// server, a Splunk HEC; franz-go's kfake cluster for Kafka, as no broker
// can be installed here). Each output gets alerts offered as fast as one
// goroutine can (batches of 100, the scorer's way: Offer never waits) for
// -duration; its sustained rate is what the peer received in that time,
// and what its buffer could not hold is counted dropped.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/serving"
	"github.com/mlctl/mlctl/serving/sinktest"
)

// result is one output's run.
type result struct {
	Sink      string  `json:"sink"`
	Offered   uint64  `json:"offered"`
	Delivered uint64  `json:"delivered"`
	PerSecond float64 `json:"delivered_per_second"`
	// OverloadOffered alerts were offered at twice PerSecond; of them
	// OverloadPerSecond were delivered a second and Dropped dropped.
	OverloadOffered   uint64  `json:"overload_offered"`
	OverloadPerSecond float64 `json:"overload_delivered_per_second"`
	Dropped           uint64  `json:"dropped"`
	DropShare         float64 `json:"dropped_share"`
	Retried           uint64  `json:"retried"`
	AfterFlush        uint64  `json:"delivered_after_flush"`
	Received          int     `json:"received_by_peer"`
	DurationSec       float64 `json:"duration_seconds"`
}

func main() {
	dur := flag.Duration("duration", 3*time.Second, "how long alerts are offered to each output")
	buffer := flag.Int("buffer", serving.DefaultSinkBuffer, "--sink-buffer")
	batch := flag.Int("batch", serving.DefaultSinkBatch, "--sink-batch")
	asJSON := flag.Bool("json", false, "print JSON lines")
	flag.Parse()
	if err := run(*dur, *buffer, *batch, *asJSON); err != nil {
		fmt.Fprintln(os.Stderr, "mlctl-sinkbench:", err)
		os.Exit(1)
	}
}

func run(dur time.Duration, buffer, batch int, asJSON bool) error {
	dir, err := os.MkdirTemp("", "sinkbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pki, err := sinktest.NewPKI(dir)
	if err != nil {
		return err
	}
	type peer struct {
		url      string
		received func() int
		close    func()
	}
	var peers []peer
	ecsPath := filepath.Join(dir, "alerts.ecs.jsonl")
	peers = append(peers, peer{url: "ecs:" + ecsPath, received: func() int { return countLines(ecsPath) }, close: func() {}})
	for _, network := range []string{"udp", "tcp", "tls"} {
		r, err := sinktest.ListenSyslog(network, pki.Server, false)
		if err != nil {
			return err
		}
		u := "syslog+" + network + "://" + r.Addr
		if network == "tls" {
			u += "?ca=" + pki.CA + "&cert=" + pki.ClientCert + "&key=" + pki.ClientKey + "&server_name=localhost"
		}
		peers = append(peers, peer{url: u, received: r.Count, close: r.Close})
	}
	es := sinktest.NewBulkServer(false)
	peers = append(peers, peer{url: "elasticsearch+" + es.URL + "/mlctl-alerts", received: es.Count, close: es.Close})
	hec := sinktest.NewHECServer("bench-token", false)
	peers = append(peers, peer{url: strings.Replace(hec.URL, "http://", "splunk+http://", 1) + "?token=bench-token", received: hec.Count, close: hec.Close})
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "mlctl-alerts"))
	if err != nil {
		return err
	}
	peers = append(peers, peer{url: "kafka://" + strings.Join(cluster.ListenAddrs(), ",") + "/mlctl-alerts", received: func() int { return -1 }, close: cluster.Close})

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	alerts := benchAlerts(100)
	var results []result
	for _, p := range peers {
		out, err := serving.OpenAlertOutput(p.url, serving.OutputOptions{Buffer: buffer, Batch: batch, FlushTimeout: 10 * time.Second}, log)
		if err != nil {
			return err
		}
		// Capacity: the buffer kept fed (never full), so nothing is
		// dropped and the rate is the output's own.
		delivered, offered, elapsed := feed(out, alerts, dur, func() bool { return out.Buffered() <= buffer-len(alerts) })
		capacity := float64(delivered) / elapsed.Seconds()
		// Overload: alerts offered at twice that rate (every 10 ms), as
		// a burst would; the buffer fills and the oldest are dropped.
		tick := time.NewTicker(10 * time.Millisecond)
		per := max(len(alerts), int(2*capacity/100))
		before := out.Counts()
		var over uint64
		start := time.Now()
		for time.Since(start) < dur {
			<-tick.C
			for n := 0; n < per; n += len(alerts) {
				out.Offer(fresh(alerts))
				over += uint64(len(alerts))
			}
		}
		tick.Stop()
		oc := out.Counts()
		oElapsed := time.Since(start)
		out.Close()
		after := out.Counts()
		r := result{Sink: sinkName(out.Name()), Offered: offered, Delivered: delivered, PerSecond: capacity,
			OverloadOffered: over, OverloadPerSecond: float64(oc.Delivered-before.Delivered) / oElapsed.Seconds(),
			Dropped: after.Dropped, DropShare: float64(after.Dropped) / float64(over), Retried: after.Retried, AfterFlush: after.Delivered,
			Received: p.received(), DurationSec: elapsed.Seconds()}
		results = append(results, r)
		p.close()
	}
	if asJSON {
		enc := json.NewEncoder(os.Stdout)
		for _, r := range results {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "SINK\tALERTS/S\tOVERLOAD OFFERED\tOVERLOAD ALERTS/S\tDROPPED\tDROPPED %\tDELIVERED IN ALL\tPEER GOT\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%.0f\t%d\t%.0f\t%d\t%.1f\t%d\t%d\t\n", r.Sink, r.PerSecond, r.OverloadOffered, r.OverloadPerSecond, r.Dropped, 100*r.DropShare, r.AfterFlush, r.Received)
	}
	return tw.Flush()
}

// benchAlerts are n name alerts as the scorer raises them.
func benchAlerts(n int) []registry.Alert {
	out := make([]registry.Alert, n)
	t0 := time.Now()
	for i := range out {
		med := 0.8
		out[i] = registry.Alert{UID: fmt.Sprintf("0191f1a0-0000-7000-8000-%012d", i), Kind: registry.AlertName, SeenAt: t0, Source: serving.SourceZeekDNS,
			ClientIP: fmt.Sprintf("10.0.%d.%d", i/250, 1+i%250), Input: fmt.Sprintf("x%dqz8kw0pl3m.com", i), Score: 0.97, Threshold: 0.5,
			Model: "dga", Version: 3, SHA256: strings.Repeat("ab", 32), ScorerID: "bench-1-00000000", BatchMedian: &med, Campaign: registry.NoCampaign,
			Detail: json.RawMessage(`{"top_features":[{"feature":"entropy","value":3.9,"margin":1.2},{"feature":"length","value":16,"margin":0.4}]}`)}
	}
	return out
}

// feed offers alerts for dur whenever ready says so, and returns what was
// delivered and offered in that time.
func feed(out *serving.AlertOutput, alerts []registry.Alert, dur time.Duration, ready func() bool) (delivered, offered uint64, elapsed time.Duration) {
	start := time.Now()
	for time.Since(start) < dur {
		if !ready() {
			time.Sleep(100 * time.Microsecond)
			continue
		}
		out.Offer(fresh(alerts))
		offered += uint64(len(alerts))
	}
	return out.Counts().Delivered, offered, time.Since(start)
}

// seq numbers the alerts offered, so each has its own alert ID (the
// _bulk server stores an ID once).
var seq uint64

// fresh is a copy of alerts with new alert IDs.
func fresh(alerts []registry.Alert) []registry.Alert {
	out := make([]registry.Alert, len(alerts))
	for i, a := range alerts {
		seq++
		a.UID = fmt.Sprintf("0191f1a0-0000-7000-8000-%012d", seq)
		out[i] = a
	}
	return out
}

// sinkName is a sink's scheme (ecs for a file).
func sinkName(name string) string {
	if strings.HasPrefix(name, "ecs:") {
		return "ecs"
	}
	return strings.SplitN(name, "://", 2)[0]
}

func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}
