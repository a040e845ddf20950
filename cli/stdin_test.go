package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dnstap "github.com/dnstap/golang-dnstap"
	framestream "github.com/farsightsec/golang-framestream"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"

	"github.com/mlctl/mlctl/registry/registrytest"
)

// runStdin runs mlctl with args and stdin as its standard input.
func runStdin(args []string, stdin []byte) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(append([]string{"mlctl"}, args...), bytes.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestFileDashReadsStdin: `--file -` reads standard input wherever a file
// is read, format detection included (it peeks at the head of the pipe),
// with the same result as the file; bad lines are named <stdin>:LINE; a
// second `-` is a usage error.
func TestFileDashReadsStdin(t *testing.T) {
	dir := t.TempDir()
	names := []byte("domain,label\ngoogle.com,0\nxkqzjwpvbn.net,1\n\xff.com,1\nwikipedia.org,0\n")
	path := filepath.Join(dir, "names.csv")
	os.WriteFile(path, names, 0o644)

	// features: the same vectors from the pipe as from the file, the bad line named.
	code, fromFile, _ := runStdin([]string{"features", "--kind", "dga", "--set", "heidgaf44", "--file", path, "--json"}, nil)
	code2, fromStdin, stderr := runStdin([]string{"features", "--kind", "dga", "--set", "heidgaf44", "--file", "-", "--json"}, names)
	if code != 0 || code2 != 0 || fromStdin != fromFile || strings.Count(fromStdin, "\n") != 3 {
		t.Fatalf("features from stdin (exit %d):\n%s\nfrom the file (exit %d):\n%s", code2, fromStdin, code, fromFile)
	}
	if !strings.Contains(stderr, "skipped <stdin>:4: ") {
		t.Fatalf("bad line not named <stdin>:4:\n%s", stderr)
	}

	// Two standard inputs.
	code, out, stderr := runStdin([]string{"dataset", "ingest", "x", "--kind", "dga", "--file", "-", "--file", "-"}, names)
	if code != 2 || out != "" || stderr != "mlctl: dataset ingest: standard input (-) can be read only once\n" {
		t.Fatalf("two -: exit %d, %q, %q", code, out, stderr)
	}

	url := registrytest.NewDatabase(t)
	db := []string{"--db", url}
	type report struct {
		Version  int `json:"version"`
		Rows     int `json:"rows"`
		Created  bool
		FirstBad []struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"first_bad"`
	}
	ingest := func(name string, stdin []byte, args ...string) report {
		t.Helper()
		code, out, stderr := runStdin(append(append(db, "dataset", "ingest", name, "--file", "-", "--json"), args...), stdin)
		var r report
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
			t.Fatalf("ingest %s from stdin: exit %d\n%s\n%s", name, code, out, stderr)
		}
		return r
	}

	// Names (CSV detected on the pipe): the bad line named, the source's SHA-256 that of the bytes.
	r := ingest("names", names, "--kind", "dga", "--max-bad-fraction", "0.5")
	if r.Version != 1 || r.Rows != 3 || len(r.FirstBad) != 1 || r.FirstBad[0].File != "<stdin>" || r.FirstBad[0].Line != 4 {
		t.Fatalf("names from stdin: %+v", r)
	}
	code, out, _ = runStdin(append(db, "dataset", "show", "names", "--json"), nil)
	sum := sha256.Sum256(names)
	if code != 0 || !strings.Contains(out, `"path":"<stdin>","sha256":"`+hex.EncodeToString(sum[:])+`"`) {
		t.Fatalf("dataset show names: exit %d\n%s", code, out)
	}

	// A Zeek conn.log on the pipe (auto: the '#' header makes it one).
	conn, err := os.ReadFile(filepath.Join("..", "datasets", "testdata", "conn", "good.log"))
	if err != nil {
		t.Fatal(err)
	}
	if r := ingest("flows", conn, "--kind", "flow"); r.Version != 1 || r.Rows == 0 {
		t.Fatalf("flows from stdin: %+v", r)
	}

	// A dnstap capture on the pipe (auto: its leading escape, peeked), and
	// a Zeek dns.log.
	if r := ingest("tap", dnstapCapture(t, 40), "--kind", "dns-domain", "--label", "0"); r.Version != 1 || r.Rows == 0 {
		t.Fatalf("dnstap capture from stdin: %+v", r)
	}
	zeek, err := os.ReadFile(filepath.Join("..", "serving", "testdata", "zeekdns.log"))
	if err != nil {
		t.Fatal(err)
	}
	if r := ingest("zeekdns", zeek, "--kind", "dns-domain", "--label", "0"); r.Version != 1 || r.Rows == 0 {
		t.Fatalf("dns.log from stdin: %+v", r)
	}

	// A table whose third line has a bad cell.
	table := []byte("a,b,label\n1,2,0\n3,x,1\n5,6,1\n7,8,0\n")
	code, out, stderr = runStdin(append(db, "dataset", "ingest", "tab", "--kind", "tabular", "--file", "-", "--max-bad-fraction", "0.5", "--json"), table)
	if code != 0 || !strings.Contains(stderr, "<stdin>:3: ") {
		t.Fatalf("table from stdin: exit %d\n%s\n%s", code, out, stderr)
	}
}

// dnstapCapture is a dnstap file (unidirectional Frame Streams) of n client
// queries for names under example.com from one client, a second apart.
func dnstapCapture(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := framestream.NewWriter(&buf, &framestream.WriterOptions{ContentTypes: [][]byte{dnstap.FSContentType}})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range n {
		q := new(dns.Msg)
		q.SetQuestion(dns.Fqdn(strings.Repeat("a", 1+i%20)+".example.com"), dns.TypeA)
		wire, err := q.Pack()
		if err != nil {
			t.Fatal(err)
		}
		when := at.Add(time.Duration(i) * time.Second)
		b, err := proto.Marshal(&dnstap.Dnstap{Type: dnstap.Dnstap_MESSAGE.Enum(), Message: &dnstap.Message{
			Type: dnstap.Message_CLIENT_QUERY.Enum(), SocketFamily: dnstap.SocketFamily_INET.Enum(), SocketProtocol: dnstap.SocketProtocol_UDP.Enum(),
			QueryAddress: net.ParseIP("192.0.2.7").To4(), QueryPort: proto.Uint32(53000),
			QueryTimeSec: proto.Uint64(uint64(when.Unix())), QueryTimeNsec: proto.Uint32(0), QueryMessage: wire,
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.WriteFrame(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
