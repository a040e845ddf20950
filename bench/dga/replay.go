package dga

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/features/prefilter"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/serving"
)

// ReplayCounts are what the pipeline counted on the dns.log source.
type ReplayCounts struct {
	Lines  int    `json:"lines"`
	Parsed uint64 `json:"parsed"`
	Scored uint64 `json:"scored"`
	// Skipped counts names that are not domain names (the source's count
	// less the log's '#' lines).
	Skipped      uint64            `json:"skipped"`
	Dropped      uint64            `json:"dropped"`
	Prefiltered  map[string]uint64 `json:"prefiltered"`
	NameAlerts   int               `json:"name_alerts"`
	ClientAlerts int               `json:"client_alerts"`
	Deduplicated uint64            `json:"deduplicated"`
	AlertsLost   uint64            `json:"alerts_lost"`
}

// ReplayServing replays lines as a Zeek dns.log through the serving code
// path `mlctl serve --zeek-dns FILE --alerts FILE` runs: serving.ZeekDNS
// reads the file, serving.Pipeline scores it with the built-in prefilter
// and the default client windows (5 minutes, k = 3), and a
// serving.AlertSink writes the alerts to db and a JSON lines file, which
// is read back. The model in service is art at th. The queue holds
// every line, so a replay faster than scoring drops nothing (serve
// --queue). It returns the alerts and the counts.
func ReplayServing(ctx context.Context, db *registry.DB, art *artifact.Artifact, th Thresholds, dir string, lines []LogLine) ([]registry.Alert, ReplayCounts, error) {
	logPath, alertsPath := filepath.Join(dir, "dns.log"), filepath.Join(dir, "alerts.jsonl")
	// The sink appends: a replay before this one in dir must not count.
	if err := os.Remove(alertsPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, ReplayCounts{}, err
	}
	f, err := os.Create(logPath)
	if err != nil {
		return nil, ReplayCounts{}, err
	}
	err = WriteZeekDNS(f, lines)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, ReplayCounts{}, fmt.Errorf("write dns.log: %w", err)
	}
	fileLines, err := countLines(logPath)
	if err != nil {
		return nil, ReplayCounts{}, err
	}
	sc, err := artifact.NewScorer(art)
	if err != nil {
		return nil, ReplayCounts{}, err
	}
	_, sha, err := artifact.Encode(art)
	if err != nil {
		return nil, ReplayCounts{}, err
	}
	holder := &serving.Holder{}
	holder.Swap(&serving.Model{Name: "dga-replay", Version: 1, SHA256: sha, Threshold: th.Name, ClientThreshold: th.Client, Scorer: sc, LoadedAt: time.Now()})
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sink, err := serving.NewAlertSink(db, "mlctl-bench-replay", alertsPath, log)
	if err != nil {
		return nil, ReplayCounts{}, err
	}
	pipe := serving.NewPipeline(holder, sink, log, []string{serving.SourceZeekDNS}, serving.PipelineOptions{
		QueueSize: fileLines + 1, Prefilter: prefilter.Default(), Clients: serving.ClientWindowOptions{}})
	counters := pipe.Counters(serving.SourceZeekDNS)
	piped := make(chan struct{})
	go func() { defer close(piped); pipe.Run(ctx) }()

	zctx, stop := context.WithCancel(ctx)
	zdone := make(chan error, 1)
	z := &serving.ZeekDNS{Path: logPath, Poll: 20 * time.Millisecond, Counters: counters, Emit: pipe.Offer}
	go func() { zdone <- z.Run(zctx) }()
	var zerr error
wait:
	for {
		select {
		case zerr = <-zdone:
			break wait
		case <-time.After(20 * time.Millisecond):
			if counters.Read.Load() >= uint64(fileLines) {
				stop()
				zerr = <-zdone
				break wait
			}
		}
	}
	stop()
	pipe.Close()
	<-piped
	if err := sink.Close(); err != nil {
		return nil, ReplayCounts{}, err
	}
	if zerr != nil {
		return nil, ReplayCounts{}, fmt.Errorf("zeek-dns: %w", zerr)
	}
	alerts, err := readAlerts(alertsPath)
	if err != nil {
		return nil, ReplayCounts{}, err
	}
	c := ReplayCounts{Lines: len(lines), Parsed: counters.Parsed.Load(), Scored: counters.Scored.Load(), Skipped: counters.Skipped.Load() - uint64(fileLines-len(lines)),
		Dropped: counters.Dropped.Load(), Prefiltered: counters.Prefiltered.Map(), Deduplicated: pipe.ClientWindows().Deduplicated(), AlertsLost: sink.Dropped()}
	for _, a := range alerts {
		switch a.Kind {
		case registry.AlertName:
			c.NameAlerts++
		case registry.AlertClient:
			c.ClientAlerts++
		}
	}
	return alerts, c, nil
}

func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}

// readAlerts reads an --alerts JSON lines file.
func readAlerts(path string) ([]registry.Alert, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []registry.Alert
	dec := json.NewDecoder(f)
	for dec.More() {
		var a registry.Alert
		if err := dec.Decode(&a); err != nil {
			return nil, fmt.Errorf("alerts file %s: %w", path, err)
		}
		out = append(out, a)
	}
	return out, nil
}
