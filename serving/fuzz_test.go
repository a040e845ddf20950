package serving

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dnstap "github.com/dnstap/golang-dnstap"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/published/publishedtest"
)

// The fuzz targets of what the scorer reads: dns.log lines (TSV and JSON),
// dnstap frames, DNS messages and POST /v1/score bodies. `go test` runs
// their seeds; `make fuzz` fuzzes each in turn.

// sharedDNSLogLines are the header and first lines of the shared corpora's
// flows/stratosphere-010-zeek-mixed/data/dns.log.labeled (see
// deploy/devenv.SharedData), and a TXT query as Zeek writes one.
var sharedDNSLogLines = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#open\t2022-06-17-00-00-07\n" +
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\tans_query\tlabel\tdetailedlabel\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\tvector[string]\tstring\tstring\n" +
	"1655159382.670825\tC6cDXKqAZTGbOppsa\t131.159.25.7\t46791\t147.32.83.234\t53\tudp\t44557\twww.google.com\t1\tC_INTERNET\t1\tA\t-\t-\tF\tF\tT\tF\t0\t-\t-\tF\t-\tMalicious\tExternal-Attack-to-Device\n" +
	"1655161425.853405\tCBfpQr2AoY9UYWesTf\t129.250.206.86\t15052\t147.32.83.234\t53\tudp\t21482\tda691aa3.openresolverproject.org\t1\tC_INTERNET\t16\tTXT\t0\tNOERROR\tF\tF\tT\tF\t0\tTXT 11 v=spf1 -all,TXT 3 a\\x2cb,alias.example\t-\tF\t-\tMalicious\tExternal-Attack-to-Device\n"

// FuzzZeekDNSLines: the scorer's dns.log parser, fed a file a line at a
// time (TSV with its header, or JSON lines), gives for each line exactly
// one of a query, nothing, or an error naming the file and line with a
// short reason; '#' and blank lines never give a query; a query has a
// name, a time and only TXT records Zeek wrote as such.
func FuzzZeekDNSLines(f *testing.F) {
	for _, name := range []string{"zeekdns.log", "zeekdns.json.log"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(sharedDNSLogLines))
	f.Add([]byte(`{"ts":1.7092873e9,"query":"exp.example","qtype_name":"TXT","answers":["TXT 3 abc","x.example"]}` + "\n" +
		`{"ts":"2024-03-01T10:01:41.123456Z","query":12}` + "\n" + `{"ts":-1e300,"query":"a"}` + "\n"))
	fixed := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "dns.log"
		p := newZeekDNSParser(file)
		p.now = func() time.Time { return fixed }
		for i, line := range strings.Split(string(data), "\n") {
			n := i + 1
			q, ok, err := p.parse(line, n)
			if err != nil {
				var le *LineError
				var fe *zeekDNSFormatError
				switch {
				case errors.As(err, &fe):
					le = &fe.LineError
				case !errors.As(err, &le):
					t.Fatalf("line %d: error of another type: %T %v", n, err, err)
				}
				if ok || le.File != file || le.Line != n || le.Reason == "" || len(le.Error()) > 400 {
					t.Fatalf("line %d: ok %v with error %q", n, ok, err)
				}
				if strings.HasPrefix(line, "#") && fe == nil {
					t.Fatalf("line %d: a '#' line gives %v", n, err)
				}
				continue
			}
			if !ok {
				if q.Name != "" || q.TXT != nil {
					t.Fatalf("line %d: no query, but %+v", n, q)
				}
				continue
			}
			if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
				t.Fatalf("line %d %q gives a query", n, line)
			}
			if q.Name == "" || q.Source != SourceZeekDNS || q.Time.IsZero() {
				t.Fatalf("line %d: query %+v", n, q)
			}
		}
	})
}

// seedMessages are DNS messages packed by miekg/dns: queries, an NXDOMAIN
// answer, TXT answers of one and several strings through a CNAME, with
// and without compression.
func seedMessages(t testing.TB) [][]byte {
	var out [][]byte
	pack := func(m *dns.Msg) {
		b, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	q := new(dns.Msg)
	q.SetQuestion("www.google.com.", dns.TypeA)
	pack(q)
	nx := new(dns.Msg)
	nx.SetRcode(q, dns.RcodeNameError)
	pack(nx)
	for _, compress := range []bool{false, true} {
		tq := new(dns.Msg)
		tq.SetQuestion("auth.tunnel.test.", dns.TypeTXT)
		r := new(dns.Msg)
		r.SetReply(tq)
		r.Compress = compress
		for _, s := range []string{
			`auth.tunnel.test. 60 IN CNAME t.tunnel.test.`,
			`t.tunnel.test. 60 IN TXT "AgLAAAMOeAEFTQkkyNzNQMFA2OEo5SlQ,"`, // txt/dns2tcp_tunnel_txt.tsv
			`t.tunnel.test. 60 IN TXT "v=spf1 " "include:spf.improvmx.com ~all"`,
			`t.tunnel.test. 60 IN A 192.0.2.1`,
		} {
			rr, err := dns.NewRR(s)
			if err != nil {
				t.Fatal(err)
			}
			r.Answer = append(r.Answer, rr)
		}
		pack(r)
	}
	return out
}

// FuzzDNSMessage: reading the question and the TXT answers of any DNS
// message never panics, gives a question name without its trailing dot
// (a dot inside a label stays escaped: `a\.`), never yields more text
// than the message holds, and agrees with miekg/dns wherever it unpacks
// the message whole: the same question name, and the same TXT records.
func FuzzDNSMessage(f *testing.F) {
	for _, m := range seedMessages(f) {
		f.Add(m)
	}
	f.Add([]byte{0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1})
	f.Fuzz(func(t *testing.T, wire []byte) {
		name, _, ok, reason := dnstapQuestion(wire)
		if ok && (name == "" || dns.IsFqdn(name) || reason != "") || !ok && name != "" {
			t.Fatalf("question %q, %v, %q", name, ok, reason)
		}
		txt, err := dnsAnswerTXT(wire)
		total := 0
		for _, s := range txt {
			total += len(s)
		}
		if err != nil && txt != nil || total > len(wire) {
			t.Fatalf("%d TXT records of %d bytes from %d bytes, %v", len(txt), total, len(wire), err)
		}
		if len(wire) >= 12 && dnsRCode(wire) == "" {
			t.Fatal("no rcode")
		}
		var m dns.Msg
		if m.Unpack(wire) != nil {
			return
		}
		if ok && len(m.Question) > 0 && name != strings.TrimSuffix(m.Question[0].Name, ".") {
			t.Fatalf("question %q, miekg/dns reads %q", name, m.Question[0].Name)
		}
		if len(m.Answer) != int(binary.BigEndian.Uint16(wire[6:8])) || len(m.Question) != int(binary.BigEndian.Uint16(wire[4:6])) {
			return // unpacked in part
		}
		if err != nil {
			t.Fatalf("miekg/dns unpacks %d answers, TXT answers: %v", len(m.Answer), err)
		}
		var want []string
		for _, rr := range m.Answer {
			if r, ok := rr.(*dns.TXT); ok {
				want = append(want, strings.Join(r.Txt, ""))
			}
		}
		if len(want) != len(txt) {
			t.Fatalf("%d TXT records, miekg/dns reads %d", len(txt), len(want))
		}
		for i := range want {
			if !strings.Contains(want[i], `\`) && want[i] != txt[i] {
				t.Fatalf("TXT record %d is %q, miekg/dns reads %q", i, txt[i], want[i])
			}
		}
	})
}

// FuzzDnstapFrame: decoding any frame never panics; a bad frame has a
// reason and gives no query; a query has a name without its trailing dot
// (the question's), a time, a client address or none, and the TXT records
// and response code only of a response scored with ScoreResponses.
func FuzzDnstapFrame(f *testing.F) {
	at := time.Date(2027, 1, 11, 18, 25, 6, 0, time.UTC)
	for i, wire := range seedMessages(f) {
		typ := dnstap.Message_CLIENT_QUERY
		if i > 0 {
			typ = dnstap.Message_CLIENT_RESPONSE
		}
		m := &dnstap.Message{Type: typ.Enum(), QueryAddress: []byte{127, 0, 0, 1}, QueryTimeSec: proto.Uint64(uint64(at.Unix()))}
		if typ == dnstap.Message_CLIENT_QUERY {
			m.QueryMessage = wire
		} else {
			m.ResponseMessage = wire
		}
		b, err := proto.Marshal(&dnstap.Dnstap{Identity: []byte("unbound"), Type: dnstap.Dnstap_MESSAGE.Enum(), Message: m})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, true)
		f.Add(b, false)
	}
	f.Add([]byte{0x72, 0x00}, true)
	fixed := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, frame []byte, responses bool) {
		q, ok, reason := decodeDnstap(frame, func() time.Time { return fixed })
		if !ok {
			if q.Name != "" || q.TXT != nil {
				t.Fatalf("no query (%q), but %+v", reason, q)
			}
			return
		}
		if reason != "" || q.Name == "" || dns.IsFqdn(q.Name) || q.Source != SourceDnstap || q.Time.IsZero() {
			t.Fatalf("query %+v with reason %q", q, reason)
		}
		if q.ClientIP != "" {
			if _, err := netip.ParseAddr(q.ClientIP); err != nil {
				t.Fatalf("client %q: %v", q.ClientIP, err)
			}
		}
		if !q.Response && (q.TXT != nil || q.RCode != "" || q.ResponseBytes != 0) {
			t.Fatalf("a query with TXT %q, rcode %q and %d response bytes", q.TXT, q.RCode, q.ResponseBytes)
		}
		_ = responses // the receiver skips responses unless it scores them; decoding does not depend on it
	})
}

// atEOF reports whether nothing but white space follows what dec read
// (dec.More is false before a stray ']' too: FuzzScoreBody found it).
func atEOF(dec *json.Decoder) bool {
	_, err := dec.Token()
	return err == io.EOF
}

// scoreResult is one result of a 200 answer to POST /v1/score.
type scoreResult struct {
	Input       *string  `json:"input"`
	Score       *float64 `json:"score"`
	Label       *int     `json:"label"`
	Error       string   `json:"error"`
	Prefiltered string   `json:"prefiltered"`
}

// FuzzScoreBody: POST /v1/score with any body never panics and answers
// JSON: an error status with {"error": reason}, or 200 with one result per
// name the body holds, in order, each the name as sent with either an
// error (exactly when NormaliseDomain refuses it) or a score in [0, 1]
// and the label the threshold gives. A well-formed body of names gets 200.
func FuzzScoreBody(f *testing.F) {
	sc, err := artifact.NewScorer(publishedtest.NameModel(f, 1, 300, 4, false))
	if err != nil {
		f.Fatal(err)
	}
	h := &Holder{}
	h.Swap(&Model{Name: "fuzz", Version: 1, SHA256: strings.Repeat("0", 64), Threshold: 0.5, Scorer: sc})
	metrics, reg := newTestMetrics(f)
	handler := (&API{Holder: h, Metrics: metrics, Gatherer: reg, MaxBody: 64 << 10}).Handler()
	for _, s := range []string{
		`{"names":["www.google.com","earnestnessbiophysicalohax.com","da691aa3.openresolverproject.org","WWW.Example.COM.","bad..name","caf\u00e9.fr","1.0.0.127.in-addr.arpa","printer.local"]}`,
		`{"names":[]}`, `{"names":null}`, `{"txt":["v=spf1 -all"]}`, `{"flows":[{"ts":1}]}`, `{"names":["a.com"]} {}`,
		`{"names":["a.com"],"txt":[]}`, `{"Names":["x.com"]}`, `{"names":[1]}`, `[]`, ``, "{\"names\":[\"ba\xff\xfed.com\"]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/score", bytes.NewReader(body)))
		var req struct {
			Names []string          `json:"names"`
			TXT   []string          `json:"txt"`
			Flows []json.RawMessage `json:"flows"`
		}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		wellFormed := dec.Decode(&req) == nil && atEOF(dec) && req.Names != nil && req.TXT == nil && req.Flows == nil && len(req.Names) <= 1000 && len(body) <= 64<<10 &&
			!repeatsKey(body)
		if rec.Code != http.StatusOK {
			var answer struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || answer.Error == "" || rec.Code < 400 {
				t.Fatalf("%d %q (%v)", rec.Code, rec.Body.String(), err)
			}
			if wellFormed {
				t.Fatalf("%d %q to %d names", rec.Code, answer.Error, len(req.Names))
			}
			return
		}
		var answer struct {
			Threshold *float64      `json:"threshold"`
			Results   []scoreResult `json:"results"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || answer.Threshold == nil {
			t.Fatalf("200 with %q (%v)", rec.Body.String(), err)
		}
		if !wellFormed || len(answer.Results) != len(req.Names) {
			t.Fatalf("200 with %d results to a body of %d names (well-formed %v)", len(answer.Results), len(req.Names), wellFormed)
		}
		for i, r := range answer.Results {
			name := req.Names[i]
			if r.Input == nil || *r.Input != name {
				t.Fatalf("result %d is for %v, not %q", i, r.Input, name)
			}
			_, nerr := datasets.NormaliseDomain(name)
			if (r.Error != "") != (nerr != nil) {
				t.Fatalf("result %d for %q: error %q, NormaliseDomain: %v", i, name, r.Error, nerr)
			}
			if r.Error != "" {
				if r.Score != nil || r.Label != nil {
					t.Fatalf("result %d: error %q with a score", i, r.Error)
				}
				continue
			}
			if r.Score == nil || r.Label == nil || math.IsNaN(*r.Score) || *r.Score < 0 || *r.Score > 1 {
				t.Fatalf("result %d for %q: score %v, label %v", i, name, r.Score, r.Label)
			}
			if math.Abs(*r.Score-*answer.Threshold) < 1e-7 {
				continue // the score is written to 8 digits
			}
			if want := *r.Score >= *answer.Threshold && r.Prefiltered == ""; (*r.Label == 1) != want {
				t.Fatalf("result %d for %q: score %v, label %d (threshold %v, prefiltered %q)", i, name, *r.Score, *r.Label, *answer.Threshold, r.Prefiltered)
			}
		}
	})
}

// repeatsKey reports whether a JSON object gives one of its top-level keys
// twice (in any case): the scorer refuses that, encoding/json takes the
// last value.
func repeatsKey(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		key := fmt.Sprint(tok)
		for _, field := range []string{"names", "txt", "flows"} {
			if strings.EqualFold(key, field) {
				key = field
			}
		}
		if seen[key] {
			return true
		}
		seen[key] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return false
		}
	}
	return false
}

// FuzzInferBody sends any body to the Open Inference Protocol's infer: the
// scorer never panics, a refusal is a 4xx or 5xx {"error"}, and an answer
// is JSON whose outputs each hold as many elements as their shape says,
// the same number in every output, the input's when it was names.
func FuzzInferBody(f *testing.F) {
	sc, err := artifact.NewScorer(publishedtest.NameModel(f, 1, 300, 4, false))
	if err != nil {
		f.Fatal(err)
	}
	h := &Holder{}
	h.Swap(&Model{Name: "fuzz", Version: 1, SHA256: strings.Repeat("0", 64), Threshold: 0.5, Scorer: sc})
	metrics, reg := newTestMetrics(f)
	handler := (&API{Holder: h, Metrics: metrics, Gatherer: reg, MaxBody: 64 << 10, MaxInputs: 1000}).Handler()
	for _, s := range []string{
		`{"id":"1","inputs":[{"name":"names","shape":[3],"datatype":"BYTES","data":["www.google.com","printer.local","xkqwjzprtmvbnd.net"]}]}`,
		`{"inputs":[{"name":"names","shape":[2,1],"datatype":"BYTES","data":[["a.com"],["b.com"]]}],"outputs":[{"name":"label"}]}`,
		`{"inputs":[{"name":"names","shape":[0],"datatype":"BYTES","data":[]}]}`,
		`{"inputs":[{"name":"names","shape":[1],"datatype":"BYTES","data":["bad..name"]}]}`,
		`{"inputs":[]}`, `{"inputs":null}`, `[]`, ``, `{"inputs":[{"data":[[[[["a"]]]]]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v2/models/fuzz/infer", bytes.NewReader(body)))
		if rec.Code != http.StatusOK {
			var answer struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || answer.Error == "" || rec.Code < 400 {
				t.Fatalf("%d %q (%v)", rec.Code, rec.Body.String(), err)
			}
			return
		}
		var answer struct {
			Outputs []struct {
				Shape []int             `json:"shape"`
				Data  []json.RawMessage `json:"data"`
			} `json:"outputs"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || len(answer.Outputs) == 0 {
			t.Fatalf("200 %q (%v)", rec.Body.String(), err)
		}
		n := len(answer.Outputs[0].Data)
		for _, o := range answer.Outputs {
			if len(o.Shape) != 1 || o.Shape[0] != len(o.Data) || len(o.Data) != n {
				t.Fatalf("outputs of %v elements: %s", o.Shape, rec.Body.String())
			}
		}
	})
}
