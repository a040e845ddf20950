// Package netfault puts a real network fault between a test's client and
// a real server: a TCP proxy that can be cut (every connection through it
// reset, new ones refused) and restored, as a server outage or a network
// partition looks to the client.
package netfault

import (
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy forwards TCP connections from its own loopback address to a target
// while up.
type Proxy struct {
	target string
	ln     net.Listener

	mu    sync.Mutex
	up    bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

// Start listens on a free loopback port and forwards to target
// (host:port); the proxy is up. It closes when the test ends.
func Start(tb testing.TB, target string) *Proxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("netfault: listen: %v", err)
	}
	p := &Proxy{target: target, ln: ln, up: true, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	tb.Cleanup(p.Close)
	return p
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// URL returns u (a URL such as a PostgreSQL connection string) with its
// host:port replaced by the proxy's.
func (p *Proxy) URL(tb testing.TB, u string) string {
	tb.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		tb.Fatalf("netfault: %v", err)
	}
	parsed.Host = p.Addr()
	return parsed.String()
}

// Cut resets every connection through the proxy and refuses new ones
// until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = false
	for c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // a reset, as a server that went away
		}
		c.Close()
	}
}

// Restore lets connections through again.
func (p *Proxy) Restore() {
	p.mu.Lock()
	p.up = true
	p.mu.Unlock()
}

// Close stops the proxy and ends every connection.
func (p *Proxy) Close() {
	p.ln.Close()
	p.Cut()
	p.wg.Wait()
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		up := p.up
		p.mu.Unlock()
		if !up {
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
			continue
		}
		p.wg.Add(1)
		go p.forward(c)
	}
}

// forward copies both ways between c and a new connection to the target.
func (p *Proxy) forward(c net.Conn) {
	defer p.wg.Done()
	t, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	if !p.track(c, t) {
		return
	}
	defer p.untrack(c, t)
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, err := io.Copy(dst, src)
		if err != nil && !errors.Is(err, net.ErrClosed) {
			dst.Close()
		}
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		done <- struct{}{}
	}
	go cp(t, c)
	go cp(c, t)
	<-done
	<-done
}

// track registers a connection pair, or closes both when the proxy was cut
// meanwhile.
func (p *Proxy) track(c, t net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.up {
		c.Close()
		t.Close()
		return false
	}
	p.conns[c], p.conns[t] = struct{}{}, struct{}{}
	return true
}

func (p *Proxy) untrack(c, t net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, t)
	p.mu.Unlock()
	c.Close()
	t.Close()
}
