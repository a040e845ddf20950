package sinktest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// BulkServer implements Elasticsearch's _bulk API (POST /INDEX/_bulk,
// NDJSON "create" actions with an _id) over an in-memory index: a
// document created twice is answered 409, as Elasticsearch does.
// ItemStatus, when set, chooses an item's answer before it is stored
// (0: store it), so a test can answer 429 or 400 to some.
type BulkServer struct {
	*httptest.Server
	// APIKey, when set, is the key every request must carry
	// ("Authorization: ApiKey KEY"); others get 401.
	APIKey string
	// ItemStatus chooses the status of the n-th item ever received (0:
	// created), given its _id.
	ItemStatus func(n int, id string) int

	mu       sync.Mutex
	docs     map[string]json.RawMessage
	order    []string
	items    int
	requests int
	keep     bool
}

// NewBulkServer starts a _bulk server on 127.0.0.1; keep=false counts
// documents without keeping them (benchmarks).
func NewBulkServer(keep bool) *BulkServer {
	s := &BulkServer{docs: map[string]json.RawMessage{}, keep: keep}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

func (s *BulkServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/_bulk") {
		http.Error(w, `{"error":"not _bulk"}`, http.StatusNotFound)
		return
	}
	if s.APIKey != "" && r.Header.Get("Authorization") != "ApiKey "+s.APIKey {
		http.Error(w, `{"error":"security_exception"}`, http.StatusUnauthorized)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-ndjson") && !strings.HasPrefix(ct, "application/json") {
		http.Error(w, `{"error":"content type"}`, http.StatusNotAcceptable)
		return
	}
	sc := bufio.NewScanner(r.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	type result struct {
		Status int            `json:"status"`
		ID     string         `json:"_id"`
		Error  map[string]any `json:"error,omitempty"`
	}
	var items []map[string]result
	anyErr := false
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	for sc.Scan() {
		var action map[string]struct {
			ID string `json:"_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &action); err != nil || len(action) != 1 {
			http.Error(w, fmt.Sprintf(`{"error":"action line: %v"}`, err), http.StatusBadRequest)
			return
		}
		if !sc.Scan() {
			http.Error(w, `{"error":"no document after the action"}`, http.StatusBadRequest)
			return
		}
		doc := append(json.RawMessage(nil), sc.Bytes()...)
		if !json.Valid(doc) {
			http.Error(w, `{"error":"document is not JSON"}`, http.StatusBadRequest)
			return
		}
		var op, id string
		for k, v := range action {
			op, id = k, v.ID
		}
		s.items++
		st := 0
		if s.ItemStatus != nil {
			st = s.ItemStatus(s.items, id)
		}
		res := result{ID: id}
		switch {
		case st != 0:
			res.Status = st
			res.Error = map[string]any{"type": map[int]string{429: "es_rejected_execution_exception", 400: "document_parsing_exception"}[st], "reason": "injected by the test"}
		case op == "create" && s.docs[id] != nil:
			res.Status = http.StatusConflict
			res.Error = map[string]any{"type": "version_conflict_engine_exception", "reason": "document already exists"}
		default:
			res.Status = http.StatusCreated
			if !s.keep {
				doc = json.RawMessage("{}")
			}
			s.docs[id] = doc
			s.order = append(s.order, id)
		}
		if res.Status >= 300 {
			anyErr = true
		}
		items = append(items, map[string]result{op: res})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"took": 1, "errors": anyErr, "items": items})
}

// Docs are the documents stored, in the order they were created.
func (s *BulkServer) Docs() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]json.RawMessage, len(s.order))
	for i, id := range s.order {
		out[i] = s.docs[id]
	}
	return out
}

// Count is how many documents are stored; Requests how many _bulk
// requests came.
func (s *BulkServer) Count() int    { s.mu.Lock(); defer s.mu.Unlock(); return len(s.order) }
func (s *BulkServer) Requests() int { s.mu.Lock(); defer s.mu.Unlock(); return s.requests }

// HECServer is a Splunk HTTP Event Collector (POST
// /services/collector/event) that checks "Authorization: Splunk TOKEN"
// and decodes a body of concatenated JSON events, each of which must have
// an "event".
type HECServer struct {
	*httptest.Server
	Token string

	mu       sync.Mutex
	events   []json.RawMessage
	count    int
	unauth   int
	keep     bool
	failNext int
}

// NewHECServer starts a HEC on 127.0.0.1 taking token; keep=false counts
// events without keeping them.
func NewHECServer(token string, keep bool) *HECServer {
	s := &HECServer{Token: token, keep: keep}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// FailNext answers the next n requests 503 (server busy), as a HEC whose
// indexers are behind does.
func (s *HECServer) FailNext(n int) { s.mu.Lock(); s.failNext = n; s.mu.Unlock() }

func (s *HECServer) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/services/collector/event" || r.Method != http.MethodPost {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"text":"The requested URL was not found on this server.","code":404}`)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Header.Get("Authorization") != "Splunk "+s.Token {
		s.unauth++
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"text":"Invalid authorization","code":3}`)
		return
	}
	if s.failNext > 0 {
		s.failNext--
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"text":"Server is busy","code":9}`)
		return
	}
	dec := json.NewDecoder(r.Body)
	var got []json.RawMessage
	for dec.More() {
		var ev struct {
			Event json.RawMessage `json:"event"`
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil || json.Unmarshal(raw, &ev) != nil || len(bytes.TrimSpace(ev.Event)) == 0 {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"text":"Event field is required","code":12}`)
			return
		}
		got = append(got, raw)
	}
	s.count += len(got)
	if s.keep {
		s.events = append(s.events, got...)
	}
	fmt.Fprint(w, `{"text":"Success","code":0}`)
}

// Events are the events received (whole HEC events, with their "event").
func (s *HECServer) Events() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.events...)
}

// Count is how many events were taken; Unauthorized how many requests
// carried a wrong token.
func (s *HECServer) Count() int        { s.mu.Lock(); defer s.mu.Unlock(); return s.count }
func (s *HECServer) Unauthorized() int { s.mu.Lock(); defer s.mu.Unlock(); return s.unauth }
