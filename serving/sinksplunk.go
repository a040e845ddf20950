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

// splunkWriter sends alerts to a Splunk HTTP Event Collector
// (/services/collector/event, "Authorization: Splunk TOKEN"), a batch as
// concatenated JSON events {"time","host","source":"mlctl",
// "sourcetype":"mlctl:alert","index"?,"event":ECSAlert}. HEC takes a
// batch whole or not at all: 400 (a malformed event, an index the token
// may not write) is refused; 401, 403, 429, 5xx and network errors are
// retried (a token fixed in Splunk lets delivery resume).
type splunkWriter struct {
	client   *http.Client
	url      string
	token    string
	hostname string
	index    string
	source   string
}

// hecEvent is one event of a HEC batch.
type hecEvent struct {
	Time       float64  `json:"time"`
	Host       string   `json:"host"`
	Source     string   `json:"source"`
	Sourcetype string   `json:"sourcetype"`
	Index      string   `json:"index,omitempty"`
	Event      ECSAlert `json:"event"`
}

func (w *splunkWriter) send(ctx context.Context, alerts []registry.Alert) error {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	for i := range alerts {
		a := &alerts[i]
		ev := hecEvent{Time: float64(a.SeenAt.UnixMicro()) / 1e6, Host: w.hostname, Source: w.source, Sourcetype: "mlctl:alert",
			Index: w.index, Event: NewECSAlert(a)}
		if err := enc.Encode(ev); err != nil {
			return mlctl.Errorf(mlctl.EINVALID, "splunk: alert %s: %v", a.UID, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, &body)
	if err != nil {
		return mlctl.Errorf(mlctl.EINVALID, "splunk: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Splunk "+w.token)
	resp, err := w.client.Do(req)
	if err != nil {
		return fmt.Errorf("splunk: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode/100 == 2:
		return nil
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusRequestEntityTooLarge:
		return mlctl.Errorf(mlctl.EINVALID, "splunk: HEC answered %s: %s", resp.Status, snippet(raw))
	}
	return fmt.Errorf("splunk: HEC answered %s: %s", resp.Status, snippet(raw))
}

func (w *splunkWriter) close() error {
	w.client.CloseIdleConnections()
	return nil
}
