package serving

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// TestScorerBoundsRequests runs a scorer on a real registry with small
// bounds: a request of more inputs than --max-inputs is answered 413
// naming the limit; while a slow client stalls its body (headers sent)
// another request is scored, though --max-in-flight is 1: a body being
// read holds bytes of the body budget, not a slot (until this was so, it
// was answered 503); the read timeout cuts the slow client off (408); the
// idle timeout closes a keep-alive connection. The
// timeouts' margins are wide: the test waits for what it checks rather
// than timing it.
func TestScorerBoundsRequests(t *testing.T) {
	db := registrytest.Open(t)
	m := publishModel(t, db, "dga", 7)
	if _, err := db.SetAlias(context.Background(), registry.MoveAlias{Alias: "production", ModelID: m.ID, Action: mlctl.ActionPromote, By: "t"}); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	srv, err := NewServer(db, Config{Alias: "production", HTTPAddr: "127.0.0.1:0", MaxInputs: 10, MaxInFlight: 1,
		HTTP: HTTPTimeouts{Read: 3 * time.Second, Idle: 500 * time.Millisecond}}, quiet, reg)
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
	for deadline := time.Now().Add(20 * time.Second); srv.Holder().Get() == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no model loaded within 20s")
		}
	}
	names := func(n int) string {
		q := make([]string, n)
		for i := range q {
			q[i] = fmt.Sprintf(`"host%d.example.com"`, i)
		}
		return `{"names":[` + strings.Join(q, ",") + `]}`
	}
	if code, body := postBody(t, srv.Addr(), names(10)); code != 200 {
		t.Fatalf("10 names with --max-inputs 10: %d %s", code, body)
	}
	if code, body := postBody(t, srv.Addr(), names(11)); code != 413 || !strings.Contains(body, "more than 10 names in one request (the scorer's --max-inputs)") {
		t.Fatalf("11 names with --max-inputs 10: %d %s", code, body)
	}
	if code, body := postBody(t, srv.Addr(), `{"txt":["a","b","c","d","e","f","g","h","i","j","k"]}`); code != 413 || !strings.Contains(body, "more than 10 TXT records") {
		t.Fatalf("11 TXT records with --max-inputs 10: %d %s", code, body)
	}

	// A slow client: headers, the start of a body, then nothing.
	slow, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "POST /v1/score HTTP/1.1\r\nHost: scorer\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"names\":[\"a.com\",")
	if code, body := postBody(t, srv.Addr(), names(1)); code != 200 {
		t.Fatalf("a request beside the slow one with --max-in-flight 1: %d %s (a body being read holds no slot)", code, body)
	}
	slow.SetReadDeadline(time.Now().Add(30 * time.Second)) // the read timeout is 3 s: 30 s only fails a scorer without one
	answer, err := http.ReadResponse(bufio.NewReader(slow), nil)
	if err != nil {
		t.Fatalf("the slow client was not answered: %v", err)
	}
	answer.Body.Close()
	if answer.StatusCode != http.StatusRequestTimeout {
		t.Fatalf("the slow client was answered %s, want 408", answer.Status)
	}
	if _, err := slow.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("the slow client's connection was not closed: %v", err)
	}
	if code, body := postBody(t, srv.Addr(), names(1)); code != 200 {
		t.Fatalf("after the slow client was cut off: %d %s", code, body)
	}

	// An idle keep-alive connection is closed after the idle timeout.
	idle, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	fmt.Fprintf(idle, "GET /healthz HTTP/1.1\r\nHost: scorer\r\n\r\n")
	br := bufio.NewReader(idle)
	if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz on a raw connection: %v %v", resp, err)
	} else {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	idle.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("an idle keep-alive connection was not closed: %v", err)
	}

	out := scrape(t, reg)
	for _, want := range []string{`mlctl_http_rejected_total{reason="in_flight"} 0`, `mlctl_http_rejected_total{reason="too_many_inputs"} 2`,
		`mlctl_http_rejected_total{reason="read_timeout"} 1`, `mlctl_http_rejected_total{reason="body_too_large"} 0`,
		`mlctl_http_requests_total{code="408"} 1`, "mlctl_http_requests_in_flight 0\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestReadScoreRequest: the streaming decoder's answers to bodies the
// score API test does not send, and a request over the limit is read to
// its end (so its client, still sending, reads the 413).
func TestReadScoreRequest(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`[1]`, "want a JSON object, got array"},
		{`{"names":["a.com"],"names":["b.com"]}`, `field "names" given twice`},
		{`{"names":["a.com"]} {}`, "more than one value in the body"},
		{`{"names":["a.com"]} x`, "invalid character 'x'"},
		{`{"flows":[1,2,3]}`, "more than 2 flows"},
		{`{"names":[{"a":1}]}`, `field "names": want an array of strings, got JSON object`},
		{`{"names":["a.com",`, "unexpected end of input"},
	} {
		_, err := readScoreRequest(strings.NewReader(c.body), 2)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.body, err, c.want)
		}
	}
	for _, body := range []string{`{"names":null}`, `{}`, " {\"names\":[]}\n"} {
		if r, err := readScoreRequest(strings.NewReader(body), 2); err != nil || len(r.Names) != 0 {
			t.Errorf("%q: %+v %v", body, r, err)
		}
	}
	r, err := readScoreRequest(strings.NewReader(`{"flows":[{"ts":1},{"ts":2}]}`), 2)
	if err != nil || len(r.Flows) != 2 || string(r.Flows[0]) != `{"ts":1}` || string(r.Flows[1]) != `{"ts":2}` {
		t.Fatalf("two flows: %+v %v", r, err)
	}
	rest := strings.NewReader(`{"names":["a","b","c"` + strings.Repeat(`,"x"`, 10000) + `]}`)
	if _, err := readScoreRequest(rest, 2); err == nil || rest.Len() != 0 {
		t.Fatalf("over the limit: %v, %d bytes left unread", err, rest.Len())
	}
}
