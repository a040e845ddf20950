package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// slowClient is a raw TCP connection to a scorer that sends its request a
// little at a time, as a slow or hostile client does.
type slowClient struct {
	conn net.Conn
	stop chan struct{}
	wg   sync.WaitGroup
}

// dialSlow connects to addr, sends head at once, then one byte of drip
// every interval until stopped or the connection fails.
func dialSlow(t *testing.T, addr, head string, drip byte, interval time.Duration) *slowClient {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	sc := &slowClient{conn: c, stop: make(chan struct{})}
	t.Cleanup(sc.close)
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatalf("write to %s: %v", addr, err)
	}
	if interval > 0 {
		sc.wg.Add(1)
		go func() {
			defer sc.wg.Done()
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for {
				select {
				case <-sc.stop:
					return
				case <-tick.C:
				}
				if _, err := c.Write([]byte{drip}); err != nil {
					return
				}
			}
		}()
	}
	return sc
}

func (sc *slowClient) close() {
	select {
	case <-sc.stop:
	default:
		close(sc.stop)
	}
	sc.conn.Close()
	sc.wg.Wait()
}

// cutOff waits (up to within) for the scorer to end the connection and
// says how: "408" when it answered 408 first, "closed" when it just
// closed it; anything else fails the test.
func (sc *slowClient) cutOff(t *testing.T, within time.Duration) string {
	t.Helper()
	sc.conn.SetReadDeadline(time.Now().Add(within))
	br := bufio.NewReader(sc.conn)
	how := "closed"
	if _, err := br.Peek(1); err == nil {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("the scorer wrote something that is not an HTTP answer: %v", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestTimeout {
			t.Fatalf("a slow client was answered %s, want 408 or a closed connection", resp.Status)
		}
		how = "408"
	}
	_, err := br.ReadByte()
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), isReset(err):
		return how
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("the scorer kept a slow client's connection open for %s (%s so far)", within, how)
	default:
		t.Fatalf("reading from a slow client's connection after %s: %v", how, err)
	}
	return ""
}

func isReset(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe"))
}

// scoreOnce posts one small request on a fresh connection and returns the
// status and how long the answer took.
func scoreOnce(t *testing.T, addr string, i int) (int, time.Duration) {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	began := time.Now()
	resp, err := c.Post("http://"+addr+"/v1/score", "application/json",
		strings.NewReader(fmt.Sprintf(`{"names":["host%d.example.com","xkqwjzprtmvb%d.net"]}`, i, i)))
	if err != nil {
		t.Fatalf("score request %d: %v", i, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(began)
}

// TestSlowClients runs real scorers (`mlctl serve --http`) against slow
// clients: (a) a client that sends its headers and then trickles its body
// is cut off by --http-read-timeout (408, connection closed), as is one
// that trickles its headers; (b) an idle keep-alive connection is closed
// after --http-idle-timeout; (c) while 50 slow clients hold connections
// (25 trickling headers, 25 idle keep-alive), score requests are answered
// promptly; (d) slow bodies hold no --max-in-flight slot (only the bytes
// they sent, of the body budget), so requests beside 20 of them are scored
// at once; (e) clients that do not read their answers do hold slots, until
// --http-write-timeout: others are answered 503 rather than left hanging,
// and scoring comes back.
func TestSlowClients(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	s.trainModels("dga", 1)
	s.run("promote", "dga@1", "--wait")
	const read, idle, write = 2 * time.Second, time.Second, 3 * time.Second
	tight := s.startScorer(freeAddr(t), "--alias", "production", "--max-in-flight", "4",
		"--http-read-timeout", read.String(), "--http-idle-timeout", idle.String(), "--http-write-timeout", write.String())
	loose := s.startScorer(freeAddr(t), "--alias", "production", "--max-in-flight", "4")
	tight.waitVersion(1, 30*time.Second)
	loose.waitVersion(1, 30*time.Second)

	bodyHead := "POST /v1/score HTTP/1.1\r\nHost: scorer\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"names\":[\"a.com\""
	headerHead := "POST /v1/score HTTP/1.1\r\nHost: scorer\r\nX-Slow: "

	// (a) A trickled body (a byte every 100 ms, far from its Content-Length)
	// and trickled headers are cut off by the read timeout.
	for _, c := range []struct{ what, head string }{{"body", bodyHead}, {"headers", headerHead}} {
		began := time.Now()
		sc := dialSlow(t, tight.addr, c.head, ' ', 100*time.Millisecond)
		how := sc.cutOff(t, 30*time.Second)
		took := time.Since(began)
		t.Logf("(a) trickled %s: %s after %s (--http-read-timeout %s)", c.what, how, took.Round(time.Millisecond), read)
		if took < read-250*time.Millisecond {
			t.Fatalf("trickled %s cut off after %s, before the read timeout of %s", c.what, took, read)
		}
		if c.what == "body" && how != "408" {
			t.Fatalf("a trickled body was not answered 408 (connection %s)", how)
		}
		sc.close()
	}

	// (b) An idle keep-alive connection is closed after the idle timeout.
	ka := dialSlow(t, tight.addr, "GET /healthz HTTP/1.1\r\nHost: scorer\r\n\r\n", 0, 0)
	br := bufio.NewReader(ka.conn)
	ka.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz on a keep-alive connection: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	answered := time.Now()
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) && !isReset(err) {
		t.Fatalf("an idle keep-alive connection was not closed within 30 s: %v", err)
	}
	idleFor := time.Since(answered)
	t.Logf("(b) idle keep-alive connection closed after %s (--http-idle-timeout %s)", idleFor.Round(time.Millisecond), idle)
	if idleFor < idle-250*time.Millisecond {
		t.Fatalf("an idle connection was closed after %s, before the idle timeout of %s", idleFor, idle)
	}
	ka.close()

	// (c) 50 slow clients on the scorer with default timeouts (headers have
	// 10 s, idle connections 120 s): score requests are answered at once.
	heldSince := time.Now()
	var slow []*slowClient
	for i := 0; i < 25; i++ {
		slow = append(slow, dialSlow(t, loose.addr, headerHead, 'x', 500*time.Millisecond))
		k := dialSlow(t, loose.addr, "GET /healthz HTTP/1.1\r\nHost: scorer\r\n\r\n", 0, 0)
		k.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		if resp, err := http.ReadResponse(bufio.NewReader(k.conn), nil); err != nil || resp.StatusCode != 200 {
			t.Fatalf("healthz of keep-alive client %d: %v %v", i, resp, err)
		}
		slow = append(slow, k)
	}
	var worst time.Duration
	for i := 0; i < 20; i++ {
		code, took := scoreOnce(t, loose.addr, i)
		if code != 200 {
			t.Fatalf("score request %d beside 50 slow clients: %d", i, code)
		}
		worst = max(worst, took)
	}
	if held := time.Since(heldSince); held > 9*time.Second {
		t.Fatalf("the 50 slow clients were held %s, past the 10 s header timeout: the check proves nothing on a machine this slow", held)
	}
	t.Logf("(c) 20 score requests beside 50 slow clients: all 200, slowest %s", worst.Round(time.Millisecond))
	if worst > 2*time.Second {
		t.Fatalf("a score request beside 50 slow clients took %s", worst)
	}
	for _, sc := range slow {
		sc.close()
	}

	// (d) Five times as many trickled bodies as --max-in-flight: a body
	// being read holds the bytes it sent, not a slot, so score requests
	// beside them are answered 200 at once; the tricklers are cut off by
	// the read timeout. (Before the body budget, 4 tricklers took every
	// slot and others got 503 until the read timeout.)
	began := time.Now()
	var tricklers []*slowClient
	for i := 0; i < 20; i++ {
		tricklers = append(tricklers, dialSlow(t, tight.addr, bodyHead, ' ', 100*time.Millisecond))
	}
	var slowest time.Duration
	for i := 0; i < 5; i++ {
		code, took := scoreOnce(t, tight.addr, i)
		if code != 200 || took > 2*time.Second {
			t.Fatalf("score request %d beside 20 trickled bodies: %d after %s", i, code, took)
		}
		slowest = max(slowest, took)
	}
	if time.Since(began) > read {
		t.Fatalf("the checks beside the trickled bodies took %s, past the read timeout of %s: they prove nothing on a machine this slow", time.Since(began), read)
	}
	for _, sc := range tricklers {
		if how := sc.cutOff(t, 30*time.Second); how != "408" {
			t.Fatalf("a trickled body was not answered 408 (connection %s)", how)
		}
	}
	t.Logf("(d) 5 score requests beside 20 trickled bodies (--max-in-flight 4): all 200, slowest %s; the tricklers were cut off (408) after %s",
		slowest.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))

	// (e) As many clients as --max-in-flight send 100,000 names and do not
	// read the answer (megabytes, more than the socket buffers hold): they
	// hold the slots until --http-write-timeout ends their answers, then
	// scoring is back.
	big := make([]string, 100_000)
	for i := range big {
		big[i] = fmt.Sprintf(`"host%d.example%d.com"`, i, i%97)
	}
	bigBody := `{"names":[` + strings.Join(big, ",") + `]}`
	began = time.Now()
	for i := 0; i < 4; i++ {
		sc := dialSlow(t, tight.addr, fmt.Sprintf("POST /v1/score HTTP/1.1\r\nHost: scorer\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(bigBody), bigBody), 0, 0)
		sc.conn.(*net.TCPConn).SetReadBuffer(4096)
	}
	for tight.srcMetric("mlctl_http_requests_in_flight") < 4 {
		if time.Since(began) > 30*time.Second {
			t.Fatalf("4 clients that do not read their answers never held the 4 in-flight slots")
		}
		time.Sleep(10 * time.Millisecond)
	}
	code, took := scoreOnce(t, tight.addr, 1)
	if (code != 200 && code != http.StatusServiceUnavailable) || took > 5*time.Second {
		t.Fatalf("score request beside clients that do not read: %d after %s", code, took)
	}
	for tight.srcMetric("mlctl_http_requests_in_flight") > 0 {
		if time.Since(began) > 60*time.Second {
			t.Fatalf("clients that do not read their answers still held slots after 60 s (--http-write-timeout %s)", write)
		}
		time.Sleep(20 * time.Millisecond)
	}
	freed := time.Since(began)
	if code, _ := scoreOnce(t, tight.addr, 1000); code != 200 {
		t.Fatalf("score request after the write timeout freed the slots: %d", code)
	}
	t.Logf("(e) 4 clients that do not read 100,000-name answers held the 4 in-flight slots; a score request beside them: %d after %s; the slots were free %s after they connected (--http-write-timeout %s)",
		code, took.Round(time.Millisecond), freed.Round(time.Millisecond), write)

	if m := tight.srcMetric(`mlctl_http_rejected_total{reason="read_timeout"}`); m < 21 {
		t.Fatalf("mlctl_http_rejected_total{reason=\"read_timeout\"} is %v, want at least 21 (one trickled body in (a), 20 in (d))", m)
	}
}
