package serving

import (
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	dnstap "github.com/dnstap/golang-dnstap"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"
)

// txtResponse packs, with miekg/dns, a compressed response to a TXT query
// for name whose answer section holds rrs (presentation format).
func txtResponse(t *testing.T, name string, rrs ...string) []byte {
	t.Helper()
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), dns.TypeTXT)
	r := new(dns.Msg)
	r.SetReply(q)
	r.Compress = true
	for _, s := range rrs {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatalf("rr %q: %v", s, err)
		}
		r.Answer = append(r.Answer, rr)
	}
	wire, err := r.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return wire
}

func TestDNSAnswerTXT(t *testing.T) {
	long := strings.Repeat("A", 255)
	for _, c := range []struct {
		what string
		rrs  []string
		want []string
	}{
		{"none", nil, nil},
		{"one string", []string{`t.example. 60 IN TXT "v=spf1 -all"`}, []string{"v=spf1 -all"}},
		{"strings concatenated, no separator", []string{`t.example. 60 IN TXT "v=DKIM1; p=` + long[:240] + `" "` + long + `" "tail"`},
			[]string{"v=DKIM1; p=" + long[:240] + long + "tail"}},
		{"raw bytes: escapes undone, UTF-8 and quotes kept", []string{`t.example. 60 IN TXT "caf\195\169 \"q\" a\\b"`}, []string{`café "q" a\b`}},
		{"records in order, others skipped", []string{
			`t.example. 60 IN CNAME tunnel.example.`,
			`tunnel.example. 60 IN TXT "AgLAAAMOeAEFTQkk"`,
			`tunnel.example. 60 IN A 192.0.2.1`,
			`tunnel.example. 60 IN TXT "" ""`,
			`tunnel.example. 60 IN TXT "second"`,
		}, []string{"AgLAAAMOeAEFTQkk", "", "second"}},
	} {
		got, err := dnsAnswerTXT(txtResponse(t, "t.example", c.rrs...))
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q %v, want %q", c.what, got, err, c.want)
		}
	}

	good := txtResponse(t, "t.example", `t.example. 60 IN TXT "abc" "de"`, `t.example. 60 IN TXT "x"`)
	overrun := append([]byte(nil), good...)
	// The first record's rdata is 7 bytes: 3 "abc" 2 "de"; make "de" 9.
	i := strings.Index(string(overrun), "\x03abc\x02de")
	overrun[i+4] = 9
	for _, c := range []struct {
		what string
		wire []byte
		want string
	}{
		{"cut in the last record", good[:len(good)-1], "answer 2: rdata of 2 bytes runs past the message"},
		{"cut in a header", good[:len(good)-8], "answer 2 cut short"},
		{"cut in a name", good[:i-12], "answer 1: name cut short"},
		{"string past its rdata", overrun, "answer 1: TXT string of 9 bytes runs past its rdata"},
		{"short", good[:5], "5 bytes, shorter than a header"},
	} {
		if _, err := dnsAnswerTXT(c.wire); err == nil || err.Error() != c.want {
			t.Errorf("%s: err %v, want %q", c.what, err, c.want)
		}
	}
}

// TestDnstapDecodeTXT: a client response brings its TXT records when
// responses are scored; a bad answer section makes the frame bad.
func TestDnstapDecodeTXT(t *testing.T) {
	at := time.Unix(1709287200, 0).UTC()
	frame := func(typ dnstap.Message_Type, wire []byte) []byte {
		m := &dnstap.Message{Type: typ.Enum(), QueryAddress: net.ParseIP("10.0.0.9").To4(),
			QueryTimeSec: proto.Uint64(uint64(at.Unix())), ResponseTimeSec: proto.Uint64(uint64(at.Unix()))}
		if typ == dnstap.Message_CLIENT_RESPONSE {
			m.ResponseMessage = wire
		} else {
			m.QueryMessage = wire
		}
		return dnstapFrame(t, m)
	}
	resp := txtResponse(t, "Tunnel.Example", `tunnel.example. 0 IN TXT "AgLAAAMOeAEFTQkk" "yNzNQMFA2"`, `tunnel.example. 0 IN TXT "v=spf1 -all"`)
	q, ok, reason := decodeDnstap(frame(dnstap.Message_CLIENT_RESPONSE, resp), time.Now)
	want := Query{Source: SourceDnstap, Time: at, ClientIP: "10.0.0.9", Name: "Tunnel.Example", RCode: "NOERROR", TXT: []string{"AgLAAAMOeAEFTQkkyNzNQMFA2", "v=spf1 -all"},
		QType: "TXT", Response: true, ResponseBytes: len(resp), Label: -1}
	if !ok || reason != "" || !reflect.DeepEqual(q, want) {
		t.Errorf("response: %+v %v %q, want %+v", q, ok, reason, want)
	}
	if q, ok, _ := decodeDnstap(frame(dnstap.Message_CLIENT_QUERY, txtResponse(t, "q.example")), time.Now); !ok || q.TXT != nil || q.RCode != "" || q.Response {
		t.Errorf("query: %+v %v, want no TXT and no rcode", q, ok)
	}
	if q, ok, _ := decodeDnstap(dnstapMessage(t, dnstap.Message_CLIENT_RESPONSE, "nx.example", "10.0.0.9", at), time.Now); !ok || q.RCode != "NXDOMAIN" {
		t.Errorf("NXDOMAIN response: %+v %v, want rcode NXDOMAIN", q, ok)
	}
	if _, ok, reason := decodeDnstap(frame(dnstap.Message_CLIENT_RESPONSE, resp[:len(resp)-3]), time.Now); ok || reason != "undecodable DNS message: answer 2: rdata of 12 bytes runs past the message" {
		t.Errorf("cut response: %v %q", ok, reason)
	}
}
