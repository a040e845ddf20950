package temporaltest

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// TLSProxy puts TLS in front of a plain dev server, as a TLS-terminating
// load balancer or Temporal Cloud's frontend would: it accepts TLS (mutual
// TLS when given client CAs) on a loopback port and forwards the bytes to
// the server. It reads the HTTP/2 stream the clients send on the way
// through, so a test can see the gRPC request headers (an API key's
// authorization header) that reached the frontend.
type TLSProxy struct {
	ln     net.Listener
	target string
	conf   *tls.Config

	mu         sync.Mutex
	headers    map[string][]string
	refused    []string
	handshakes int
	conns      map[net.Conn]struct{}
	closed     bool
	wg         sync.WaitGroup
}

// StartTLSProxy listens on a free loopback port with the server
// certificate cert and forwards to target (host:port). With clientCAs, a
// client must present a certificate that they signed (RequireAndVerifyClientCert).
// The proxy closes when the test ends.
func StartTLSProxy(tb testing.TB, target string, cert tls.Certificate, clientCAs *x509.CertPool) *TLSProxy {
	tb.Helper()
	conf := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2"}}
	if clientCAs != nil {
		conf.ClientCAs = clientCAs
		conf.ClientAuth = tls.RequireAndVerifyClientCert
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("TLS proxy: listen: %v", err)
	}
	p := &TLSProxy{ln: ln, target: target, conf: conf, headers: map[string][]string{}, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	tb.Cleanup(p.Close)
	return p
}

// Addr is the proxy's host:port.
func (p *TLSProxy) Addr() string { return p.ln.Addr().String() }

// Header returns the values of a request header (lowercase name) that
// clients sent through the proxy so far.
func (p *TLSProxy) Header(name string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.headers[name]...)
}

// Refused returns why the proxy refused handshakes so far (the TLS
// errors on the server side, such as a missing client certificate).
func (p *TLSProxy) Refused() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.refused...)
}

// Handshakes is the number of TLS handshakes that succeeded.
func (p *TLSProxy) Handshakes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.handshakes
}

// Close stops the proxy and ends every connection through it.
func (p *TLSProxy) Close() {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}

func (p *TLSProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			c.Close()
			return
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// track remembers c for Close; false once the proxy is closed.
func (p *TLSProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *TLSProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *TLSProxy) serve(raw net.Conn) {
	defer p.wg.Done()
	defer p.untrack(raw)
	tc := tls.Server(raw, p.conf)
	tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		p.mu.Lock()
		p.refused = append(p.refused, err.Error())
		p.mu.Unlock()
		return
	}
	tc.SetDeadline(time.Time{})
	p.mu.Lock()
	p.handshakes++
	p.mu.Unlock()
	up, err := net.DialTimeout("tcp", p.target, 10*time.Second)
	if err != nil {
		return
	}
	if !p.track(up) {
		up.Close()
		return
	}
	defer p.untrack(up)

	pr, pw := io.Pipe()
	go p.readHeaders(pr)
	done := make(chan struct{}, 2)
	go func() {
		io.Copy(up, io.TeeReader(tc, pw))
		pw.Close()
		done <- struct{}{}
	}()
	go func() {
		io.Copy(tc, up)
		done <- struct{}{}
	}()
	<-done // either side ending ends the connection
}

// readHeaders decodes the client's side of an HTTP/2 connection (the
// preface, then frames) and records the request headers; after anything it
// cannot parse it only drains, so forwarding never waits on it.
func (p *TLSProxy) readHeaders(r *io.PipeReader) {
	defer io.Copy(io.Discard, r)
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(r, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	fr := http2.NewFramer(nil, r)
	fr.SetMaxReadFrameSize(1 << 24)
	dec := hpack.NewDecoder(4096, nil)
	dec.SetAllowedMaxDynamicTableSize(1 << 20)
	fr.ReadMetaHeaders = dec
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		mh, ok := f.(*http2.MetaHeadersFrame)
		if !ok {
			continue
		}
		p.mu.Lock()
		for _, h := range mh.Fields {
			if !strings.HasPrefix(h.Name, ":") {
				p.headers[h.Name] = append(p.headers[h.Name], h.Value)
			}
		}
		p.mu.Unlock()
	}
}
