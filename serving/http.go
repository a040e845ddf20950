package serving

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/prefilter"
)

// API is the scorer's HTTP interface: POST /v1/score, GET /healthz,
// GET /metrics, and the Open Inference Protocol's /v2 routes (oip.go). /v1/score takes the inputs of the model in service's kind
// ({"names"} for dga, {"txt"} for txt, {"flows"} for flow models) and
// answers 409 to another kind. What it scores is offered to the model's
// live sample and, while a shadow is open, scored by the challenger after
// the answer is sent; the answer is the champion's alone.
//
// A score request's memory is bounded: its body (MaxBody), its inputs
// (MaxInputs, decoded one by one as the body is read) and the requests
// read and scored at once (MaxInFlight; the others wait InFlightWait for
// a slot, then are answered 503 with Retry-After).
type API struct {
	Holder *Holder
	// Alias is the alias whose model is in service: the model's name in
	// the Open Inference Protocol's routes (oip.go; empty: the name of
	// the model in service).
	Alias string
	// Metrics counts the requests and what they scored; Gatherer
	// (required) is what GET /metrics serves: the registry Metrics are
	// registered on.
	Metrics  *Metrics
	Gatherer prometheus.Gatherer
	// MaxBody bounds a request body in bytes (413 above it; default 16 MiB).
	MaxBody int64
	// MaxInputs bounds the names, TXT records or flows of one request
	// (413 above it; default DefaultMaxInputs).
	MaxInputs int
	// MaxInFlight bounds the score requests scored and answered at once
	// (default DefaultMaxInFlight()), and the bytes of bodies read at once
	// (MaxInFlight × MaxBody: see bodyBudget); InFlightWait is how long a
	// request waits for either before it is answered 503 (0: not at all).
	MaxInFlight  int
	InFlightWait time.Duration
	// Log takes what goes wrong after an answer was sent (default
	// slog.Default()).
	Log *slog.Logger
	// Prefilter decides the names never scored: they are answered
	// {"input","score":0,"label":0,"prefiltered":"<reason>"} (nil: the
	// built-in rules only).
	Prefilter *prefilter.Prefilter
	// Provenance tells GET /healthz whether the registry answers and
	// where the model in service came from (nil: the registry answers and
	// every model came from it).
	Provenance func(*Model) Provenance

	slots chan struct{} // a token per score request being scored and answered
	body  *bodyBudget   // bytes of bodies being read
}

// DefaultMaxInputs is the most inputs in one score request by default:
// scored in under a second on two cores, and held with its answer in
// about 25 MB for short names, 50 MB for a body at --max-body (measured:
// README, Serving).
const DefaultMaxInputs = 100_000

// DefaultMaxInFlight is the most score requests read and scored at once
// by default: two per core the Go runtime schedules on, so one can be read
// while another is scored; more would not score faster, only hold more.
func DefaultMaxInFlight() int { return 2 * runtime.GOMAXPROCS(0) }

// RetryAfter is the Retry-After, in seconds, of a 503 for a full scorer.
const RetryAfter = 1

func (a *API) logger() *slog.Logger {
	if a.Log == nil {
		return slog.Default()
	}
	return a.Log
}

// requestKeys are the request forms by the model kind that takes them.
var requestKeys = map[string]string{"dga": `{"names":[...]}`, "txt": `{"txt":[...]}`, "flow": `{"flows":[...]}`}

// wantOneOf is the 400 answer to a body with none or several input kinds.
const wantOneOf = `want one of {"names":["example.com", ...]}, {"txt":["v=spf1 -all", ...]} or {"flows":[{Zeek conn.log JSON record}, ...]}`

// Handler routes the API.
func (a *API) Handler() http.Handler {
	n := a.MaxInFlight
	if n <= 0 {
		n = DefaultMaxInFlight()
	}
	a.slots = make(chan struct{}, n)
	a.body = newBodyBudget(n, a.maxBody())
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/score", a.score)
	mux.HandleFunc("/healthz", a.healthz)
	a.oipRoutes(mux)
	mux.Handle("/metrics", promhttp.HandlerFor(a.Gatherer, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(a.logger().Handler(), slog.LevelError), ErrorHandling: promhttp.ContinueOnError}))
	return mux
}

// respPool holds answer buffers for reuse; one grown past maxPooledAnswer
// (by a large request) is left to the collector rather than kept.
var respPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledAnswer = 1 << 20

func (a *API) score(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	code := a.scoreRequest(w, r)
	a.Metrics.observeRequest(code, time.Since(start))
}

// acquire takes a slot for a score request, waiting up to InFlightWait
// for one; false when none came free (or the client went away).
func (a *API) acquire(r *http.Request) bool {
	select {
	case a.slots <- struct{}{}:
		return true
	default:
	}
	if a.InFlightWait <= 0 {
		return false
	}
	t := time.NewTimer(a.InFlightWait)
	defer t.Stop()
	select {
	case a.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-r.Context().Done():
	}
	return false
}

func (a *API) scoreRequest(w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return httpError(w, http.StatusMethodNotAllowed, "use POST with {\"names\":[...]}")
	}
	body := a.bodyReader(w, r)
	defer body.release()
	req, err := readScoreRequest(body, a.maxInputs())
	if err != nil {
		return a.bodyError(w, err)
	}
	if n := btoi(req.Names != nil) + btoi(req.TXT != nil) + btoi(req.Flows != nil); n != 1 {
		return httpError(w, http.StatusBadRequest, wantOneOf)
	}
	if !a.acquire(r) {
		return a.busy(w, fmt.Sprintf("the scorer is busy: %d score requests in flight (its --max-in-flight); retry in %d s", cap(a.slots), RetryAfter))
	}
	a.Metrics.inFlight.Inc()
	defer func() { <-a.slots; a.Metrics.inFlight.Dec() }()
	m := a.Holder.Get()
	if m == nil {
		return httpError(w, http.StatusServiceUnavailable, "no model loaded yet")
	}
	if what, want := req.what(); m.Scorer.Kind() != want {
		kind := m.Scorer.Kind()
		msg := fmt.Sprintf("the model in service, %s, scores %s inputs, not %s", m.Ref(), kind, what)
		if key, ok := requestKeys[kind]; ok {
			msg += ": send " + key
		} else {
			msg += ": it is not scored over HTTP"
		}
		return httpError(w, http.StatusConflict, msg)
	}
	switch {
	case req.Flows != nil:
		return a.scoreFlows(w, m, req.Flows)
	case req.TXT != nil:
		return a.scoreStrings(w, m, req.TXT, normaliseTXT, &a.Metrics.TXTScored, false)
	}
	return a.scoreStrings(w, m, req.Names, datasets.NormaliseDomain, &a.Metrics.NamesScored, true)
}

// badInput is an input a request's answer gives an error for.
type badInput struct {
	i   int
	msg string
}

// normaliseTXT is datasets.NormaliseTXT with an error that calls the input
// a TXT record and does not repeat it (the answer echoes it as "input").
func normaliseTXT(s string) (string, error) {
	v, err := datasets.NormaliseTXT(s)
	var bad *datasets.BadName
	if errors.As(err, &bad) {
		return "", fmt.Errorf("bad TXT record: %s", bad.Reason)
	}
	return v, err
}

// bodyReader reads r's body within MaxBody and the budget of bodies read
// at once; release it once the request is answered.
func (a *API) bodyReader(w http.ResponseWriter, r *http.Request) *budgetReader {
	return &budgetReader{r: http.MaxBytesReader(w, r.Body, a.maxBody()), b: a.body, ctx: r.Context(), wait: a.InFlightWait}
}

// bodyError answers a request whose body could not be read into a request
// (413 too many inputs or too large, 400 malformed, 503 the budget of
// bodies full, 408 not read in time), counting the refusals, and returns
// the status.
func (a *API) bodyError(w http.ResponseWriter, err error) int {
	var tooBig *http.MaxBytesError
	var tooMany *tooManyInputs
	var bad *badJSON
	switch {
	case errors.As(err, &tooMany):
		a.Metrics.reject(RejectTooManyInputs)
		return httpError(w, http.StatusRequestEntityTooLarge, err.Error())
	case errors.As(err, &tooBig):
		a.Metrics.reject(RejectBodyTooLarge)
		return httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is over %d bytes (the scorer's --max-body); send smaller batches", a.maxBody()))
	case errors.As(err, &bad):
		return httpError(w, http.StatusBadRequest, "malformed JSON: "+bad.msg)
	case errors.Is(err, errBodyBudget):
		return a.busy(w, fmt.Sprintf("the scorer is busy: request bodies being read fill its budget (%d × --max-body); retry in %d s", cap(a.slots), RetryAfter))
	case errors.Is(err, os.ErrDeadlineExceeded):
		a.Metrics.reject(RejectReadTimeout)
		return httpError(w, http.StatusRequestTimeout, "request body not read within the scorer's read timeout")
	}
	return httpError(w, http.StatusBadRequest, "reading request body: "+err.Error())
}

// maxInputs is MaxInputs or its default.
func (a *API) maxInputs() int {
	if a.MaxInputs <= 0 {
		return DefaultMaxInputs
	}
	return a.MaxInputs
}

// maxBody is MaxBody or its default.
func (a *API) maxBody() int64 {
	if a.MaxBody <= 0 {
		return 16 << 20
	}
	return a.MaxBody
}

// busy answers 503 with Retry-After: the scorer is full.
func (a *API) busy(w http.ResponseWriter, msg string) int {
	a.Metrics.reject(RejectInFlight)
	w.Header().Set("Retry-After", strconv.Itoa(RetryAfter))
	return httpError(w, http.StatusServiceUnavailable, msg)
}

// btoi is 1 for true.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scoreStrings scores names or TXT records: each input normalised, scored
// and answered as {"input","score","label"} in request order, as
// {"input","error"} when normalise refuses it, or, for names (names set),
// as {"input","score":0,"label":0,"prefiltered"} when the prefilter leaves it out; scored
// counts the inputs scored. The answer is built in a pooled buffer.
func (a *API) scoreStrings(w http.ResponseWriter, m *Model, in []string, normalise func(string) (string, error), scored *atomic.Uint64, names bool) int {
	batch := a.prepareStrings(in, normalise, names)
	a.scoreWith(batch, m, scored)
	bad := batch.bad

	out := respPool.Get().(*[]byte)
	b := slices.Grow((*out)[:0], 256+len(m.Name)+batch.size+48*len(in)) // one allocation, not a doubling per growth
	b = append(b, `{"model":`...)
	b = appendJSONString(b, m.Name)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(m.Version), 10)
	b = append(b, `,"sha256":"`...)
	b = append(b, m.SHA256...)
	b = append(b, `","threshold":`...)
	b = strconv.AppendFloat(b, m.Threshold, 'g', -1, 64)
	b = append(b, `,"results":[`...)
	j := 0
	for i, n := range in {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"input":`...)
		b = appendJSONString(b, n)
		if len(bad) > 0 && bad[0].i == i {
			b = append(b, `,"error":`...)
			b = appendJSONString(b, bad[0].msg)
			b = append(b, '}')
			bad = bad[1:]
			continue
		}
		if r := batch.prefiltered(i); r != prefilter.None {
			// Never scored: score and label 0 (not a DGA's name) keep
			// every result's shape, and the reason says why.
			b = append(b, `,"score":0,"label":0,"prefiltered":"`...)
			b = append(b, r.String()...)
			b = append(b, `"}`...)
			continue
		}
		s := batch.score[j]
		j++
		b = append(b, `,"score":`...)
		b = strconv.AppendFloat(b, s, 'g', 8, 64)
		if s >= m.Threshold {
			b = append(b, `,"label":1}`...)
		} else {
			b = append(b, `,"label":0}`...)
		}
	}
	b = append(b, "]}\n"...)
	a.writePooled(w, out, b)
	a.afterStrings(w, m, batch.norm, batch.score)
	return http.StatusOK
}

// writePooled answers 200 with the JSON answer b, built in the pooled
// buffer out, and gives the buffer back to the pool.
func (a *API) writePooled(w http.ResponseWriter, out *[]byte, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
	if cap(b) <= maxPooledAnswer {
		*out = b // keep the grown buffer for the next request
		respPool.Put(out)
	}
}

// afterStrings is what scoring strings does besides answering, once the
// answer is sent (a challenger never delays or changes it): the inputs go
// to the live sample and, while a shadow is open, to the challenger.
func (a *API) afterStrings(w http.ResponseWriter, m *Model, inputs []string, scores []float64) {
	sh := a.Holder.ShadowOf(m)
	if sh != nil {
		http.NewResponseController(w).Flush() // the answer is whole (Content-Length); a writer that cannot flush sends it on return
	}
	m.Sample.offerStrings(m.Scorer, inputs)
	if sh != nil {
		sh.scoreStrings(inputs, scores)
	}
}

// healthz answers 200 with the model in service, or 503 before one is;
// both say whether the registry answers ("registry": "ok" or
// "unreachable", with "registry_error"), the 200 where the model came from
// ("model_source": "registry", or "cache" with "cached_since" while the
// registry has not confirmed a model read from the local cache), the 503
// why the cached model was refused ("cache_error").
func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	m := a.Holder.Get()
	p := Provenance{RegistryUp: true}
	if a.Provenance != nil {
		p = a.Provenance(m)
	}
	var out map[string]any
	code := http.StatusOK
	if m == nil {
		code = http.StatusServiceUnavailable
		out = map[string]any{"error": "no model loaded yet", "registry": p.Registry()}
		if p.CacheError != "" {
			out["cache_error"] = p.CacheError
		}
	} else {
		out = map[string]any{"status": "ok", "model": m.Name, "version": m.Version, "sha256": m.SHA256,
			"threshold": m.Threshold, "loaded_at": m.LoadedAt.UTC().Format(time.RFC3339Nano),
			"registry": p.Registry(), "model_source": p.ModelSource()}
		if p.FromCache {
			out["cached_since"] = p.CachedSince.UTC().Format(time.RFC3339Nano)
		}
	}
	if !p.RegistryUp {
		out["registry_error"] = p.RegistryError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(out)
}

// httpError answers {"error": msg} with the status and returns it.
func httpError(w http.ResponseWriter, code int, msg string) int {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	b := append(appendJSONString([]byte(`{"error":`), msg), "}\n"...)
	w.Write(b)
	return code
}

// appendJSONString appends s as a JSON string (invalid UTF-8 replaced).
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
