package dga

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	dnstap "github.com/dnstap/golang-dnstap"
	framestream "github.com/farsightsec/golang-framestream"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"
)

// TapMessage is one client query or response of a dnstap capture file.
type TapMessage struct {
	Response bool
	Time     time.Time
	Client   string
	// Name is the question's name as on the wire (no trailing dot), QType
	// its type ("A", "TXT"); RCode the response's code ("NOERROR",
	// "NXDOMAIN"), "" for a query.
	Name, QType, RCode string
}

// ReadDnstapFile reads the CLIENT_QUERY and CLIENT_RESPONSE messages of a
// dnstap capture (a unidirectional Frame Streams file, as `dnstap -w`
// writes; one cut off without its STOP frame is read to its end). Other message types are left out; a frame that does not decode
// is an error naming it.
func ReadDnstapFile(path string) ([]TapMessage, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dnstap capture: %w", err)
	}
	defer f.Close()
	fr, err := framestream.NewReader(f, &framestream.ReaderOptions{ContentTypes: [][]byte{dnstap.FSContentType}})
	if err != nil {
		return nil, fmt.Errorf("dnstap capture %s: %w", path, err)
	}
	buf := make([]byte, 96<<10)
	var out []TapMessage
	for frame := 1; ; frame++ {
		n, err := fr.ReadFrame(buf)
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			// A capture whose writer was stopped ends without the STOP
			// control frame: the data frames before it are whole.
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("dnstap capture %s: frame %d: %w", path, frame, err)
		}
		m, ok, err := decodeTap(buf[:n])
		if err != nil {
			return nil, fmt.Errorf("dnstap capture %s: frame %d: %w", path, frame, err)
		}
		if ok {
			out = append(out, m)
		}
	}
}

// decodeTap decodes one frame; false for a message that is neither a
// client query nor a client response.
func decodeTap(frame []byte) (TapMessage, bool, error) {
	var tap dnstap.Dnstap
	if err := proto.Unmarshal(frame, &tap); err != nil {
		return TapMessage{}, false, fmt.Errorf("undecodable dnstap protobuf: %w", err)
	}
	m := tap.GetMessage()
	if m == nil {
		return TapMessage{}, false, nil
	}
	var out TapMessage
	var wire []byte
	switch m.GetType() {
	case dnstap.Message_CLIENT_QUERY:
		wire = m.GetQueryMessage()
		out.Time = time.Unix(int64(m.GetQueryTimeSec()), int64(m.GetQueryTimeNsec())).UTC()
	case dnstap.Message_CLIENT_RESPONSE:
		wire, out.Response = m.GetResponseMessage(), true
		out.Time = time.Unix(int64(m.GetResponseTimeSec()), int64(m.GetResponseTimeNsec())).UTC()
	default:
		return TapMessage{}, false, nil
	}
	var msg dns.Msg
	if err := msg.Unpack(wire); err != nil {
		return TapMessage{}, false, fmt.Errorf("undecodable DNS message: %w", err)
	}
	if len(msg.Question) == 0 {
		return TapMessage{}, false, nil
	}
	q := msg.Question[0]
	out.Name = strings.TrimSuffix(q.Name, ".")
	out.QType = dns.TypeToString[q.Qtype]
	if out.Response {
		out.RCode = dns.RcodeToString[msg.Rcode]
	}
	if a := m.GetQueryAddress(); len(a) > 0 {
		out.Client = net.IP(a).String()
	}
	return out, true, nil
}
