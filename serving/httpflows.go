package serving

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/flow"
)

// flowResult is one scored source window of a {"flows":[...]} request.
type flowResult struct {
	Input         string  `json:"input"`
	SrcIP         string  `json:"src_ip"`
	WindowStart   string  `json:"window_start"`
	WindowSeconds int     `json:"window_seconds"`
	Score         float64 `json:"score"`
	Label         int     `json:"label"`
}

// flowError names a flow of the request that could not be read.
type flowError struct {
	Flow  int    `json:"flow"`
	Error string `json:"error"`
}

// flowBatch is a batch of Zeek conn.log records of one HTTP request,
// grouped into source windows and scored, as both APIs (/v1/score and the
// Open Inference Protocol's infer) score it.
type flowBatch struct {
	units   []flow.Unit
	columns []string
	vectors [][]float64
	scores  []float64
	bad     []flowError // flows that could not be read, by index
}

// readFlows reads a batch of Zeek conn.log records (JSON objects, as
// Zeek's JSON logs write them) and groups them into source windows as
// `mlctl score` groups a conn.log. Flows that cannot be read are listed in
// bad; an error is a batch that cannot be windowed.
func readFlows(flows []string) (*flowBatch, error) {
	p := datasets.NewConnParser("request")
	var recs []datasets.ConnRecord
	fb := &flowBatch{}
	for i, raw := range flows {
		rec, ok, err := p.Line(raw, i+1)
		switch {
		case err != nil:
			fb.bad = append(fb.bad, flowError{Flow: i, Error: err.Error()})
		case ok:
			recs = append(recs, rec)
		}
	}
	set := flow.DefaultWindowSet()
	units, err := flow.Windows(recs, flow.WindowsConfig{Set: set})
	if err != nil {
		return nil, fmt.Errorf("flows: %w", err)
	}
	fb.units, fb.columns = units, set.Names()
	fb.vectors = make([][]float64, len(units))
	for i, u := range units {
		fb.vectors[i] = u.Values
	}
	return fb, nil
}

// scoreFlowsWith scores the batch's windows with m and counts them.
func (a *API) scoreFlowsWith(fb *flowBatch, m *Model) error {
	fb.scores = make([]float64, len(fb.units))
	if err := m.Scorer.ScoreVectors(fb.columns, fb.vectors, fb.scores); err != nil {
		return fmt.Errorf("score with %s: %w", m.Ref(), err)
	}
	a.Metrics.NamesScored.Add(uint64(len(fb.units)))
	return nil
}

// scoreFlows scores a batch of Zeek conn.log records with a flow model
// (readFlows): each window is one result. Flows that cannot be read are
// listed by index in "errors"; the rest are scored.
func (a *API) scoreFlows(w http.ResponseWriter, m *Model, flows []json.RawMessage) int {
	raw := make([]string, len(flows))
	for i, f := range flows {
		raw[i] = string(f)
	}
	fb, err := readFlows(raw)
	if err != nil {
		return httpError(w, http.StatusBadRequest, err.Error())
	}
	if err := a.scoreFlowsWith(fb, m); err != nil {
		return httpError(w, http.StatusInternalServerError, err.Error())
	}
	out := struct {
		Model     string       `json:"model"`
		Version   int          `json:"version"`
		SHA256    string       `json:"sha256"`
		Threshold float64      `json:"threshold"`
		Results   []flowResult `json:"results"`
		Errors    []flowError  `json:"errors,omitempty"`
	}{Model: m.Name, Version: m.Version, SHA256: m.SHA256, Threshold: m.Threshold, Results: make([]flowResult, len(fb.units)), Errors: fb.bad}
	for i, u := range fb.units {
		label := 0
		if fb.scores[i] >= m.Threshold {
			label = 1
		}
		out.Results[i] = flowResult{Input: u.Input(), SrcIP: u.SrcIP.String(), WindowStart: u.WindowStart.UTC().Format(time.RFC3339Nano),
			WindowSeconds: u.WindowSeconds, Score: fb.scores[i], Label: label}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return httpError(w, http.StatusInternalServerError, fmt.Sprintf("encode the answer: %v", err))
	}
	body = append(body, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
	a.afterVectors(w, m, fb.columns, fb.vectors, fb.scores)
	return http.StatusOK
}

// afterVectors is afterStrings for the vectors of a flows request.
func (a *API) afterVectors(w http.ResponseWriter, m *Model, columns []string, vectors [][]float64, scores []float64) {
	sh := a.Holder.ShadowOf(m)
	if sh != nil {
		http.NewResponseController(w).Flush() // the answer is whole (Content-Length)
	}
	// Either error is a bug (the champion scored these columns, and the
	// challenger has its kind), not input; the answer is sent: log it.
	if err := m.Sample.offerVectors(columns, vectors); err != nil {
		a.logger().Error("flows request", "error", err)
	}
	if sh != nil {
		if err := sh.scoreVectors(columns, vectors, scores); err != nil {
			a.logger().Error("flows request", "error", err)
		}
	}
}
