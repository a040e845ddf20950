package serving

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"
)

// The scorer speaks the Open Inference Protocol (KServe's V2 inference
// protocol, as Triton, Seldon MLServer and KServe's runtimes do) over
// HTTP/REST beside /v1/score:
//
//	GET  /v2                                      server metadata
//	GET  /v2/health/live, /v2/health/ready        liveness, readiness
//	GET  /v2/models/{alias}[/versions/{v}]        model metadata
//	GET  /v2/models/{alias}[/versions/{v}]/ready  model readiness
//	POST /v2/models/{alias}[/versions/{v}]/infer  inference
//
// The model's name is the alias the scorer follows, its one version the
// version in service. Its input is one BYTES tensor of the model kind's
// inputs (names, txt or flows); its outputs score (FP32) and label
// (INT32), beside prefiltered (BYTES: the reason, or "") for a name model
// and window (BYTES: "<src_ip>@<window_start>") for a flow model. Every
// error is answered {"error": "..."}.

// The OIP tensor data types the scorer uses.
const (
	oipBytes = "BYTES"
	oipFP32  = "FP32"
	oipINT32 = "INT32"
)

// The outputs of a model over OIP.
const (
	outScore       = "score"
	outLabel       = "label"
	outPrefiltered = "prefiltered"
	outWindow      = "window"
)

// oipTensor is a tensor's metadata: {"name","datatype","shape"}, -1 for
// a dimension of any size.
type oipTensor struct {
	Name     string  `json:"name"`
	Datatype string  `json:"datatype"`
	Shape    []int64 `json:"shape"`
}

// oipSignature is what a model of one kind takes and gives over OIP.
type oipSignature struct {
	input   string // the input tensor's name
	what    string // what its elements are
	outputs []oipTensor
}

var (
	scoreTensor = oipTensor{outScore, oipFP32, []int64{-1}}
	labelTensor = oipTensor{outLabel, oipINT32, []int64{-1}}
)

// oipSignatures are the signatures by model kind; a kind not listed is
// not scored over HTTP.
var oipSignatures = map[string]oipSignature{
	"dga": {input: "names", what: "domain names", outputs: []oipTensor{scoreTensor, labelTensor, {outPrefiltered, oipBytes, []int64{-1}}}},
	"txt": {input: "txt", what: "TXT records", outputs: []oipTensor{scoreTensor, labelTensor}},
	"flow": {input: "flows", what: "Zeek conn.log records, each a JSON object in a string",
		outputs: []oipTensor{scoreTensor, labelTensor, {outWindow, oipBytes, []int64{-1}}}},
}

// oipRoutes adds the Open Inference Protocol's routes to mux.
func (a *API) oipRoutes(mux *http.ServeMux) {
	get := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				httpError(w, http.StatusMethodNotAllowed, "use GET")
				return
			}
			h(w, r)
		}
	}
	mux.HandleFunc("/v2", get(a.oipServerMetadata))
	mux.HandleFunc("/v2/health/live", get(a.oipLive))
	mux.HandleFunc("/v2/health/ready", get(a.oipReady))
	mux.HandleFunc("/v2/models/{alias}", get(a.oipModelMetadata))
	mux.HandleFunc("/v2/models/{alias}/versions/{version}", get(a.oipModelMetadata))
	mux.HandleFunc("/v2/models/{alias}/ready", get(a.oipModelReady))
	mux.HandleFunc("/v2/models/{alias}/versions/{version}/ready", get(a.oipModelReady))
	mux.HandleFunc("/v2/models/{alias}/infer", a.oipInfer)
	mux.HandleFunc("/v2/models/{alias}/versions/{version}/infer", a.oipInfer)
	mux.HandleFunc("/v2/", func(w http.ResponseWriter, r *http.Request) {
		httpError(w, http.StatusNotFound, fmt.Sprintf("no such Open Inference Protocol endpoint: %s %s", r.Method, r.URL.Path))
	})
}

// oipName is the model's name over OIP: the alias followed, or the
// model's own name when the API follows none.
func (a *API) oipName(m *Model) string {
	if a.Alias != "" {
		return a.Alias
	}
	return m.Name
}

// knownAlias reports whether alias may name the model: the alias followed
// (any, when the API follows none; the model in service decides then).
func (a *API) knownAlias(w http.ResponseWriter, alias string) bool {
	if a.Alias != "" && alias != a.Alias {
		httpError(w, http.StatusNotFound, fmt.Sprintf("unknown model %q: this scorer serves %q", alias, a.Alias))
		return false
	}
	return true
}

// oipModel returns the model in service named by the request's path
// ({alias} and, when given, {version}), or answers 404 (another name or
// version) or 503 (no model in service yet) and returns the status.
func (a *API) oipModel(w http.ResponseWriter, r *http.Request) (*Model, int) {
	alias := r.PathValue("alias")
	if !a.knownAlias(w, alias) {
		return nil, http.StatusNotFound
	}
	m := a.Holder.Get()
	if m == nil {
		return nil, httpError(w, http.StatusServiceUnavailable, fmt.Sprintf("model %q is not ready: no model in service yet", alias))
	}
	if name := a.oipName(m); alias != name {
		return nil, httpError(w, http.StatusNotFound, fmt.Sprintf("unknown model %q: this scorer serves %q", alias, name))
	}
	if v := r.PathValue("version"); v != "" && v != strconv.Itoa(m.Version) {
		return nil, httpError(w, http.StatusNotFound, fmt.Sprintf("model %q has no version %q in service: version %d is (%s)", alias, v, m.Version, m.Ref()))
	}
	return m, http.StatusOK
}

// oipServerMetadata answers GET /v2: {"name","version","extensions"}.
func (a *API) oipServerMetadata(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"name": "mlctl", "version": serverVersion(), "extensions": []string{}})
}

// serverVersion is mlctl's version as its build recorded it: the module
// version, else the VCS revision, else "devel".
var serverVersion = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && s.Value != "" {
			return s.Value
		}
	}
	return "devel"
})

// oipLive answers 200 {"live":true}: the scorer answers.
func (a *API) oipLive(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]bool{"live": true})
}

// oipReady answers 200 {"ready":true} once a model is in service, 503
// {"ready":false,"error"} before.
func (a *API) oipReady(w http.ResponseWriter, r *http.Request) {
	if a.Holder.Get() == nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"ready": false, "error": "no model in service yet"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ready": true})
}

// oipModelReady answers 200 {"name","ready":true} when the model (and
// version) the path names is in service.
func (a *API) oipModelReady(w http.ResponseWriter, r *http.Request) {
	m, _ := a.oipModel(w, r)
	if m == nil {
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"name": a.oipName(m), "ready": true})
}

// oipModelMetadata answers a model's metadata: {"name","versions",
// "platform","inputs","outputs"} and, in "parameters", what mlctl knows
// of the version in service (model, version, sha256, threshold, kind,
// loaded_at).
func (a *API) oipModelMetadata(w http.ResponseWriter, r *http.Request) {
	m, _ := a.oipModel(w, r)
	if m == nil {
		return
	}
	platform := "mlctl"
	if m.Algo != "" {
		platform += "-" + m.Algo
	}
	kind := m.Scorer.Kind()
	inputs, outputs := []oipTensor{}, []oipTensor{}
	if sig, ok := oipSignatures[kind]; ok {
		inputs = []oipTensor{{sig.input, oipBytes, []int64{-1}}}
		outputs = sig.outputs
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"name": a.oipName(m), "versions": []string{strconv.Itoa(m.Version)}, "platform": platform,
		"inputs": inputs, "outputs": outputs,
		"parameters": map[string]any{"model": m.Name, "version": m.Version, "sha256": m.SHA256, "threshold": m.Threshold,
			"kind": kind, "loaded_at": m.LoadedAt.UTC().Format(time.RFC3339Nano)},
	})
}

// writeJSON answers v as JSON with the status.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		httpError(w, http.StatusInternalServerError, fmt.Sprintf("encode the answer: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}
