package registrytest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy is a TCP forwarder to the PostgreSQL server of a database URL that
// a test switches on and off, to play a registry that goes away and comes
// back: while off it accepts connections and closes them at once (a client
// sees the server hang up before it answers), and switching it off cuts
// the connections it forwards.
type Proxy struct {
	tb     testing.TB
	l      net.Listener
	target string // host:port of the server
	url    string

	mu    sync.Mutex
	on    bool
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// NewProxy starts a proxy, off, to the server of dbURL; it stops when the
// test ends.
func NewProxy(tb testing.TB, dbURL string) *Proxy {
	tb.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		tb.Fatalf("proxy: parse %s: %v", redact(dbURL), err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5432")
	}
	u.Host = l.Addr().String()
	p := &Proxy{tb: tb, l: l, target: target, url: u.String(), conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	tb.Cleanup(func() {
		l.Close()
		p.Set(false)
		p.wg.Wait()
	})
	return p
}

// URL is dbURL with the proxy in place of the server.
func (p *Proxy) URL() string { return p.url }

// Set switches the proxy on (forwarding) or off (hanging up, and cutting
// what it forwards).
func (p *Proxy) Set(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.on = on
	if !on {
		for c := range p.conns {
			c.Close()
		}
	}
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		on := p.on
		p.mu.Unlock()
		if !on {
			c.Close()
			continue
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if !p.on { // switched off while dialling
			p.mu.Unlock()
			c.Close()
			s.Close()
			continue
		}
		p.conns[c], p.conns[s] = true, true
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, s)
		go p.pipe(s, c)
	}
}

// pipe copies from one end to the other, then closes both.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	io.Copy(dst, src)
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}
