package serving

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/registry/registrytest"
)

func TestScoreAPI(t *testing.T) {
	db := registrytest.Open(t)
	pub := publishModel(t, db, "dga", 4)
	m, err := Load(context.Background(), db, pub)
	if err != nil {
		t.Fatal(err)
	}
	h := &Holder{}
	apiMetrics, reg := newTestMetrics(t)
	api := &API{Holder: h, Metrics: apiMetrics, Gatherer: reg, MaxBody: 1024}
	srv := httptest.NewServer(api.Handler())
	defer srv.Close()
	do := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := do("POST", "/v1/score", `{"names":["a.com"]}`); code != 503 || !strings.Contains(body, "no model loaded") {
		t.Fatalf("before a model: %d %s", code, body)
	}
	if code, _ := do("GET", "/healthz", ""); code != 503 {
		t.Fatalf("healthz before a model: %d", code)
	}
	h.Swap(m)
	for _, c := range []struct {
		method, body string
		code         int
		want         string
	}{
		{"GET", "", 405, "use POST"},
		{"POST", `{"names":["a.com"`, 400, "malformed JSON: unexpected end"},
		{"POST", `{"names":["a.com"],}`, 400, "at byte"},
		{"POST", `{"names":"a.com"}`, 400, `field \"names\"`},
		{"POST", `{"domains":["a.com"]}`, 400, "unknown field"},
		{"POST", `{}`, 400, `want one of {\"names\"`},
		{"POST", `{"names":["a.com"],"txt":[]}`, 400, `want one of {\"names\"`},
		{"POST", ``, 400, "empty body"},
		{"POST", `{"txt":["v=spf1"]}`, 409, `scores dga inputs, not txt records: send {\"names\":[...]}`},
		{"POST", `{"txt":[1]}`, 400, `field \"txt\"`},
		{"POST", `{"flows":[{"ts":1}]}`, 409, "scores dga inputs, not flows"},
		{"POST", `{"names":["` + strings.Repeat("a", 2000) + `"]}`, 413, "over 1024 bytes"},
	} {
		code, body := do(c.method, "/v1/score", c.body)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s %.40q: %d %s, want %d containing %q", c.method, c.body, code, body, c.code, c.want)
		}
	}
	code, body := do("POST", "/v1/score", `{"names":["WWW.Example.COM.","bad..name","xkqwjzprtmvbnd.net","caf\u00e9.fr"]}`)
	var r struct {
		Model     string  `json:"model"`
		Version   int     `json:"version"`
		SHA256    string  `json:"sha256"`
		Threshold float64 `json:"threshold"`
		Results   []struct {
			Input string   `json:"input"`
			Score *float64 `json:"score"`
			Label *int     `json:"label"`
			Error string   `json:"error"`
		} `json:"results"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &r) != nil {
		t.Fatalf("score: %d %s", code, body)
	}
	if r.Model != "dga" || r.Version != pub.Version || r.SHA256 != pub.SHA256 || r.Threshold != 0.5 || len(r.Results) != 4 {
		t.Fatalf("score answer %s", body)
	}
	for i, res := range r.Results {
		if i == 1 {
			if res.Error == "" || res.Score != nil {
				t.Fatalf("bad name answered %+v", res)
			}
			continue
		}
		if res.Score == nil || res.Label == nil || (*res.Score >= 0.5) != (*res.Label == 1) || res.Error != "" {
			t.Fatalf("result %d: %+v", i, res)
		}
	}
	if r.Results[0].Input != "WWW.Example.COM." || r.Results[3].Input != "café.fr" {
		t.Fatalf("inputs are echoed as sent: %+v", r.Results)
	}
	if code, body := do("GET", "/healthz", ""); code != 200 || !strings.Contains(body, pub.SHA256) {
		t.Fatalf("healthz: %d %s", code, body)
	}
	_, metrics := do("GET", "/metrics", "")
	for _, want := range []string{`mlctl_http_requests_total{code="200"} 1`, `mlctl_http_requests_total{code="400"} 8`, `mlctl_http_requests_total{code="413"} 1`,
		`mlctl_http_requests_total{code="409"} 2`,
		`mlctl_http_request_duration_seconds_bucket{le="+Inf"} 14`, "mlctl_http_txt_scored_total 0", "mlctl_http_names_scored_total 3", "# TYPE mlctl_http_request_duration_seconds histogram"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q:\n%s", want, metrics)
		}
	}
}

// TestScoreAPITXT: a txt model scores {"txt":[...]} like names, an unusable
// record gets an error in its place, and names or flows get 409.
func TestScoreAPITXT(t *testing.T) {
	db := registrytest.Open(t)
	pub := publishTXTModel(t, db, "txt")
	m, err := Load(context.Background(), db, pub)
	if err != nil {
		t.Fatal(err)
	}
	h := &Holder{}
	h.Swap(m)
	metrics, reg := newTestMetrics(t)
	srv := httptest.NewServer((&API{Holder: h, Metrics: metrics, Gatherer: reg}).Handler())
	defer srv.Close()
	post := func(body string) (int, string) {
		t.Helper()
		resp, err := http.Post(srv.URL+"/v1/score", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, c := range []struct {
		body string
		want string
	}{
		{`{"names":["a.com"]}`, `the model in service, txt@1, scores txt inputs, not names: send {\"txt\":[...]}`},
		{`{"flows":[{"ts":1}]}`, `scores txt inputs, not flows: send {\"txt\":[...]}`},
	} {
		if code, body := post(c.body); code != 409 || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want 409 with %q", c.body, code, body, c.want)
		}
	}
	code, body := post(`{"txt":["AgLCFgAABAA"," v=spf1 -all ","TXT 11 AgLBXxCgkAA","  ","<v=\"q\">"]}`)
	var r struct {
		Model   string `json:"model"`
		SHA256  string `json:"sha256"`
		Results []struct {
			Input string   `json:"input"`
			Score *float64 `json:"score"`
			Label *int     `json:"label"`
			Error string   `json:"error"`
		} `json:"results"`
	}
	if code != 200 || json.Unmarshal([]byte(body), &r) != nil || r.Model != "txt" || r.SHA256 != pub.SHA256 || len(r.Results) != 5 {
		t.Fatalf("score: %d %s", code, body)
	}
	labels := []int{1, 0, 1, -1, -1}
	for i, res := range r.Results {
		switch {
		case i == 3:
			if res.Error != "bad TXT record: empty" || res.Score != nil || res.Input != "  " {
				t.Errorf("empty record answered %+v", res)
			}
		case res.Score == nil || res.Label == nil || res.Error != "" || (labels[i] >= 0 && *res.Label != labels[i]) || (*res.Score >= 0.5) != (*res.Label == 1):
			t.Errorf("result %d: %+v", i, res)
		}
	}
	if r.Results[1].Input != " v=spf1 -all " || r.Results[4].Input != `<v="q">` {
		t.Errorf("records are echoed as sent: %+v", r.Results)
	}
	if out := scrape(t, reg); !strings.Contains(out, "mlctl_http_txt_scored_total 4\n") || !strings.Contains(out, "mlctl_http_names_scored_total 0\n") {
		t.Errorf("metrics:\n%s", out)
	}
}
