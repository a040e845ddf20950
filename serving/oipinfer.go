package serving

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/prefilter"
)

// oipInfer answers POST /v2/models/{alias}[/versions/{v}]/infer: the
// request's one BYTES input scored as /v1/score scores it (the same
// normalisation, prefilter, scorer, limits, metrics, live sample and
// shadow), answered as OIP output tensors.
func (a *API) oipInfer(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	code := a.inferRequest(w, r)
	a.Metrics.observeRequest(code, time.Since(start))
}

func (a *API) inferRequest(w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return httpError(w, http.StatusMethodNotAllowed, `use POST with {"inputs":[{"name","shape","datatype":"BYTES","data"}]}`)
	}
	if !a.knownAlias(w, r.PathValue("alias")) {
		return http.StatusNotFound
	}
	if r.Header.Get("Inference-Header-Content-Length") != "" {
		return httpError(w, http.StatusBadRequest, "the binary tensor data extension is not supported: send the request as JSON, without Inference-Header-Content-Length")
	}
	body := a.bodyReader(w, r)
	defer body.release()
	req, err := readInferRequest(body, a.maxInputs())
	if err != nil {
		return a.bodyError(w, err)
	}
	if !a.acquire(r) {
		return a.busy(w, fmt.Sprintf("the scorer is busy: %d score requests in flight (its --max-in-flight); retry in %d s", cap(a.slots), RetryAfter))
	}
	a.Metrics.inFlight.Inc()
	defer func() { <-a.slots; a.Metrics.inFlight.Dec() }()
	m, code := a.oipModel(w, r)
	if m == nil {
		return code
	}
	sig, ok := oipSignatures[m.Scorer.Kind()]
	if !ok {
		return httpError(w, http.StatusConflict, fmt.Sprintf("the model in service, %s, scores %s inputs: it is not scored over HTTP", m.Ref(), m.Scorer.Kind()))
	}
	in, outputs, err := req.check(sig)
	if err != nil {
		return httpError(w, http.StatusBadRequest, err.Error())
	}
	if sig.input == "flows" {
		return a.inferFlows(w, m, req, in, outputs)
	}
	var batch *stringBatch
	if sig.input == "txt" {
		batch = a.prepareStrings(in.Data, normaliseTXT, false)
	} else {
		batch = a.prepareStrings(in.Data, datasets.NormaliseDomain, true)
	}
	if len(batch.bad) > 0 {
		first := batch.bad[0]
		msg := fmt.Sprintf("input %q element %d (%q): %s", in.Name, first.i, in.Data[first.i], first.msg)
		if n := len(batch.bad) - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more elements)", n)
		}
		return httpError(w, http.StatusBadRequest, msg+"; nothing was scored")
	}
	if sig.input == "txt" {
		a.scoreWith(batch, m, &a.Metrics.TXTScored)
	} else {
		a.scoreWith(batch, m, &a.Metrics.NamesScored)
	}

	out := respPool.Get().(*[]byte)
	b := slices.Grow((*out)[:0], 256+len(req.ID)+len(m.Name)+24*len(in.Data)) // one allocation, not a doubling per growth
	b = a.appendInferHead(b, m, req)
	for k, o := range outputs {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendTensorHead(b, o, len(in.Data))
		switch o.Name {
		case outScore:
			j := 0
			for i := range in.Data {
				if i > 0 {
					b = append(b, ',')
				}
				if batch.prefiltered(i) != prefilter.None {
					b = append(b, '0')
					continue
				}
				b = strconv.AppendFloat(b, float64(float32(batch.score[j])), 'g', -1, 32)
				j++
			}
		case outLabel:
			j := 0
			for i := range in.Data {
				if i > 0 {
					b = append(b, ',')
				}
				if batch.prefiltered(i) != prefilter.None {
					b = append(b, '0')
					continue
				}
				b = append(b, label(batch.score[j], m.Threshold))
				j++
			}
		case outPrefiltered:
			for i := range in.Data {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, '"')
				if r := batch.prefiltered(i); r != prefilter.None {
					b = append(b, r.String()...)
				}
				b = append(b, '"')
			}
		}
		b = append(b, "]}"...)
	}
	b = append(b, "]}\n"...)
	a.writePooled(w, out, b)
	a.afterStrings(w, m, batch.norm, batch.score)
	return http.StatusOK
}

// inferFlows answers an inference request of Zeek conn.log records with
// a flow model: one element of each output per source window.
func (a *API) inferFlows(w http.ResponseWriter, m *Model, req *inferRequest, in *inferInput, outputs []oipTensor) int {
	fb, err := readFlows(in.Data)
	if err != nil {
		return httpError(w, http.StatusBadRequest, fmt.Sprintf("input %q: %v", in.Name, err))
	}
	if len(fb.bad) > 0 {
		msg := fmt.Sprintf("input %q element %d: %s", in.Name, fb.bad[0].Flow, fb.bad[0].Error)
		if n := len(fb.bad) - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more elements)", n)
		}
		return httpError(w, http.StatusBadRequest, msg+"; nothing was scored")
	}
	if err := a.scoreFlowsWith(fb, m); err != nil {
		return httpError(w, http.StatusInternalServerError, err.Error())
	}
	n := len(fb.units)
	b := a.appendInferHead(make([]byte, 0, 256+64*n), m, req)
	for k, o := range outputs {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendTensorHead(b, o, n)
		for i, u := range fb.units {
			if i > 0 {
				b = append(b, ',')
			}
			switch o.Name {
			case outScore:
				b = strconv.AppendFloat(b, float64(float32(fb.scores[i])), 'g', -1, 32)
			case outLabel:
				b = append(b, label(fb.scores[i], m.Threshold))
			case outWindow:
				b = appendJSONString(b, u.Input())
			}
		}
		b = append(b, "]}"...)
	}
	b = append(b, "]}\n"...)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
	a.afterVectors(w, m, fb.columns, fb.vectors, fb.scores)
	return http.StatusOK
}

// label is '1' for a score at or over the threshold, else '0'.
func label(score, threshold float64) byte {
	if score >= threshold {
		return '1'
	}
	return '0'
}

// appendInferHead appends an inference response up to its outputs'
// first tensor: {"model_name","model_version","id"?,"parameters":{"model",
// "sha256","threshold"},"outputs":[.
func (a *API) appendInferHead(b []byte, m *Model, req *inferRequest) []byte {
	b = append(b, `{"model_name":`...)
	b = appendJSONString(b, a.oipName(m))
	b = append(b, `,"model_version":"`...)
	b = strconv.AppendInt(b, int64(m.Version), 10)
	b = append(b, '"')
	if req.ID != "" {
		b = append(b, `,"id":`...)
		b = appendJSONString(b, req.ID)
	}
	b = append(b, `,"parameters":{"model":`...)
	b = appendJSONString(b, m.Name)
	b = append(b, `,"sha256":"`...)
	b = append(b, m.SHA256...)
	b = append(b, `","threshold":`...)
	b = strconv.AppendFloat(b, m.Threshold, 'g', -1, 64)
	return append(b, `},"outputs":[`...)
}

// appendTensorHead appends an output tensor of n elements up to its
// data's first element.
func appendTensorHead(b []byte, t oipTensor, n int) []byte {
	b = append(b, `{"name":"`...)
	b = append(b, t.Name...)
	b = append(b, `","datatype":"`...)
	b = append(b, t.Datatype...)
	b = append(b, `","shape":[`...)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, `],"data":[`...)
}

// check checks the request against a model's signature and returns its
// input and the outputs to answer, in the order asked (every output, in
// the signature's order, when none is asked for). Its errors name the
// field at fault and what the model takes.
func (req *inferRequest) check(sig oipSignature) (*inferInput, []oipTensor, error) {
	want := func() string {
		return fmt.Sprintf(`this model takes one input, {"name":%q,"datatype":"BYTES","shape":[N],"data":[...N %s]}`, sig.input, sig.what)
	}
	if len(req.Inputs) != 1 {
		return nil, nil, fmt.Errorf("inputs: %d inputs given; %s", len(req.Inputs), want())
	}
	if paramTrue(req.Parameters, "binary_data_output") {
		return nil, nil, fmt.Errorf(`parameters: "binary_data_output": the binary tensor data extension is not supported`)
	}
	in := &req.Inputs[0]
	switch {
	case in.Name != sig.input:
		return nil, nil, fmt.Errorf("inputs[0]: name %q; %s", in.Name, want())
	case in.Datatype != oipBytes:
		return nil, nil, fmt.Errorf("input %q: datatype %q, want %q", in.Name, in.Datatype, oipBytes)
	case in.Shape == nil:
		return nil, nil, fmt.Errorf("input %q: no shape; want [N] for N elements", in.Name)
	case !in.hasData:
		return nil, nil, fmt.Errorf("input %q: no data; the binary tensor data extension is not supported", in.Name)
	case in.Parameters["binary_data_size"] != nil:
		return nil, nil, fmt.Errorf(`input %q: parameters: "binary_data_size": the binary tensor data extension is not supported`, in.Name)
	}
	if err := checkShape(in.Shape, len(in.Data)); err != nil {
		return nil, nil, fmt.Errorf("input %q: %w", in.Name, err)
	}
	if len(req.Outputs) == 0 {
		return in, sig.outputs, nil
	}
	outputs := make([]oipTensor, 0, len(req.Outputs))
	for i, o := range req.Outputs {
		k := slices.IndexFunc(sig.outputs, func(t oipTensor) bool { return t.Name == o.Name })
		switch {
		case k < 0:
			names := make([]string, len(sig.outputs))
			for i, t := range sig.outputs {
				names[i] = strconv.Quote(t.Name)
			}
			return nil, nil, fmt.Errorf("outputs[%d]: unknown output %q; this model gives %s", i, o.Name, strings.Join(names, ", "))
		case slices.ContainsFunc(outputs, func(t oipTensor) bool { return t.Name == o.Name }):
			return nil, nil, fmt.Errorf("outputs[%d]: output %q asked for twice", i, o.Name)
		case paramTrue(o.Parameters, "binary_data"):
			return nil, nil, fmt.Errorf(`outputs[%d]: parameters: "binary_data": the binary tensor data extension is not supported`, i)
		}
		outputs = append(outputs, sig.outputs[k])
	}
	return in, outputs, nil
}

// paramTrue reports whether params set key to true.
func paramTrue(params map[string]json.RawMessage, key string) bool {
	raw := params[key]
	if raw == nil {
		return false
	}
	var v bool
	return json.Unmarshal(raw, &v) == nil && v
}

// checkShape checks a BYTES input's shape against its n elements: [n],
// or [n,1] as clients that send a column write it.
func checkShape(shape []int64, n int) error {
	ok := len(shape) == 1 && shape[0] == int64(n) || len(shape) == 2 && shape[0] == int64(n) && shape[1] == 1
	if !ok {
		return fmt.Errorf("shape %v does not fit its %d elements: want [%d] (or [%d,1])", shape, n, n, n)
	}
	return nil
}
