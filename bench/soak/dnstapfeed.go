package soak

import (
	"context"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	dnstap "github.com/dnstap/golang-dnstap"
	framestream "github.com/farsightsec/golang-framestream"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"
)

// dnstapFeed sends dnstap CLIENT_QUERY frames to a scorer's Frame Streams
// socket at a steady rate over one bidirectional connection, as unbound
// does.
type dnstapFeed struct {
	sock string
	mix  *mix
	rate int
	// frames counts frames written and flushed.
	frames atomic.Int64
	// unpackable counts names skipped because they do not pack into a DNS
	// message (never sent, so never expected back).
	unpackable atomic.Int64
}

// run sends frames until ctx ends, then closes the stream (STOP, FINISH).
func (d *dnstapFeed) run(ctx context.Context) error {
	c, err := net.Dial("unix", d.sock)
	if err != nil {
		return fmt.Errorf("dnstap: %w", err)
	}
	defer c.Close()
	w, err := framestream.NewWriter(c, &framestream.WriterOptions{ContentTypes: [][]byte{dnstap.FSContentType}, Bidirectional: true, Timeout: 10 * time.Second})
	if err != nil {
		return fmt.Errorf("dnstap handshake: %w", err)
	}
	tick := time.NewTicker(feedTick)
	defer tick.Stop()
	p := newPacer(d.rate, time.Now())
	for {
		select {
		case <-ctx.Done():
			if err := w.Close(); err != nil {
				return fmt.Errorf("dnstap close: %w", err)
			}
			return nil
		case now := <-tick.C:
			due, sent := p.due(now), 0
			for range due {
				b, err := queryFrame(d.mix.next(), now)
				if err != nil {
					d.unpackable.Add(1)
					continue
				}
				if _, err := w.WriteFrame(b); err != nil {
					return fmt.Errorf("dnstap write: %w", err)
				}
				sent++
			}
			if err := w.Flush(); err != nil {
				return fmt.Errorf("dnstap flush: %w", err)
			}
			d.frames.Add(int64(sent))
		}
	}
}

// queryFrame is one dnstap CLIENT_QUERY message of q asked at t, over UDP.
func queryFrame(q query, t time.Time) ([]byte, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(q.name), dns.TypeA)
	wire, err := m.Pack()
	if err != nil {
		return nil, fmt.Errorf("pack %q: %w", q.name, err)
	}
	ip := q.client.As4()
	return proto.Marshal(&dnstap.Dnstap{Type: dnstap.Dnstap_MESSAGE.Enum(), Identity: []byte("mlctl-soak"), Message: &dnstap.Message{
		Type: dnstap.Message_CLIENT_QUERY.Enum(), SocketFamily: dnstap.SocketFamily_INET.Enum(), SocketProtocol: dnstap.SocketProtocol_UDP.Enum(),
		QueryAddress: ip[:], QueryPort: proto.Uint32(40000), QueryTimeSec: proto.Uint64(uint64(t.Unix())),
		QueryTimeNsec: proto.Uint32(uint32(t.Nanosecond())), QueryMessage: wire,
	}})
}
