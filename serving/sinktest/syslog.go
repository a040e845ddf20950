package sinktest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// SyslogMessage is one RFC 5424 message as received.
type SyslogMessage struct {
	Priority                                int
	Version                                 int
	Timestamp                               time.Time
	Hostname, AppName, ProcID, MsgID, SData string
	Msg                                     []byte
}

// ParseSyslog parses one RFC 5424 message (without framing):
// "<PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP
// STRUCTURED-DATA [SP MSG]".
func ParseSyslog(b []byte) (SyslogMessage, error) {
	var m SyslogMessage
	if len(b) < 2 || b[0] != '<' {
		return m, errors.New("syslog: no <PRI>")
	}
	end := bytes.IndexByte(b, '>')
	if end < 2 || end > 4 {
		return m, errors.New("syslog: bad PRI")
	}
	pri, err := strconv.Atoi(string(b[1:end]))
	if err != nil || pri > 191 {
		return m, fmt.Errorf("syslog: bad PRI %q", b[1:end])
	}
	m.Priority = pri
	fields := bytes.SplitN(b[end+1:], []byte(" "), 7)
	if len(fields) < 7 {
		return m, fmt.Errorf("syslog: %d header fields, want 7", len(fields))
	}
	if m.Version, err = strconv.Atoi(string(fields[0])); err != nil || m.Version != 1 {
		return m, fmt.Errorf("syslog: version %q, want 1", fields[0])
	}
	if m.Timestamp, err = time.Parse(time.RFC3339Nano, string(fields[1])); err != nil {
		return m, fmt.Errorf("syslog: timestamp: %w", err)
	}
	for i, f := range fields[2:6] {
		if len(f) == 0 {
			return m, fmt.Errorf("syslog: empty header field %d", i+3)
		}
		for _, c := range f {
			if c < 33 || c > 126 {
				return m, fmt.Errorf("syslog: header field %d %q: not PRINTUSASCII", i+3, f)
			}
		}
	}
	m.Hostname, m.AppName, m.ProcID, m.MsgID = string(fields[2]), string(fields[3]), string(fields[4]), string(fields[5])
	rest := fields[6]
	switch {
	case bytes.HasPrefix(rest, []byte("-")):
		m.SData, rest = "-", rest[1:]
	case bytes.HasPrefix(rest, []byte("[")):
		i := bytes.Index(rest, []byte("] "))
		if i < 0 {
			m.SData, rest = string(rest), nil
		} else {
			m.SData, rest = string(rest[:i+1]), rest[i+1:]
		}
	default:
		return m, errors.New("syslog: no STRUCTURED-DATA")
	}
	if len(rest) > 0 {
		if rest[0] != ' ' {
			return m, errors.New("syslog: no space before MSG")
		}
		m.Msg = rest[1:]
	}
	return m, nil
}

// SyslogReceiver is a syslog collector on 127.0.0.1: over UDP a message a
// datagram, over TCP and TLS octet-counted ("LEN SP MSG"). Messages that
// do not parse are counted in Bad.
type SyslogReceiver struct {
	Network string // udp, tcp, tls
	Addr    string

	mu    sync.Mutex
	msgs  []SyslogMessage
	bad   int
	conns int
	pc    net.PacketConn
	ln    net.Listener
	wg    sync.WaitGroup
	keep  bool
	open  []net.Conn
}

// ListenSyslog starts a receiver on network (udp, tcp or tls; tls needs
// conf). keep=false stores nothing, only counts (benchmarks).
func ListenSyslog(network string, conf *tls.Config, keep bool) (*SyslogReceiver, error) {
	r := &SyslogReceiver{Network: network, keep: keep}
	switch network {
	case "udp":
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		if uc, ok := pc.(*net.UDPConn); ok {
			uc.SetReadBuffer(8 << 20)
		}
		r.pc, r.Addr = pc, pc.LocalAddr().String()
		r.wg.Add(1)
		go r.readUDP()
	case "tcp", "tls":
		var ln net.Listener
		var err error
		if network == "tls" {
			ln, err = tls.Listen("tcp", "127.0.0.1:0", conf)
		} else {
			ln, err = net.Listen("tcp", "127.0.0.1:0")
		}
		if err != nil {
			return nil, err
		}
		r.ln, r.Addr = ln, ln.Addr().String()
		r.wg.Add(1)
		go r.accept()
	default:
		return nil, fmt.Errorf("sinktest: network %q", network)
	}
	return r, nil
}

func (r *SyslogReceiver) add(b []byte) {
	m, err := ParseSyslog(b)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.bad++
		return
	}
	if !r.keep {
		m = SyslogMessage{}
	}
	r.msgs = append(r.msgs, m)
}

func (r *SyslogReceiver) readUDP() {
	defer r.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, _, err := r.pc.ReadFrom(buf)
		if err != nil {
			return
		}
		r.add(append([]byte(nil), buf[:n]...))
	}
}

func (r *SyslogReceiver) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		r.conns++
		r.open = append(r.open, c)
		r.mu.Unlock()
		r.wg.Add(1)
		go r.readStream(c)
	}
}

// readStream reads octet-counted frames: "LEN SP MSG".
func (r *SyslogReceiver) readStream(c net.Conn) {
	defer r.wg.Done()
	defer c.Close()
	br := bufio.NewReaderSize(c, 64<<10)
	for {
		lenText, err := br.ReadString(' ')
		if err != nil {
			return
		}
		n, err := strconv.Atoi(lenText[:len(lenText)-1])
		if err != nil || n <= 0 || n > 1<<20 {
			r.mu.Lock()
			r.bad++
			r.mu.Unlock()
			return // framing lost: as a collector would, drop the connection
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(br, msg); err != nil {
			return
		}
		r.add(msg)
	}
}

// Messages are the messages received so far.
func (r *SyslogReceiver) Messages() []SyslogMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]SyslogMessage(nil), r.msgs...)
}

// Count is how many messages were received; Bad how many did not parse;
// Conns how many connections were accepted.
func (r *SyslogReceiver) Count() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.msgs) }
func (r *SyslogReceiver) Bad() int   { r.mu.Lock(); defer r.mu.Unlock(); return r.bad }
func (r *SyslogReceiver) Conns() int { r.mu.Lock(); defer r.mu.Unlock(); return r.conns }

// DropConns closes every connection accepted so far (the collector
// restarting).
func (r *SyslogReceiver) DropConns() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.open {
		c.Close()
	}
	r.open = nil
}

// Close stops the receiver.
func (r *SyslogReceiver) Close() {
	if r.pc != nil {
		r.pc.Close()
	}
	if r.ln != nil {
		r.ln.Close()
	}
	r.DropConns()
	r.wg.Wait()
}
