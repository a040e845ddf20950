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

// scoreFlows scores a batch of Zeek conn.log records (JSON objects, as
// Zeek's JSON logs write them) with a flow model: the flows are grouped
// into source windows as `mlctl score` groups a conn.log, and each window
// is one result. Flows that cannot be read are listed by index in
// "errors"; the rest are scored.
func (a *API) scoreFlows(w http.ResponseWriter, m *Model, flows []json.RawMessage) int {
	p := datasets.NewConnParser("request")
	var recs []datasets.ConnRecord
	var bad []flowError
	for i, raw := range flows {
		rec, ok, err := p.Line(string(raw), i+1)
		switch {
		case err != nil:
			bad = append(bad, flowError{Flow: i, Error: err.Error()})
		case ok:
			recs = append(recs, rec)
		}
	}
	set := flow.DefaultWindowSet()
	units, err := flow.Windows(recs, flow.WindowsConfig{Set: set})
	if err != nil {
		return httpError(w, http.StatusBadRequest, "flows: "+err.Error())
	}
	vectors := make([][]float64, len(units))
	for i, u := range units {
		vectors[i] = u.Values
	}
	scores := make([]float64, len(units))
	if err := m.Scorer.ScoreVectors(set.Names(), vectors, scores); err != nil {
		return httpError(w, http.StatusInternalServerError, fmt.Sprintf("score with %s: %v", m.Ref(), err))
	}
	a.Metrics.NamesScored.Add(uint64(len(units)))
	out := struct {
		Model     string       `json:"model"`
		Version   int          `json:"version"`
		SHA256    string       `json:"sha256"`
		Threshold float64      `json:"threshold"`
		Results   []flowResult `json:"results"`
		Errors    []flowError  `json:"errors,omitempty"`
	}{Model: m.Name, Version: m.Version, SHA256: m.SHA256, Threshold: m.Threshold, Results: make([]flowResult, len(units)), Errors: bad}
	for i, u := range units {
		label := 0
		if scores[i] >= m.Threshold {
			label = 1
		}
		out.Results[i] = flowResult{Input: u.Input(), SrcIP: u.SrcIP.String(), WindowStart: u.WindowStart.UTC().Format(time.RFC3339Nano),
			WindowSeconds: u.WindowSeconds, Score: scores[i], Label: label}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return httpError(w, http.StatusInternalServerError, fmt.Sprintf("encode the answer: %v", err))
	}
	body = append(body, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
	a.afterVectors(w, m, set.Names(), vectors, scores)
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
