package serving

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
)

// elasticWriter sends alerts to Elasticsearch's _bulk API, one
// {"create":{"_id":ALERT_ID}} action and ECSAlert a line (NDJSON), to the
// index (or data stream) of the URL's path. An alert's _id is its alert
// ID, so a batch sent again never stores one twice: an item answered 409
// (there already) is delivered. Items answered 429 or 5xx are sent again;
// others (a mapping conflict, say) are refused, logged and dropped. A
// whole request answered 400 or 413 is refused; any other failure (the
// cluster down, 401, 429, 5xx) is retried.
type elasticWriter struct {
	client *http.Client
	url    string // .../INDEX/_bulk[?pipeline=]
	auth   string // the Authorization header ("": none)
	user   string // basic auth when set
	pass   string
}

// bulkResponse is what _bulk answers.
type bulkResponse struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		Status int `json:"status"`
		Error  *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	} `json:"items"`
}

func (w *elasticWriter) send(ctx context.Context, alerts []registry.Alert) error {
	var body bytes.Buffer
	for i := range alerts {
		doc, err := json.Marshal(NewECSAlert(&alerts[i]))
		if err != nil {
			return mlctl.Errorf(mlctl.EINVALID, "elasticsearch: alert %s: %v", alerts[i].UID, err)
		}
		action, _ := json.Marshal(map[string]map[string]string{"create": {"_id": alerts[i].UID}})
		body.Write(action)
		body.WriteByte('\n')
		body.Write(doc)
		body.WriteByte('\n')
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, &body)
	if err != nil {
		return mlctl.Errorf(mlctl.EINVALID, "elasticsearch: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	if w.auth != "" {
		req.Header.Set("Authorization", w.auth)
	} else if w.user != "" {
		req.SetBasicAuth(w.user, w.pass)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("elasticsearch: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("elasticsearch: read the _bulk answer: %w", err)
	}
	switch {
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusRequestEntityTooLarge:
		return mlctl.Errorf(mlctl.EINVALID, "elasticsearch: _bulk answered %s: %s", resp.Status, snippet(raw))
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("elasticsearch: _bulk answered %s: %s", resp.Status, snippet(raw))
	}
	var br bulkResponse
	if err := json.Unmarshal(raw, &br); err != nil {
		return fmt.Errorf("elasticsearch: the _bulk answer does not decode: %w", err)
	}
	if !br.Errors {
		return nil
	}
	if len(br.Items) != len(alerts) {
		return fmt.Errorf("elasticsearch: _bulk answered %d items for %d documents", len(br.Items), len(alerts))
	}
	var retry []registry.Alert
	refused := 0
	var first error
	for i, item := range br.Items {
		for _, r := range item { // one action: "create"
			switch {
			case r.Status/100 == 2 || r.Status == http.StatusConflict:
			case r.Status == http.StatusTooManyRequests || r.Status >= 500:
				retry = append(retry, alerts[i])
			default:
				refused++
			}
			if r.Error != nil && r.Status != http.StatusConflict && first == nil {
				first = fmt.Errorf("elasticsearch: alert %s: %d %s: %s", alerts[i].UID, r.Status, r.Error.Type, r.Error.Reason)
			}
		}
	}
	if len(retry) == 0 && refused == 0 {
		return nil
	}
	if first == nil {
		first = fmt.Errorf("elasticsearch: _bulk answered errors")
	}
	return &sendError{Retry: retry, Refused: refused, Err: first}
}

func (w *elasticWriter) close() error {
	w.client.CloseIdleConnections()
	return nil
}

// snippet is the start of a peer's answer, for an error message.
func snippet(b []byte) string {
	const max = 300
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
