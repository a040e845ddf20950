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

// fileAlerts counts the alerts file's lines by kind.
func fileAlerts(path string) (map[string]uint64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("alerts file: %w", err)
	}
	defer f.Close()
	out := map[string]uint64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		var a struct {
			Kind string `json:"kind"`
		}
		if json.Unmarshal(sc.Bytes(), &a) != nil || a.Kind == "" {
			out[unreadable]++
			continue
		}
		out[a.Kind]++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("alerts file: %w", err)
	}
	return out, nil
}

// registryAlerts counts the registry's alert rows of one scorer by kind.
func registryAlerts(ctx context.Context, dbURL, scorerID string) (map[string]uint64, error) {
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("count the registry's alerts: %w", err)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `SELECT kind, count(*) FROM alerts WHERE scorer_id = $1 GROUP BY kind`, scorerID)
	if err != nil {
		return nil, fmt.Errorf("count the registry's alerts: %w", err)
	}
	defer rows.Close()
	out := map[string]uint64{}
	for rows.Next() {
		var kind string
		var n int64
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, fmt.Errorf("count the registry's alerts: %w", err)
		}
		out[kind] = uint64(n)
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

// check sets Exact and Mismatch: the four counts agree, kind by kind, and
// the registry took every alert.
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
	if t := total(a.Metrics); t != a.Heartbeat {
		bad = append(bad, fmt.Sprintf("%d counted before the stop, %d in the final heartbeat", t, a.Heartbeat))
	}
	if a.StoreFailed > 0 {
		bad = append(bad, fmt.Sprintf("%d alerts the registry did not take", a.StoreFailed))
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
