package servingbench

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	dnstap "github.com/dnstap/golang-dnstap"
	framestream "github.com/farsightsec/golang-framestream"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"
)

// Dnstap is what sending dnstap frames to a scorer measured: the highest
// of the offered rates it kept up with (every frame scored, none dropped),
// and a burst as fast as one connection sends.
type Dnstap struct {
	SustainedPerSec int          `json:"sustained_frames_per_sec"` // highest offered rate with nothing dropped
	Rates           []DnstapRate `json:"rates"`
	Burst           DnstapBurst  `json:"burst"`
	DGAShare        float64      `json:"dga_share"`
	Clients         int          `json:"clients"`
}

// DnstapRate is one paced run.
type DnstapRate struct {
	Offered  int     `json:"offered_frames_per_sec"`
	Frames   int     `json:"frames"`
	Achieved float64 `json:"sent_frames_per_sec"`
	Scored   uint64  `json:"scored"`
	Dropped  uint64  `json:"dropped"`
}

// DnstapBurst is an unpaced run.
type DnstapBurst struct {
	Frames        int     `json:"frames"`
	SendSeconds   float64 `json:"send_seconds"`
	SendPerSec    float64 `json:"sent_frames_per_sec"`
	ScoredSeconds float64 `json:"seconds_until_all_accounted"`
	FramesPerSec  float64 `json:"frames_per_sec"` // frames read and accounted for (scored, skipped or dropped) per second
	Scored        uint64  `json:"scored"`
	Dropped       uint64  `json:"dropped"`
	ScoredPerSec  float64 `json:"scored_names_per_sec"`
	AlertsRaised  uint64  `json:"alerts"`
}

// dnstapFrames packs one CLIENT_QUERY frame per name, from a few client IPs.
func dnstapFrames(names []string, clients int) ([][]byte, error) {
	out := make([][]byte, len(names))
	now := time.Now()
	for i, n := range names {
		q := new(dns.Msg)
		q.SetQuestion(dns.Fqdn(n), dns.TypeA)
		wire, err := q.Pack()
		if err != nil {
			return nil, fmt.Errorf("pack %q: %w", n, err)
		}
		ip := net.IPv4(10, 1, byte(i%clients/256), byte(i%clients%256)).To4()
		b, err := proto.Marshal(&dnstap.Dnstap{Type: dnstap.Dnstap_MESSAGE.Enum(), Identity: []byte("bench"), Message: &dnstap.Message{
			Type: dnstap.Message_CLIENT_QUERY.Enum(), SocketFamily: dnstap.SocketFamily_INET.Enum(), SocketProtocol: dnstap.SocketProtocol_UDP.Enum(),
			QueryAddress: ip, QueryPort: proto.Uint32(40000), QueryTimeSec: proto.Uint64(uint64(now.Unix())),
			QueryTimeNsec: proto.Uint32(uint32(now.Nanosecond())), QueryMessage: wire,
		}})
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// sendDnstap writes the frames over one bidirectional Frame Streams
// connection, as unbound does, at rate frames/s (0: as fast as it goes),
// and returns how long writing took.
func sendDnstap(sock string, frames [][]byte, rate int) (time.Duration, error) {
	c, err := net.Dial("unix", sock)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	w, err := framestream.NewWriter(c, &framestream.WriterOptions{ContentTypes: [][]byte{dnstap.FSContentType}, Bidirectional: true, Timeout: 10 * time.Second})
	if err != nil {
		return 0, err
	}
	const chunk = 500
	start := time.Now()
	for i, f := range frames {
		if _, err := w.WriteFrame(f); err != nil {
			return 0, err
		}
		if rate > 0 && (i+1)%chunk == 0 {
			if err := w.Flush(); err != nil {
				return 0, err
			}
			due := start.Add(time.Duration(float64(i+1) / float64(rate) * float64(time.Second)))
			time.Sleep(time.Until(due))
		}
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	d := time.Since(start)
	return d, w.Close()
}

// scrape reads the samples of a scorer's /metrics into name{labels} → value.
func scrape(addr string) (map[string]float64, error) {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "#") {
			continue
		}
		i := strings.LastIndexByte(l, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if err == nil {
			out[l[:i]] = v
		}
	}
	return out, sc.Err()
}
