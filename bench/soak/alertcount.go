package soak

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/mlctl/mlctl/serving"
)

// unreadable is the kind under which fileAlerts counts lines that are not
// an alert.
const unreadable = "(not an alert)"

// alertSet is one place's alerts: how many of each kind, and their IDs.
type alertSet struct {
	byKind map[string]uint64
	ids    map[string]bool
	// dups counts alerts whose ID came before.
	dups int
}

func newAlertSet() *alertSet {
	return &alertSet{byKind: map[string]uint64{}, ids: map[string]bool{}}
}

func (s *alertSet) add(kind, id string) {
	s.byKind[kind]++
	if s.ids[id] {
		s.dups++
	}
	s.ids[id] = true
}

// fileAlerts reads the alerts file's lines.
func fileAlerts(path string) (*alertSet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("alerts file: %w", err)
	}
	defer f.Close()
	out := newAlertSet()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var a struct {
			Kind string `json:"kind"`
			ID   string `json:"alert_id"`
		}
		if json.Unmarshal(sc.Bytes(), &a) != nil || a.Kind == "" {
			out.byKind[unreadable]++
			continue
		}
		out.add(a.Kind, a.ID)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("alerts file: %w", err)
	}
	return out, nil
}

// registryAlerts reads the registry's alert rows of one scorer.
func registryAlerts(ctx context.Context, dbURL, scorerID string) (*alertSet, error) {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("count the registry's alerts: %w", err)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `SELECT kind, COALESCE(alert_uid::text, '') FROM alerts WHERE scorer_id = $1`, scorerID)
	if err != nil {
		return nil, fmt.Errorf("count the registry's alerts: %w", err)
	}
	defer rows.Close()
	out := newAlertSet()
	for rows.Next() {
		var kind, id string
		if err := rows.Scan(&kind, &id); err != nil {
			return nil, fmt.Errorf("count the registry's alerts: %w", err)
		}
		out.add(kind, id)
	}
	return out, rows.Err()
}

// metricAlerts is mlctl_alerts_total by kind (kinds at 0 left out).
func metricAlerts(m metrics) map[string]uint64 {
	out := map[string]uint64{}
	for _, k := range serving.AlertKinds {
		if n := uint64(m[`mlctl_alerts_total{kind="`+k+`"}`]); n > 0 {
			out[k] = n
		}
	}
	return out
}

// compare fills the counts from the registry's and the file's alerts and
// checks them against the metrics and the heartbeat.
func (a *Alerts) compare(reg, file *alertSet) {
	a.Registry, a.File, a.FileDuplicates = reg.byKind, file.byKind, file.dups
	for id := range reg.ids {
		if !file.ids[id] {
			a.RegistryOnly++
		}
	}
	for id := range file.ids {
		if !reg.ids[id] {
			a.FileOnly++
		}
	}
	a.check()
}

// check sets Exact and Mismatch: the counts agree kind by kind, every
// alert has one ID found in both places, and each sink delivered every
// alert with none dropped or left in its spool.
func (a *Alerts) check() {
	var bad []string
	kinds := map[string]bool{}
	for _, m := range []map[string]uint64{a.Metrics, a.Registry, a.File} {
		for k := range m {
			kinds[k] = true
		}
	}
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		if a.Metrics[k] != a.Registry[k] || a.Metrics[k] != a.File[k] {
			bad = append(bad, fmt.Sprintf("%s: %d counted, %d in the registry, %d in the file", k, a.Metrics[k], a.Registry[k], a.File[k]))
		}
	}
	raised := total(a.Metrics)
	if raised != a.Heartbeat {
		bad = append(bad, fmt.Sprintf("%d counted before the stop, %d in the final heartbeat", raised, a.Heartbeat))
	}
	if a.FileDuplicates > 0 || a.RegistryOnly > 0 || a.FileOnly > 0 {
		bad = append(bad, fmt.Sprintf("alert IDs: %d repeated in the file, %d only in the registry, %d only in the file", a.FileDuplicates, a.RegistryOnly, a.FileOnly))
	}
	for _, sink := range []string{serving.SinkRegistry, serving.SinkFile} {
		d, ok := a.Delivery[sink]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("the final heartbeat has no delivery counts of the %s", sink))
		case d.Delivered != raised || d.Dropped > 0 || d.Quarantined > 0 || d.InSpool > 0:
			bad = append(bad, fmt.Sprintf("%s: %d of %d delivered, %d dropped, %d quarantined, %d left in the spool", sink, d.Delivered, raised, d.Dropped, d.Quarantined, d.InSpool))
		}
	}
	a.Exact, a.Mismatch = len(bad) == 0, strings.Join(bad, "; ")
}

// total adds a count by kind.
func total(m map[string]uint64) uint64 {
	var t uint64
	for _, n := range m {
		t += n
	}
	return t
}
