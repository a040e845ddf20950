package serving

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// dashboardPath is the Grafana dashboard shipped for the scorers.
const dashboardPath = "../deploy/grafana/mlctl-serving.json"

var (
	dashMetricRE = regexp.MustCompile(`\bmlctl_[a-zA-Z0-9_:]+`)
	dashByRE     = regexp.MustCompile(`\bby\s*\(([^)]*)\)`)
	dashLegendRE = regexp.MustCompile(`\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}`)
	// a sample line: name, then optional {labels}, then the value.
	dashSampleRE = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? `)
	dashLabelRE  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="`)
)

// scrapeLabels are the labels Prometheus adds to every scraped series.
var scrapeLabels = map[string]bool{"instance": true, "job": true}

// dashQuery is one PromQL expression of the dashboard and what shows it.
type dashQuery struct {
	where  string // panel title, annotation or variable name
	expr   string
	legend string
}

// TestDashboardMetricsExist keeps deploy/grafana/mlctl-serving.json from
// rotting: every mlctl_ metric its queries use must be a family a real
// scorer exports, and the labels they group by or show in legends must be
// labels of those metrics.
func TestDashboardMetricsExist(t *testing.T) {
	raw, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title         string           `json:"title"`
		UID           string           `json:"uid"`
		SchemaVersion int              `json:"schemaVersion"`
		Inputs        []map[string]any `json:"__inputs"`
		Panels        []map[string]any `json:"panels"`
		Templating    struct {
			List []map[string]any `json:"list"`
		} `json:"templating"`
		Annotations struct {
			List []map[string]any `json:"list"`
		} `json:"annotations"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&dash); err != nil {
		t.Fatalf("%s does not parse: %v", dashboardPath, err)
	}
	if dash.Title == "" || dash.UID == "" || dash.SchemaVersion < 36 {
		t.Errorf("dashboard title %q, uid %q, schemaVersion %d: want a title, a uid and schemaVersion >= 36", dash.Title, dash.UID, dash.SchemaVersion)
	}
	hasInput := false
	for _, in := range dash.Inputs {
		if in["name"] == "DS_PROMETHEUS" && in["pluginId"] == "prometheus" {
			hasInput = true
		}
	}
	if !hasInput {
		t.Errorf("dashboard has no DS_PROMETHEUS datasource input in __inputs")
	}

	// Panels (and panels nested in collapsed rows): each has a title, and
	// every query panel uses the ${DS_PROMETHEUS} input.
	var queries []dashQuery
	var walk func(ps []map[string]any)
	walk = func(ps []map[string]any) {
		for i, p := range ps {
			title, _ := p["title"].(string)
			if strings.TrimSpace(title) == "" {
				t.Errorf("panel %d (id %v, type %v) has no title", i, p["id"], p["type"])
				title = "untitled"
			}
			targets, _ := p["targets"].([]any)
			if p["type"] != "row" && len(targets) == 0 {
				t.Errorf("panel %q has no queries", title)
			}
			for _, tg := range targets {
				tm, _ := tg.(map[string]any)
				expr, _ := tm["expr"].(string)
				if expr == "" {
					t.Errorf("panel %q: a target has no expr", title)
					continue
				}
				legend, _ := tm["legendFormat"].(string)
				queries = append(queries, dashQuery{where: "panel " + title, expr: expr, legend: legend})
			}
			if len(targets) > 0 && !strings.Contains(jsonString(t, p["datasource"]), "${DS_PROMETHEUS}") {
				t.Errorf("panel %q does not use the ${DS_PROMETHEUS} datasource", title)
			}
			if nested, ok := p["panels"].([]any); ok {
				var sub []map[string]any
				for _, n := range nested {
					if m, ok := n.(map[string]any); ok {
						sub = append(sub, m)
					}
				}
				walk(sub)
			}
		}
	}
	walk(dash.Panels)
	if len(queries) == 0 {
		t.Fatal("dashboard has no panel queries")
	}
	for _, a := range dash.Annotations.List {
		if expr, _ := a["expr"].(string); expr != "" {
			queries = append(queries, dashQuery{where: "annotation " + jsonString(t, a["name"]), expr: expr})
		}
	}
	for _, v := range dash.Templating.List {
		if def, _ := v["definition"].(string); def != "" {
			queries = append(queries, dashQuery{where: "variable " + jsonString(t, v["name"]), expr: def})
		}
	}

	families, labels := scorerMetrics(t)

	used := map[string]bool{}
	for _, q := range queries {
		var qLabels map[string]bool
		for _, name := range dashMetricRE.FindAllString(q.expr, -1) {
			fam := dashFamily(name, families)
			if fam == "" {
				t.Errorf("%s: metric %s is not exported by the scorer (expr %s)", q.where, name, q.expr)
				continue
			}
			used[fam] = true
			if qLabels == nil {
				qLabels = map[string]bool{}
			}
			for l := range labels[fam] {
				qLabels[l] = true
			}
		}
		if qLabels == nil {
			continue // only non-mlctl metrics (up)
		}
		check := func(what, l string) {
			if l == "" || scrapeLabels[l] || l == "le" || qLabels[l] {
				return
			}
			t.Errorf("%s: %s label %q is on none of the query's metrics (expr %s)", q.where, what, l, q.expr)
		}
		for _, m := range dashByRE.FindAllStringSubmatch(q.expr, -1) {
			for _, l := range strings.Split(m[1], ",") {
				check("grouping", strings.TrimSpace(l))
			}
		}
		for _, m := range dashLegendRE.FindAllStringSubmatch(q.legend, -1) {
			check("legend", m[1])
		}
	}
	var unused []string
	for f := range families {
		if !used[f] {
			unused = append(unused, f)
		}
	}
	sort.Strings(unused)
	if len(unused) > 0 {
		t.Logf("metric families not on the dashboard: %s", strings.Join(unused, ", "))
	}
}

// dashFamily maps a metric name used in a query to the exported family it
// belongs to ("" if none): the name itself, or a histogram's or summary's
// _bucket, _sum or _count series.
func dashFamily(name string, families map[string]string) string {
	if _, ok := families[name]; ok {
		return name
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		base, ok := strings.CutSuffix(name, suffix)
		if !ok {
			continue
		}
		switch typ := families[base]; {
		case typ == "histogram", typ == "summary" && suffix != "_bucket":
			return base
		}
	}
	return ""
}

// scorerMetrics builds a real scorer (HTTP API, zeek-dns, dnstap and
// zeek-conn sources, a loaded model with a live sample, a shadow, one
// scored request) without running
// it, and returns its metric families (name → type) and the label names
// each family's samples carry.
func scorerMetrics(t *testing.T) (families map[string]string, labels map[string]map[string]bool) {
	t.Helper()
	db := registrytest.Open(t)
	dir := t.TempDir()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := NewServer(db, Config{Alias: "production", HTTPAddr: "127.0.0.1:0",
		ZeekDNS: filepath.Join(dir, "dns.log"), ZeekConn: filepath.Join(dir, "conn.log"), Dnstap: filepath.Join(dir, "dnstap.sock")}, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.listener != nil {
			s.listener.Close()
		}
		s.alerts.Close()
	})
	m, err := Load(context.Background(), db, publishModel(t, db, "dga", 4))
	if err != nil {
		t.Fatal(err)
	}
	// A live sample and a shadow, so their families have samples.
	m.Sample = NewLiveSample(m, 10, 1)
	s.Holder().Swap(m)
	chall, err := Load(context.Background(), db, publishModel(t, db, "dga", 5))
	if err != nil {
		t.Fatal(err)
	}
	s.Holder().SetShadow(newShadow(&registry.Shadow{ID: 1}, m, chall))
	// One request, so the per-status-code series exists.
	api := &API{Holder: s.holder, Metrics: s.metrics, Gatherer: s.gatherer}
	rec := httptest.NewRecorder()
	api.Handler().ServeHTTP(rec, httptest.NewRequest("POST", "/v1/score", strings.NewReader(`{"names":["example.com"]}`)))
	if rec.Code != 200 {
		t.Fatalf("score request: %d %s", rec.Code, rec.Body)
	}

	buf := bytes.NewBufferString(scrape(t, s.gatherer))
	families, labels = map[string]string{}, map[string]map[string]bool{}
	sc := bufio.NewScanner(buf)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			f := strings.Fields(rest)
			if len(f) != 2 {
				t.Fatalf("bad TYPE line %q", line)
			}
			families[f[0]], labels[f[0]] = f[1], map[string]bool{}
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		sm := dashSampleRE.FindStringSubmatch(line)
		if sm == nil {
			t.Fatalf("bad sample line %q", line)
		}
		fam := dashFamily(sm[1], families)
		if fam == "" {
			t.Fatalf("sample %q before its # TYPE line", line)
		}
		for _, l := range dashLabelRE.FindAllStringSubmatch(sm[2], -1) {
			labels[fam][l[1]] = true
		}
	}
	if len(families) == 0 {
		t.Fatalf("the scorer exported no metric families:\n%s", buf.String())
	}
	if !labels["mlctl_model_info"]["sha256"] || !labels["mlctl_source_read_total"]["source"] || !labels["mlctl_http_requests_total"]["code"] ||
		!labels["mlctl_shadow_scored_total"]["shadow_id"] || !labels["mlctl_live_sample_rows"]["model"] {
		t.Fatalf("the scorer's metrics lack the samples this test builds:\n%s", buf.String())
	}
	return families, labels
}

func jsonString(t *testing.T, v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
