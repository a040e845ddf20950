package serving

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	dnstap "github.com/dnstap/golang-dnstap"
	framestream "github.com/farsightsec/golang-framestream"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"
)

// SourceDnstap is the Query.Source of names received over dnstap.
const SourceDnstap = "dnstap"

// dnstapMaxFrame is the largest frame accepted: a DNS message is at most
// 64 KiB and the dnstap fields around it far less (golang-dnstap's limit).
const dnstapMaxFrame = 96 << 10

// dnstapHandshakeTimeout bounds the Frame Streams handshake of a new
// connection, so a peer that connects and says nothing holds nothing.
const dnstapHandshakeTimeout = 10 * time.Second

// Dnstap receives dnstap from DNS servers (unbound, BIND, Knot, CoreDNS) on
// a unix socket and emits the names their clients asked for and, from the
// responses (ScoreResponses), the TXT records they were answered with.
//
// It speaks bidirectional Frame Streams (READY, ACCEPT, START, then data
// frames, STOP and FINISH) with any number of connections at once, and
// decodes each data frame as a dnstap.Dnstap protobuf.
//
// Counting, per data frame: Read, then exactly one of Parsed (a Query was
// emitted), Skipped (a message type not scored: RESOLVER_*, AUTH_*, ...; a
// CLIENT_RESPONSE unless ScoreResponses; a DNS message that is not a QUERY
// or has no question) or Bad (a frame over 96 KiB, undecodable protobuf,
// undecodable DNS message, a response whose answer section runs past its
// end; each reported through Bad). So Read = Parsed +
// Skipped + Bad, as far as the source goes; the Pipeline then counts a
// parsed name that is not a domain name as Skipped too. A connection whose handshake fails counts nothing and is
// reported through Bad.
type Dnstap struct {
	// SocketPath is the unix socket to listen on. A stale socket there is
	// removed first; anything else there, or a socket another receiver
	// answers on, is an error.
	SocketPath string
	// ScoreResponses also scores CLIENT_RESPONSE messages (the question
	// of the answer sent to the client, and the TXT records of its answer
	// section as Query.TXT, each with its character-strings concatenated:
	// see txtrecords.go); by default only CLIENT_QUERY messages are, and
	// responses are Skipped. Servers logging both would otherwise have
	// every name scored twice. A TXT model needs it: queries carry no
	// answers.
	ScoreResponses bool
	// Counters receives the running totals; nil keeps none.
	Counters *SourceCounters
	// Bad receives each bad frame and failed connection once; nil drops
	// them. It may be called from several goroutines at once.
	Bad func(error)
	// Emit receives each query. Each connection calls it from its own
	// goroutine, in the order of its frames; with several connections
	// it is called concurrently.
	Emit func(Query)
	// Observe, when set, receives every client query and client response
	// (Query.Response), whether or not ScoreResponses, before Emit, from
	// the same goroutines: the domain windows count them all.
	Observe func(Query)
	// Ready, if set, is called once the socket accepts connections.
	Ready func()
	// Now gives the time of messages without one (default time.Now).
	Now func() time.Time
}

// DnstapError is a frame or connection Dnstap could not use.
type DnstapError struct {
	// Socket is the listening socket's path.
	Socket string
	// Conn numbers the connection, from 1 in the order they were
	// accepted; 0 for a problem with the listening socket.
	Conn uint64
	// Frame numbers the data frame within the connection, from 1; 0 for
	// a problem with the connection itself.
	Frame uint64
	// Reason says what is wrong.
	Reason string
}

// Error renders the error as `dnstap PATH: connection N: frame F: reason`,
// without the frame or connection when the problem is not with one.
func (e *DnstapError) Error() string {
	if e.Conn == 0 {
		return fmt.Sprintf("dnstap %s: %s", e.Socket, e.Reason)
	}
	if e.Frame == 0 {
		return fmt.Sprintf("dnstap %s: connection %d: %s", e.Socket, e.Conn, e.Reason)
	}
	return fmt.Sprintf("dnstap %s: connection %d: frame %d: %s", e.Socket, e.Conn, e.Frame, e.Reason)
}

// Run listens on SocketPath and receives dnstap until ctx is cancelled.
// Then it stops accepting, decodes the frames already read from each
// connection, closes them, removes the socket file and returns nil. It
// returns an error when the socket cannot be made.
func (d *Dnstap) Run(ctx context.Context) error {
	ln, sock, err := d.listen()
	if err != nil {
		return err
	}
	defer func() {
		// Remove the socket file if it is still ours.
		if st, err := os.Lstat(d.SocketPath); err == nil && os.SameFile(st, sock) {
			os.Remove(d.SocketPath)
		}
	}()
	r := &dnstapReceiver{d: d, conns: map[net.Conn]bool{}, counters: d.Counters, now: d.Now}
	if r.counters == nil {
		r.counters = new(SourceCounters)
	}
	if r.now == nil {
		r.now = time.Now
	}
	if d.Ready != nil {
		d.Ready()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		r.stop()
		ln.Close()
	}()

	var runErr error
	var n uint64
	delay := 5 * time.Millisecond
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if errors.Is(err, net.ErrClosed) {
				runErr = fmt.Errorf("dnstap %s: %w", d.SocketPath, err)
				break
			}
			// Out of file descriptors and the like: wait and retry.
			d.report(&DnstapError{Socket: d.SocketPath, Reason: "accept: " + err.Error()})
			select {
			case <-time.After(delay):
			case <-ctx.Done():
			}
			delay = min(2*delay, time.Second)
			continue
		}
		delay = 5 * time.Millisecond
		n++
		if !r.add(c) {
			c.Close()
			break
		}
		go r.serve(c, n)
	}
	cancel()
	<-stopped
	r.wg.Wait()
	return runErr
}

// listen makes the socket, removing a stale one, readable and writable by
// every user so a DNS server running as its own user can connect.
func (d *Dnstap) listen() (net.Listener, os.FileInfo, error) {
	if d.SocketPath == "" {
		return nil, nil, errors.New("dnstap: no socket path")
	}
	if st, err := os.Lstat(d.SocketPath); err == nil {
		if st.Mode().Type() != fs.ModeSocket {
			return nil, nil, fmt.Errorf("dnstap %s: exists and is not a socket", d.SocketPath)
		}
		if c, err := net.DialTimeout("unix", d.SocketPath, time.Second); err == nil {
			c.Close()
			return nil, nil, fmt.Errorf("dnstap %s: another process is listening on it", d.SocketPath)
		}
		if err := os.Remove(d.SocketPath); err != nil {
			return nil, nil, fmt.Errorf("dnstap: remove stale socket: %w", err)
		}
	}
	ln, err := net.Listen("unix", d.SocketPath)
	if err != nil {
		return nil, nil, fmt.Errorf("dnstap: %w", err)
	}
	// Run removes the socket file, if still its own: a receiver started
	// after this one on the same path keeps its file.
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	sock, err := os.Lstat(d.SocketPath)
	if err == nil {
		err = os.Chmod(d.SocketPath, 0o666)
	}
	if err != nil {
		ln.Close()
		os.Remove(d.SocketPath)
		return nil, nil, fmt.Errorf("dnstap: %w", err)
	}
	return ln, sock, nil
}

func (d *Dnstap) report(err error) {
	if d.Bad != nil {
		d.Bad(err)
	}
}

// dnstapReceiver is the state Run shares with its connections.
type dnstapReceiver struct {
	d        *Dnstap
	counters *SourceCounters
	now      func() time.Time

	mu sync.Mutex
	// conns holds the open connections, true while in the handshake.
	conns   map[net.Conn]bool
	closing bool
	wg      sync.WaitGroup
}

// add registers a connection, reporting false once Run is stopping.
func (r *dnstapReceiver) add(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closing {
		return false
	}
	r.conns[c] = true
	r.wg.Add(1)
	return true
}

// started marks a connection past its handshake, reporting false if Run
// is stopping.
func (r *dnstapReceiver) started(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.conns[c] = false
	return !r.closing
}

// stop ends the connections: one in its handshake is closed (the library
// moves its read deadline then); from the others, frames already buffered
// are still decoded and the next read from the socket fails at once.
func (r *dnstapReceiver) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closing = true
	for c, handshake := range r.conns {
		if handshake {
			c.Close()
		} else {
			c.SetReadDeadline(time.Now())
		}
	}
}

func (r *dnstapReceiver) remove(c net.Conn) {
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
	c.Close()
	r.wg.Done()
}

func (r *dnstapReceiver) stopping() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closing
}

// serve does the handshake with one connection and decodes its frames
// until it stops, fails or Run stops.
func (r *dnstapReceiver) serve(c net.Conn, n uint64) {
	defer r.remove(c)
	fail := func(frame uint64, reason string) {
		r.d.report(&DnstapError{Socket: r.d.SocketPath, Conn: n, Frame: frame, Reason: reason})
	}
	fr, err := framestream.NewReader(c, &framestream.ReaderOptions{
		ContentTypes:  [][]byte{dnstap.FSContentType},
		Bidirectional: true,
		Timeout:       dnstapHandshakeTimeout,
	})
	if err != nil {
		if !r.stopping() {
			fail(0, "frame streams handshake: "+err.Error())
		}
		return
	}
	if !r.started(c) {
		return
	}
	buf := make([]byte, dnstapMaxFrame)
	var frames uint64
	for {
		size, err := fr.ReadFrame(buf)
		if errors.Is(err, framestream.ErrDataFrameTooLarge) {
			frames++
			r.counters.Read.Add(1)
			r.counters.Bad.Add(1)
			fail(frames, fmt.Sprintf("data frame over %d bytes", dnstapMaxFrame))
			continue
		}
		if err != nil {
			// io.EOF is a STOP or a close; a deadline error is Run
			// stopping; a broken pipe is our FINISH to a sender that
			// closed right after its STOP (unbound does, when it stops);
			// anything else ends this connection only.
			var ne net.Error
			if err != io.EOF && !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) && !(errors.As(err, &ne) && ne.Timeout() && r.stopping()) {
				fail(0, "read: "+err.Error())
			}
			return
		}
		frames++
		r.counters.Read.Add(1)
		q, ok, reason := decodeDnstap(buf[:size], r.now)
		if ok && r.d.Observe != nil {
			r.d.Observe(q)
		}
		switch {
		case reason != "":
			r.counters.Bad.Add(1)
			fail(frames, reason)
		case !ok || (q.Response && !r.d.ScoreResponses):
			r.counters.Skipped.Add(1)
		default:
			r.counters.Parsed.Add(1)
			if r.d.Emit != nil {
				r.d.Emit(q)
			}
		}
	}
}

// decodeDnstap turns one frame into a query: a CLIENT_QUERY's, or a
// CLIENT_RESPONSE's (Response set, with its code, size and TXT records).
// It returns false with no reason for a message of another type, and a
// reason for a bad one; now gives the time of a message without one.
func decodeDnstap(frame []byte, now func() time.Time) (Query, bool, string) {
	var tap dnstap.Dnstap
	if err := proto.Unmarshal(frame, &tap); err != nil {
		return Query{}, false, "undecodable dnstap protobuf: " + err.Error()
	}
	m := tap.GetMessage()
	if tap.GetType() != dnstap.Dnstap_MESSAGE || m == nil {
		return Query{}, false, ""
	}
	var wire []byte
	var sec uint64
	var nsec uint32
	response := false
	switch m.GetType() {
	case dnstap.Message_CLIENT_QUERY:
		wire, sec, nsec = m.GetQueryMessage(), m.GetQueryTimeSec(), m.GetQueryTimeNsec()
		if wire == nil {
			return Query{}, false, "CLIENT_QUERY without query_message"
		}
	case dnstap.Message_CLIENT_RESPONSE:
		wire, sec, nsec = m.GetResponseMessage(), m.GetResponseTimeSec(), m.GetResponseTimeNsec()
		response = wire != nil
		if wire == nil {
			wire = m.GetQueryMessage()
		}
		if wire == nil {
			return Query{}, false, "CLIENT_RESPONSE without response_message or query_message"
		}
		if sec == 0 {
			sec, nsec = m.GetQueryTimeSec(), m.GetQueryTimeNsec()
		}
	default:
		return Query{}, false, ""
	}
	name, qtype, ok, reason := dnstapQuestion(wire)
	if !ok {
		return Query{}, false, reason
	}
	q := Query{Source: SourceDnstap, Name: name, QType: qtype, Response: m.GetType() == dnstap.Message_CLIENT_RESPONSE, Label: -1}
	if response {
		var err error
		if q.TXT, err = dnsAnswerTXT(wire); err != nil {
			return Query{}, false, "undecodable DNS message: " + err.Error()
		}
		q.RCode = dnsRCode(wire)
		q.ResponseBytes = len(wire)
	}
	if sec != 0 {
		q.Time = time.Unix(int64(sec), int64(nsec)).UTC()
	} else {
		q.Time = now()
	}
	if a := m.GetQueryAddress(); len(a) == net.IPv4len || len(a) == net.IPv6len {
		q.ClientIP = net.IP(a).String()
	}
	return q, true, ""
}

// dnsRCode is the response code in a DNS message's header (at least 12
// bytes), by its mnemonic ("NXDOMAIN"); "RCODEn" for one without.
func dnsRCode(wire []byte) string {
	rc := int(wire[3] & 0xF)
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rc)
}

// dnstapQuestion reads the name of the first question of a DNS message,
// without its trailing dot, in presentation form (miekg/dns escapes odd
// bytes as \DDD). It reads only the header and the question, so an answer
// section miekg/dns cannot unpack does not lose the name. It returns false
// with no reason when there is nothing to score (not a QUERY, no question,
// the root).
func dnstapQuestion(wire []byte) (name, qtype string, ok bool, reason string) {
	const header = 12
	if len(wire) < header {
		return "", "", false, fmt.Sprintf("undecodable DNS message: %d bytes, shorter than a header", len(wire))
	}
	if opcode := int(wire[2]>>3) & 0xF; opcode != dns.OpcodeQuery || binary.BigEndian.Uint16(wire[4:6]) == 0 {
		return "", "", false, ""
	}
	name, off, err := dns.UnpackDomainName(wire, header)
	if err != nil {
		return "", "", false, "undecodable DNS message: question name: " + err.Error()
	}
	if off+4 > len(wire) {
		return "", "", false, "undecodable DNS message: question cut short"
	}
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return "", "", false, ""
	}
	t := binary.BigEndian.Uint16(wire[off : off+2])
	qtype, known := dns.TypeToString[t]
	if !known {
		qtype = fmt.Sprintf("TYPE%d", t)
	}
	return name, qtype, true, ""
}
