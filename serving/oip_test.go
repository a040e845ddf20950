package serving

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// The Open Inference Protocol's REST types as its specification (KServe's
// "Open Inference Protocol (V2 Inference Protocol)", required_api.md)
// writes them, for a client that knows the protocol, not the scorer.
type (
	v2ServerMetadata struct {
		Name       string   `json:"name"`
		Version    string   `json:"version"`
		Extensions []string `json:"extensions"`
	}
	v2TensorMetadata struct {
		Name     string  `json:"name"`
		Datatype string  `json:"datatype"`
		Shape    []int64 `json:"shape"`
	}
	v2ModelMetadata struct {
		Name       string             `json:"name"`
		Versions   []string           `json:"versions"`
		Platform   string             `json:"platform"`
		Inputs     []v2TensorMetadata `json:"inputs"`
		Outputs    []v2TensorMetadata `json:"outputs"`
		Parameters map[string]any     `json:"parameters"`
	}
	v2RequestInput struct {
		Name       string         `json:"name"`
		Shape      []int64        `json:"shape"`
		Datatype   string         `json:"datatype"`
		Parameters map[string]any `json:"parameters,omitempty"`
		Data       any            `json:"data"`
	}
	v2RequestOutput struct {
		Name       string         `json:"name"`
		Parameters map[string]any `json:"parameters,omitempty"`
	}
	v2InferRequest struct {
		ID         string            `json:"id,omitempty"`
		Parameters map[string]any    `json:"parameters,omitempty"`
		Inputs     []v2RequestInput  `json:"inputs"`
		Outputs    []v2RequestOutput `json:"outputs,omitempty"`
	}
	v2ResponseOutput struct {
		Name     string            `json:"name"`
		Shape    []int64           `json:"shape"`
		Datatype string            `json:"datatype"`
		Data     []json.RawMessage `json:"data"`
	}
	v2InferResponse struct {
		ModelName    string             `json:"model_name"`
		ModelVersion string             `json:"model_version"`
		ID           string             `json:"id"`
		Parameters   map[string]any     `json:"parameters"`
		Outputs      []v2ResponseOutput `json:"outputs"`
	}
	v2Error struct {
		Error string `json:"error"`
	}
)

// oipClient drives a scorer's Open Inference Protocol endpoints.
type oipClient struct {
	t    *testing.T
	base string // http://host:port
}

// do sends a request and returns the status and body; a non-2xx answer
// must be the protocol's error object, with a message.
func (c *oipClient) do(method, path string, body io.Reader) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode/100 != 2 {
		var e v2Error
		if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
			c.t.Fatalf("%s %s: %d answered %q, not an OIP error object", method, path, resp.StatusCode, b)
		}
	} else if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		c.t.Fatalf("%s %s: Content-Type %q", method, path, ct)
	}
	return resp.StatusCode, b
}

// get GETs path into v (when 200) and returns the status.
func (c *oipClient) get(path string, v any) int {
	c.t.Helper()
	code, b := c.do("GET", path, nil)
	if code == 200 && v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			c.t.Fatalf("GET %s: %v in %s", path, err, b)
		}
	}
	return code
}

// infer POSTs an inference request to path and returns the status, the
// response (200) and the error message (otherwise).
func (c *oipClient) infer(path string, req any) (int, *v2InferResponse, string) {
	c.t.Helper()
	var body []byte
	switch r := req.(type) {
	case string:
		body = []byte(r)
	default:
		var err error
		if body, err = json.Marshal(req); err != nil {
			c.t.Fatal(err)
		}
	}
	code, b := c.do("POST", path, bytes.NewReader(body))
	if code != 200 {
		var e v2Error
		json.Unmarshal(b, &e)
		return code, nil, e.Error
	}
	var resp v2InferResponse
	if err := json.Unmarshal(b, &resp); err != nil {
		c.t.Fatalf("POST %s: %v in %s", path, err, b)
	}
	return code, &resp, ""
}

// output returns the response's output of that name, nil without it.
func (r *v2InferResponse) output(name string) *v2ResponseOutput {
	for i := range r.Outputs {
		if r.Outputs[i].Name == name {
			return &r.Outputs[i]
		}
	}
	return nil
}

// floats decodes an FP32 output's data.
func (o *v2ResponseOutput) floats(t *testing.T) []float64 {
	t.Helper()
	out := make([]float64, len(o.Data))
	for i, d := range o.Data {
		if err := json.Unmarshal(d, &out[i]); err != nil {
			t.Fatalf("output %s element %d: %s", o.Name, i, d)
		}
	}
	return out
}

// strings decodes a BYTES output's data.
func (o *v2ResponseOutput) strings(t *testing.T) []string {
	t.Helper()
	out := make([]string, len(o.Data))
	for i, d := range o.Data {
		if err := json.Unmarshal(d, &out[i]); err != nil {
			t.Fatalf("output %s element %d: %s", o.Name, i, d)
		}
	}
	return out
}

// bytesInput is a BYTES input tensor of the elements.
func bytesInput(name string, data []string) v2RequestInput {
	return v2RequestInput{Name: name, Shape: []int64{int64(len(data))}, Datatype: "BYTES", Data: data}
}

// v1Result is one result of POST /v1/score.
type v1Result struct {
	Input       string  `json:"input"`
	Score       float64 `json:"score"`
	Label       int     `json:"label"`
	Prefiltered string  `json:"prefiltered"`
	Error       string  `json:"error"`
}

// v1Score posts body to /v1/score and returns its results.
func v1Score(t *testing.T, base string, body any) []v1Result {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(base+"/v1/score", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Results []v1Result `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 {
		t.Fatalf("/v1/score: %d %v", resp.StatusCode, err)
	}
	return r.Results
}

// sameFP32 reports whether an FP32 output element is the float64 score
// rounded to float32.
func sameFP32(got, want float64) bool {
	return math.Abs(got-want) <= 1e-6*math.Max(1, math.Abs(want))
}

// TestOIPHealthAndMetadata: before a model is in service the scorer is
// live but not ready (503); after, it is ready and describes the model
// under its alias: the version in service, platform, tensors and the
// version's SHA-256. Other names and versions are 404.
func TestOIPHealthAndMetadata(t *testing.T) {
	db := registrytest.Open(t)
	pub := publishModel(t, db, "dga", 4)
	m, err := Load(context.Background(), db, pub)
	if err != nil {
		t.Fatal(err)
	}
	h := &Holder{}
	metrics, reg := newTestMetrics(t)
	srv := httptest.NewServer((&API{Holder: h, Alias: "production", Metrics: metrics, Gatherer: reg}).Handler())
	defer srv.Close()
	c := &oipClient{t: t, base: srv.URL}

	var live struct{ Live bool }
	if code := c.get("/v2/health/live", &live); code != 200 || !live.Live {
		t.Fatalf("live before a model: %d %+v", code, live)
	}
	for _, p := range []string{"/v2/health/ready", "/v2/models/production/ready", "/v2/models/production"} {
		if code := c.get(p, nil); code != 503 {
			t.Errorf("GET %s before a model: %d, want 503", p, code)
		}
	}
	if code, _, msg := c.infer("/v2/models/production/infer", v2InferRequest{Inputs: []v2RequestInput{bytesInput("names", []string{"a.com"})}}); code != 503 || !strings.Contains(msg, "not ready") {
		t.Fatalf("infer before a model: %d %q", code, msg)
	}

	h.Swap(m)
	var ready struct{ Ready bool }
	if code := c.get("/v2/health/ready", &ready); code != 200 || !ready.Ready {
		t.Fatalf("ready: %d %+v", code, ready)
	}
	var mready struct {
		Name  string
		Ready bool
	}
	if code := c.get("/v2/models/production/ready", &mready); code != 200 || !mready.Ready || mready.Name != "production" {
		t.Fatalf("model ready: %d %+v", code, mready)
	}
	var sm v2ServerMetadata
	if code := c.get("/v2", &sm); code != 200 || sm.Name != "mlctl" || sm.Version == "" || sm.Extensions == nil {
		t.Fatalf("server metadata: %d %+v", code, sm)
	}
	v := strconv.Itoa(pub.Version)
	for _, p := range []string{"/v2/models/production", "/v2/models/production/versions/" + v} {
		var md v2ModelMetadata
		if code := c.get(p, &md); code != 200 {
			t.Fatalf("GET %s: %d", p, code)
		}
		want := v2ModelMetadata{Name: "production", Versions: []string{v}, Platform: "mlctl-gbdt",
			Inputs:  []v2TensorMetadata{{"names", "BYTES", []int64{-1}}},
			Outputs: []v2TensorMetadata{{"score", "FP32", []int64{-1}}, {"label", "INT32", []int64{-1}}, {"prefiltered", "BYTES", []int64{-1}}}}
		got := md
		got.Parameters = nil
		if gb, wb := fmt.Sprint(got), fmt.Sprint(want); gb != wb {
			t.Fatalf("GET %s:\n got %s\nwant %s", p, gb, wb)
		}
		if md.Parameters["sha256"] != pub.SHA256 || md.Parameters["model"] != "dga" || md.Parameters["version"] != float64(pub.Version) ||
			md.Parameters["threshold"] != 0.5 || md.Parameters["kind"] != "dga" {
			t.Fatalf("GET %s parameters %v, want the SHA-256 %s of dga@%d", p, md.Parameters, pub.SHA256, pub.Version)
		}
	}
	for _, c2 := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/v2/models/staging", 404},
		{"GET", "/v2/models/staging/ready", 404},
		{"GET", "/v2/models/production/versions/99", 404},
		{"GET", "/v2/models/production/versions/99/ready", 404},
		{"GET", "/v2/models/production/versions/latest", 404},
		{"GET", "/v2/repository/index", 404},
		{"POST", "/v2/health/live", 405},
		{"GET", "/v2/models/production/infer", 405},
		{"POST", "/v2/models/staging/infer", 404},
	} {
		if code, body := c.do(c2.method, c2.path, strings.NewReader("{}")); code != c2.code {
			t.Errorf("%s %s: %d %s, want %d", c2.method, c2.path, code, body, c2.code)
		}
	}
}

// TestOIPInferMatchesV1 scores one batch of names through both APIs: the
// OIP's scores are /v1/score's (as FP32), its labels and prefiltered
// reasons too; a subset of outputs is answered in the order asked;
// nested data of shape [N,1] reads as [N]; the live sample and the
// metrics count OIP requests as /v1/score's.
func TestOIPInferMatchesV1(t *testing.T) {
	db := registrytest.Open(t)
	pub := publishModel(t, db, "dga", 4)
	m, err := Load(context.Background(), db, pub)
	if err != nil {
		t.Fatal(err)
	}
	m.Sample = NewLiveSample(m, 1000, 1)
	h := &Holder{}
	h.Swap(m)
	metrics, reg := newTestMetrics(t)
	srv := httptest.NewServer((&API{Holder: h, Alias: "production", Metrics: metrics, Gatherer: reg}).Handler())
	defer srv.Close()
	c := &oipClient{t: t, base: srv.URL}

	names := []string{"WWW.Example.COM.", "xkqwjzprtmvbnd.net", "printer.local", "google.com", "qpwoeirutyalskdjfhg.info",
		"1.0.168.192.in-addr.arpa", "café.fr", "mail.acme-corp.co.uk", "zzqxjvkwp.biz", "localhost"}
	v1 := v1Score(t, srv.URL, map[string][]string{"names": names})
	seen := m.Sample.Seen()

	code, r, msg := c.infer("/v2/models/production/infer", v2InferRequest{ID: "req-1", Inputs: []v2RequestInput{bytesInput("names", names)}})
	if code != 200 {
		t.Fatalf("infer: %d %s", code, msg)
	}
	if r.ModelName != "production" || r.ModelVersion != strconv.Itoa(pub.Version) || r.ID != "req-1" ||
		r.Parameters["sha256"] != pub.SHA256 || r.Parameters["threshold"] != 0.5 || r.Parameters["model"] != "dga" {
		t.Fatalf("infer answer head: %+v", r)
	}
	if len(r.Outputs) != 3 || r.Outputs[0].Name != "score" || r.Outputs[1].Name != "label" || r.Outputs[2].Name != "prefiltered" {
		t.Fatalf("outputs %+v, want score, label and prefiltered", r.Outputs)
	}
	for _, o := range r.Outputs {
		if len(o.Shape) != 1 || o.Shape[0] != int64(len(names)) || len(o.Data) != len(names) {
			t.Fatalf("output %s: shape %v with %d elements, want [%d]", o.Name, o.Shape, len(o.Data), len(names))
		}
	}
	if r.Outputs[0].Datatype != "FP32" || r.Outputs[1].Datatype != "INT32" || r.Outputs[2].Datatype != "BYTES" {
		t.Fatalf("datatypes %s %s %s", r.Outputs[0].Datatype, r.Outputs[1].Datatype, r.Outputs[2].Datatype)
	}
	scores, labels, left := r.Outputs[0].floats(t), r.Outputs[1].floats(t), r.Outputs[2].strings(t)
	prefiltered := 0
	for i, want := range v1 {
		if !sameFP32(scores[i], want.Score) || labels[i] != float64(want.Label) || left[i] != want.Prefiltered {
			t.Errorf("%s: OIP score %v label %v prefiltered %q, /v1/score %v %d %q", names[i], scores[i], labels[i], left[i], want.Score, want.Label, want.Prefiltered)
		}
		if want.Prefiltered != "" {
			prefiltered++
		}
	}
	if prefiltered < 2 {
		t.Fatalf("only %d of the names prefiltered: %+v", prefiltered, v1)
	}
	if got := m.Sample.Seen() - seen; got != int64(len(names)-prefiltered) {
		t.Fatalf("the live sample saw %d names of the OIP request, want the %d scored", got, len(names)-prefiltered)
	}

	// A subset, in the order asked; nested data of shape [N,1]; the
	// version in the path.
	nested := make([][]string, len(names))
	for i, n := range names {
		nested[i] = []string{n}
	}
	code, r, msg = c.infer("/v2/models/production/versions/"+strconv.Itoa(pub.Version)+"/infer", v2InferRequest{
		Inputs:  []v2RequestInput{{Name: "names", Shape: []int64{int64(len(names)), 1}, Datatype: "BYTES", Data: nested}},
		Outputs: []v2RequestOutput{{Name: "label"}, {Name: "score"}}})
	if code != 200 || len(r.Outputs) != 2 || r.Outputs[0].Name != "label" || r.Outputs[1].Name != "score" || r.ID != "" {
		t.Fatalf("outputs label, score: %d %s %+v", code, msg, r)
	}
	for i, s := range r.Outputs[1].floats(t) {
		if !sameFP32(s, v1[i].Score) {
			t.Fatalf("nested input %d: score %v, /v1/score %v", i, s, v1[i].Score)
		}
	}
	code, r, _ = c.infer("/v2/models/production/infer", v2InferRequest{Inputs: []v2RequestInput{bytesInput("names", names[:2])}, Outputs: []v2RequestOutput{{Name: "label"}}})
	if code != 200 || len(r.Outputs) != 1 || r.Outputs[0].Name != "label" || len(r.Outputs[0].Data) != 2 {
		t.Fatalf("outputs label: %d %+v", code, r)
	}
	if code, _, msg := c.infer("/v2/models/production/versions/99/infer", v2InferRequest{Inputs: []v2RequestInput{bytesInput("names", names)}}); code != 404 || !strings.Contains(msg, `no version "99" in service`) {
		t.Fatalf("infer on a version not in service: %d %q", code, msg)
	}

	scored := len(names) - prefiltered
	text := scrape(t, reg)
	for _, want := range []string{`mlctl_http_requests_total{code="200"} 4`, `mlctl_http_requests_total{code="404"} 1`,
		fmt.Sprintf("mlctl_http_names_scored_total %d", 3*scored+2)} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestOIPInferErrors: what the scorer refuses, with the status and a
// message naming the field at fault.
func TestOIPInferErrors(t *testing.T) {
	db := registrytest.Open(t)
	pub := publishModel(t, db, "dga", 4)
	m, err := Load(context.Background(), db, pub)
	if err != nil {
		t.Fatal(err)
	}
	h := &Holder{}
	h.Swap(m)
	metrics, reg := newTestMetrics(t)
	srv := httptest.NewServer((&API{Holder: h, Alias: "production", Metrics: metrics, Gatherer: reg, MaxBody: 2048, MaxInputs: 5}).Handler())
	defer srv.Close()
	c := &oipClient{t: t, base: srv.URL}
	in := func(s string) string { return `{"inputs":[` + s + `]}` }
	for _, tc := range []struct {
		body string
		code int
		want string
	}{
		{``, 400, "empty body"},
		{`{"inputs":[`, 400, "unexpected end"},
		{`[]`, 400, "want a JSON object"},
		{`{"inputs":[]}`, 400, "0 inputs given"},
		{`{"input":[]}`, 400, `unknown field "input"`},
		{`{"inputs":{}}`, 400, `field "inputs": want an array`},
		{in(`{"name":"names","shape":[1],"datatype":"BYTES","data":["a.com"],"extra":1}`), 400, `inputs[0]: unknown field "extra"`},
		{in(`{"name":"txt","shape":[1],"datatype":"BYTES","data":["v=spf1"]}`), 400, `inputs[0]: name "txt"; this model takes one input, {"name":"names"`},
		{in(`{"name":"names","shape":[1],"datatype":"FP32","data":[1.5]}`), 400, `want strings (BYTES elements), got JSON number`},
		{in(`{"name":"names","shape":[1],"datatype":"FP32","data":["a.com"]}`), 400, `input "names": datatype "FP32", want "BYTES"`},
		{in(`{"name":"names","shape":[2],"datatype":"BYTES","data":["a.com"]}`), 400, `shape [2] does not fit its 1 elements`},
		{in(`{"name":"names","shape":[1,2],"datatype":"BYTES","data":[["a.com","b.com"]]}`), 400, `shape [1 2] does not fit its 2 elements`},
		{in(`{"name":"names","datatype":"BYTES","data":["a.com"]}`), 400, `input "names": no shape`},
		{in(`{"name":"names","shape":"1","datatype":"BYTES","data":["a.com"]}`), 400, `field "shape": want an array of integers`},
		{in(`{"name":"names","shape":[1],"datatype":"BYTES"}`), 400, `input "names": no data`},
		{in(`{"name":"names","shape":[1],"datatype":"BYTES","data":"a.com"}`), 400, `field "data": want an array of strings`},
		{in(`{"name":"names","shape":[1],"datatype":"BYTES","data":[[[[["a.com"]]]]]}`), 400, `nested more than 4 deep`},
		{in(`{"name":"names","shape":[2],"datatype":"BYTES","data":["a.com","bad..name"]}`), 400, `input "names" element 1 ("bad..name")`},
		{in(`{"name":"names","shape":[1],"datatype":"BYTES","data":["a.com"]},{"name":"names","shape":[1],"datatype":"BYTES","data":["b.com"]}`), 400, "2 inputs given"},
		{in(`{"name":"names","shape":[1],"datatype":"BYTES","data":["a.com"],"name":"x"}`), 400, `field "name" given twice`},
		{in(`{"name":"names","shape":[1],"datatype":"BYTES","data":["a.com"],"parameters":{"binary_data_size":5}}`), 400, "binary tensor data extension is not supported"},
		{`{"inputs":[{"name":"names","shape":[1],"datatype":"BYTES","data":["a.com"]}],"outputs":[{"name":"probability"}]}`, 400, `outputs[0]: unknown output "probability"; this model gives "score", "label", "prefiltered"`},
		{`{"inputs":[{"name":"names","shape":[1],"datatype":"BYTES","data":["a.com"]}],"outputs":[{"name":"score"},{"name":"score"}]}`, 400, `output "score" asked for twice`},
		{`{"inputs":[{"name":"names","shape":[1],"datatype":"BYTES","data":["a.com"]}],"outputs":[{"name":"score","parameters":{"binary_data":true}}]}`, 400, `binary tensor data extension`},
		{`{"inputs":[{"name":"names","shape":[1],"datatype":"BYTES","data":["a.com"]}],"outputs":[{"nam":"score"}]}`, 400, `field "outputs": unknown field "nam"`},
		{in(`{"name":"names","shape":[6],"datatype":"BYTES","data":["a.com","b.com","c.com","d.com","e.com","f.com"]}`), 413, "more than 5 input elements in one request (the scorer's --max-inputs)"},
		{in(`{"name":"names","shape":[1],"datatype":"BYTES","data":["` + strings.Repeat("a", 3000) + `"]}`), 413, "over 2048 bytes"},
	} {
		code, _, msg := c.infer("/v2/models/production/infer", tc.body)
		if code != tc.code || !strings.Contains(msg, tc.want) {
			t.Errorf("%.60s: %d %q, want %d containing %q", tc.body, code, msg, tc.code, tc.want)
		}
	}
	req, _ := http.NewRequest("POST", srv.URL+"/v2/models/production/infer", strings.NewReader(`{}`))
	req.Header.Set("Inference-Header-Content-Length", "2")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("a binary request: %d, want 400", resp.StatusCode)
	}
	text := scrape(t, reg)
	for _, want := range []string{`mlctl_http_rejected_total{reason="too_many_inputs"} 1`, `mlctl_http_rejected_total{reason="body_too_large"} 1`, "mlctl_http_names_scored_total 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestOIPInferTXTAndFlows: a txt model takes a "txt" input and a flow
// model a "flows" input of Zeek conn.log JSON records, one element per
// record, answered per source window as /v1/score answers the same
// records; each refuses the other kinds' inputs naming its own.
func TestOIPInferTXTAndFlows(t *testing.T) {
	db := registrytest.Open(t)
	h := &Holder{}
	metrics, reg := newTestMetrics(t)
	srv := httptest.NewServer((&API{Holder: h, Alias: "production", Metrics: metrics, Gatherer: reg}).Handler())
	defer srv.Close()
	c := &oipClient{t: t, base: srv.URL}

	tm, err := Load(context.Background(), db, publishTXTModel(t, db, "txt"))
	if err != nil {
		t.Fatal(err)
	}
	h.Swap(tm)
	recs := append(append([]string{}, benignTXT[:3]...), tunnelTXT[:3]...)
	v1 := v1Score(t, srv.URL, map[string][]string{"txt": recs})
	code, r, msg := c.infer("/v2/models/production/infer", v2InferRequest{Inputs: []v2RequestInput{bytesInput("txt", recs)}})
	if code != 200 || len(r.Outputs) != 2 || r.output("prefiltered") != nil {
		t.Fatalf("txt infer: %d %s %+v", code, msg, r)
	}
	for i, s := range r.output("score").floats(t) {
		if !sameFP32(s, v1[i].Score) {
			t.Fatalf("txt record %d: OIP %v, /v1/score %v", i, s, v1[i].Score)
		}
	}
	if code, _, msg := c.infer("/v2/models/production/infer", v2InferRequest{Inputs: []v2RequestInput{bytesInput("names", []string{"a.com"})}}); code != 400 || !strings.Contains(msg, `{"name":"txt"`) {
		t.Fatalf("names to a txt model: %d %q", code, msg)
	}

	fm, err := Load(context.Background(), db, publishFlowModel(t, db, "flows", false))
	if err != nil {
		t.Fatal(err)
	}
	h.Swap(fm)
	var flows []string
	var objects []json.RawMessage
	for i := range 24 {
		f := fmt.Sprintf(`{"ts":%d.%06d,"uid":"C%d","id.orig_h":"10.0.0.%d","id.orig_p":%d,"id.resp_h":"192.0.2.%d","id.resp_p":%d,"proto":"tcp","duration":0.5,"orig_bytes":%d,"resp_bytes":50,"conn_state":"SF"}`,
			1700000000+i%9, i, i, 1+i%4, 50000+i, 1+i%5, 1000+i*(i%4), 100*(1+i%3))
		flows = append(flows, f)
		objects = append(objects, json.RawMessage(f))
	}
	v1 = v1Score(t, srv.URL, map[string][]json.RawMessage{"flows": objects})
	code, r, msg = c.infer("/v2/models/production/infer", v2InferRequest{Inputs: []v2RequestInput{bytesInput("flows", flows)}})
	if code != 200 || len(r.Outputs) != 3 {
		t.Fatalf("flows infer: %d %s %+v", code, msg, r)
	}
	windows, scores, labels := r.output("window").strings(t), r.output("score").floats(t), r.output("label").floats(t)
	if len(windows) != len(v1) || len(v1) < 2 || r.output("score").Shape[0] != int64(len(v1)) {
		t.Fatalf("%d windows, /v1/score %d", len(windows), len(v1))
	}
	for i, want := range v1 {
		if windows[i] != want.Input || !sameFP32(scores[i], want.Score) || labels[i] != float64(want.Label) {
			t.Errorf("window %d: OIP %s %v %v, /v1/score %s %v %d", i, windows[i], scores[i], labels[i], want.Input, want.Score, want.Label)
		}
	}
	if code, _, msg := c.infer("/v2/models/production/infer", v2InferRequest{Inputs: []v2RequestInput{bytesInput("flows", []string{flows[0], `{"ts":"x"}`})}}); code != 400 || !strings.Contains(msg, `input "flows" element 1`) {
		t.Fatalf("a bad flow: %d %q", code, msg)
	}
	if code, _, msg := c.infer("/v2/models/production/infer", v2InferRequest{Inputs: []v2RequestInput{bytesInput("names", []string{"a.com"})}}); code != 400 || !strings.Contains(msg, `{"name":"flows"`) {
		t.Fatalf("names to a flow model: %d %q", code, msg)
	}
}

// TestOIPThroughServer: `mlctl serve --alias production --http` answers
// the protocol under its alias, with the version the alias points at.
func TestOIPThroughServer(t *testing.T) {
	db := registrytest.Open(t)
	pub := publishModel(t, db, "dga", 5)
	if _, err := db.SetAlias(context.Background(), registry.MoveAlias{Alias: "production", ModelID: pub.ID, Action: mlctl.ActionPromote, By: "t"}); err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(db, Config{Alias: "production", HTTPAddr: "127.0.0.1:0"}, quiet, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	c := &oipClient{t: t, base: "http://" + srv.Addr()}
	deadline := time.Now().Add(10 * time.Second)
	for c.get("/v2/health/ready", nil) != 200 {
		if time.Now().After(deadline) {
			t.Fatal("not ready within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var md v2ModelMetadata
	if code := c.get("/v2/models/production", &md); code != 200 || md.Parameters["sha256"] != pub.SHA256 || md.Versions[0] != strconv.Itoa(pub.Version) {
		t.Fatalf("metadata: %d %+v", code, md)
	}
	code, r, msg := c.infer("/v2/models/production/infer", v2InferRequest{Inputs: []v2RequestInput{bytesInput("names", []string{"example.com", "xkqwjzprtmvbnd.net"})}})
	if code != 200 || r.Parameters["sha256"] != pub.SHA256 || len(r.output("score").Data) != 2 {
		t.Fatalf("infer: %d %s %+v", code, msg, r)
	}
	if code := c.get("/v2/models/dga", nil); code != 404 {
		t.Fatalf("the model's own name, not the alias: %d", code)
	}
}
