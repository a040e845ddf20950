package serving

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	dnstap "github.com/dnstap/golang-dnstap"
	framestream "github.com/farsightsec/golang-framestream"
	"github.com/miekg/dns"
	"google.golang.org/protobuf/proto"

	"github.com/mlctl/mlctl/serving/servingtest"
)

// dnstapRun runs a Dnstap receiver in the background and collects what it
// emits and reports.
type dnstapRun struct {
	d       *Dnstap
	mu      sync.Mutex
	queries []Query
	bad     []string
	stop    context.CancelFunc
	done    chan error
}

func startDnstap(t testing.TB, d *Dnstap) *dnstapRun {
	t.Helper()
	r := &dnstapRun{d: d, done: make(chan error, 1)}
	if d.Counters == nil {
		d.Counters = new(SourceCounters)
	}
	d.Bad = func(err error) {
		r.mu.Lock()
		r.bad = append(r.bad, err.Error())
		r.mu.Unlock()
	}
	if d.Emit == nil {
		d.Emit = func(q Query) {
			r.mu.Lock()
			r.queries = append(r.queries, q)
			r.mu.Unlock()
		}
	}
	ready := make(chan struct{})
	d.Ready = func() { close(ready) }
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	go func() { r.done <- d.Run(ctx) }()
	select {
	case <-ready:
	case err := <-r.done:
		t.Fatalf("Run: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("receiver not ready after 5s")
	}
	t.Cleanup(func() { r.finish(t) })
	return r
}

// finish cancels Run and returns its error, failing the test if it does
// not return within two seconds.
func (r *dnstapRun) finish(t testing.TB) error {
	t.Helper()
	r.stop()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return within 2s of ctx being cancelled")
		return nil
	}
}

// waitRead waits until n frames were read.
func (r *dnstapRun) waitRead(t testing.TB, n uint64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for r.d.Counters.Read.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("read %d frames, want %d", r.d.Counters.Read.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func (r *dnstapRun) counts() [4]uint64 {
	c := r.d.Counters
	return [4]uint64{c.Read.Load(), c.Parsed.Load(), c.Skipped.Load(), c.Bad.Load()}
}

// dnstapMessage builds a dnstap frame as a DNS server sends it: a query
// for name from ip, packed by miekg/dns, and for a response the answer too.
func dnstapMessage(t testing.TB, typ dnstap.Message_Type, name, ip string, at time.Time) []byte {
	t.Helper()
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), dns.TypeA)
	wire, err := q.Pack()
	if err != nil {
		t.Fatal(err)
	}
	m := &dnstap.Message{
		Type:           typ.Enum(),
		SocketFamily:   dnstap.SocketFamily_INET.Enum(),
		SocketProtocol: dnstap.SocketProtocol_UDP.Enum(),
		QueryAddress:   net.ParseIP(ip),
		QueryPort:      proto.Uint32(53000),
		QueryTimeSec:   proto.Uint64(uint64(at.Unix())),
		QueryTimeNsec:  proto.Uint32(uint32(at.Nanosecond())),
	}
	if a := net.ParseIP(ip).To4(); a != nil {
		m.QueryAddress = a
	}
	if typ%2 == 0 { // *_RESPONSE
		r := new(dns.Msg)
		r.SetRcode(q, dns.RcodeNameError)
		if wire, err = r.Pack(); err != nil {
			t.Fatal(err)
		}
		m.ResponseMessage = wire
		m.ResponseTimeSec = proto.Uint64(uint64(at.Unix()))
		m.ResponseTimeNsec = proto.Uint32(uint32(at.Nanosecond()))
	} else {
		m.QueryMessage = wire
	}
	return dnstapFrame(t, m)
}

func dnstapFrame(t testing.TB, m *dnstap.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(&dnstap.Dnstap{
		Identity: []byte("test"),
		Version:  []byte("mlctl-test"),
		Type:     dnstap.Dnstap_MESSAGE.Enum(),
		Message:  m,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dnstapDial connects a bidirectional Frame Streams writer, as unbound and
// BIND do.
func dnstapDial(t testing.TB, sock string) (*framestream.Writer, net.Conn) {
	t.Helper()
	c, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	w, err := framestream.NewWriter(c, &framestream.WriterOptions{
		ContentTypes:  [][]byte{dnstap.FSContentType},
		Bidirectional: true,
		Timeout:       5 * time.Second,
	})
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	return w, c
}

func writeFrames(t testing.TB, w *framestream.Writer, frames ...[]byte) {
	t.Helper()
	for _, f := range frames {
		if _, err := w.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

func TestDnstapGoWriter(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "dnstap.sock")
	// A socket left behind by a receiver that died is replaced.
	stale, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()

	r := startDnstap(t, &Dnstap{SocketPath: sock})
	if st, err := os.Stat(sock); err != nil || st.Mode().Perm() != 0o666 {
		t.Fatalf("socket mode %v %v, want 0666 so a DNS server under its own user connects", st.Mode(), err)
	}

	at := time.Date(2024, 3, 1, 10, 0, 0, 123456789, time.UTC)
	badDNS := dnstapFrame(t, &dnstap.Message{Type: dnstap.Message_CLIENT_QUERY.Enum(), QueryMessage: []byte{1, 2, 3, 4, 5}})
	loop := []byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1} // name points at itself
	badName := dnstapFrame(t, &dnstap.Message{Type: dnstap.Message_CLIENT_QUERY.Enum(), QueryMessage: loop})

	w1, c1 := dnstapDial(t, sock)
	w2, c2 := dnstapDial(t, sock) // two servers at once
	writeFrames(t, w1,
		dnstapMessage(t, dnstap.Message_CLIENT_QUERY, "xjwqkzpvbn.com", "10.1.2.3", at),
		dnstapMessage(t, dnstap.Message_CLIENT_RESPONSE, "xjwqkzpvbn.com", "10.1.2.3", at),
		dnstapMessage(t, dnstap.Message_RESOLVER_QUERY, "com", "192.0.2.1", at),
		[]byte("\xff\xff\xff\xff garbage, not a protobuf"),
		badDNS,
		badName,
	)
	writeFrames(t, w2, dnstapMessage(t, dnstap.Message_CLIENT_QUERY, "www.Example.org.", "2001:db8::7", at))
	writeFrames(t, w1, dnstapMessage(t, dnstap.Message_CLIENT_QUERY, "qpzmtrhvkd.net", "::ffff:10.9.9.9", at))
	for _, w := range []*framestream.Writer{w1, w2} {
		if err := w.Close(); err != nil { // STOP, waits for FINISH
			t.Fatalf("close: %v", err)
		}
	}
	c1.Close()
	c2.Close()
	r.waitRead(t, 8)

	if got := r.counts(); got != [4]uint64{8, 3, 2, 3} {
		t.Errorf("counts read/parsed/skipped/bad = %v, want [8 3 2 3]", got)
	}
	r.mu.Lock()
	got := map[string]Query{}
	for _, q := range r.queries {
		got[q.Name] = q
	}
	want := []Query{
		{Source: "dnstap", Time: at, ClientIP: "10.1.2.3", Name: "xjwqkzpvbn.com"},
		{Source: "dnstap", Time: at, ClientIP: "2001:db8::7", Name: "www.Example.org"},
		{Source: "dnstap", Time: at, ClientIP: "10.9.9.9", Name: "qpzmtrhvkd.net"},
	}
	for _, w := range want {
		if g, ok := got[w.Name]; !ok || g.Source != w.Source || !g.Time.Equal(w.Time) || g.ClientIP != w.ClientIP {
			t.Errorf("query %s: got %+v, want %+v", w.Name, g, w)
		}
	}
	bad := slices.Clone(r.bad)
	r.mu.Unlock()
	slices.Sort(bad)
	wantBad := []string{
		"dnstap " + sock + ": connection 1: frame 4: undecodable dnstap protobuf: ",
		"dnstap " + sock + ": connection 1: frame 5: undecodable DNS message: 5 bytes, shorter than a header",
		"dnstap " + sock + ": connection 1: frame 6: undecodable DNS message: question name: ",
	}
	if len(bad) != len(wantBad) {
		t.Fatalf("bad = %q, want %q", bad, wantBad)
	}
	for i := range bad {
		if !strings.HasPrefix(bad[i], wantBad[i]) {
			t.Errorf("bad[%d] = %q, want it to start with %q", i, bad[i], wantBad[i])
		}
	}

	if err := r.finish(t); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("socket file still there after Run returned: %v", err)
	}
}

// TestDnstapLibraryOutput feeds the receiver from golang-dnstap's own
// socket output, with responses scored too.
func TestDnstapLibraryOutput(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "dnstap.sock")
	r := startDnstap(t, &Dnstap{SocketPath: sock, ScoreResponses: true})
	out, err := dnstap.NewFrameStreamSockOutput(&net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	go out.RunOutputLoop()
	at := time.Unix(1709287200, 5).UTC()
	ch := out.GetOutputChannel()
	ch <- dnstapMessage(t, dnstap.Message_CLIENT_QUERY, "a.example", "127.0.0.1", at)
	ch <- dnstapMessage(t, dnstap.Message_CLIENT_RESPONSE, "b.example", "127.0.0.1", at)
	out.Close()
	r.waitRead(t, 2)
	if got := r.counts(); got != [4]uint64{2, 2, 0, 0} {
		t.Errorf("counts read/parsed/skipped/bad = %v, want [2 2 0 0]", got)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.queries) != 2 || r.queries[1].Name != "b.example" || !r.queries[1].Time.Equal(at) {
		t.Errorf("queries %+v", r.queries)
	}
}

// TestDnstapStopsWithOpenConnections: cancel returns promptly even with a
// server connected mid-stream and a peer stuck in the handshake, and the
// frames sent before are counted.
func TestDnstapStopsWithOpenConnections(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "dnstap.sock")
	r := startDnstap(t, &Dnstap{SocketPath: sock})
	w, c := dnstapDial(t, sock)
	defer c.Close()
	mute, err := net.Dial("unix", sock) // never says READY
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	for i := range 100 {
		writeFrames(t, w, dnstapMessage(t, dnstap.Message_CLIENT_QUERY, fmt.Sprintf("n%d.example", i), "10.0.0.1", time.Now()))
	}
	r.waitRead(t, 100)
	start := time.Now()
	if err := r.finish(t); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("stopping took %v", d)
	}
	if got := r.counts(); got != [4]uint64{100, 100, 0, 0} {
		t.Errorf("counts read/parsed/skipped/bad = %v, want [100 100 0 0]", got)
	}
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("socket file still there: %v", err)
	}
}

func TestDnstapSocketPathInUse(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "not-a-socket")
	if err := os.WriteFile(file, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := (&Dnstap{SocketPath: file}).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "exists and is not a socket") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(file); string(b) != "keep me" {
		t.Fatal("the file was touched")
	}

	sock := filepath.Join(dir, "dnstap.sock")
	startDnstap(t, &Dnstap{SocketPath: sock})
	err = (&Dnstap{SocketPath: sock}).Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "another process is listening") {
		t.Fatalf("second receiver on the same socket: err = %v", err)
	}
	if _, err := os.Lstat(sock); err != nil {
		t.Fatalf("the first receiver's socket is gone: %v", err)
	}
}

// BenchmarkDnstapReceive measures frames per second through one Frame
// Streams connection: protobuf and DNS decoding, counting, emitting.
func BenchmarkDnstapReceive(b *testing.B) {
	sock := filepath.Join(b.TempDir(), "dnstap.sock")
	r := startDnstap(b, &Dnstap{SocketPath: sock, Emit: func(Query) {}})
	frame := dnstapMessage(b, dnstap.Message_CLIENT_QUERY, "xjwqkzpvbn.com", "10.1.2.3", time.Now())
	w, c := dnstapDial(b, sock)
	defer c.Close()
	b.SetBytes(int64(len(frame) + 4))
	b.ResetTimer()
	for range b.N {
		if _, err := w.WriteFrame(frame); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	r.waitRead(b, uint64(b.N))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}

// TestDnstapUnbound runs a real unbound that answers from a local zone and
// logs its client queries and responses over dnstap to the receiver.
func TestDnstapUnbound(t *testing.T) {
	servingtest.RequireTools(t)
	dir := t.TempDir()
	sock := filepath.Join(dir, "dnstap.sock")

	// The receiver first: unbound connects at start and retries later.
	r := startDnstap(t, &Dnstap{SocketPath: sock})
	u := servingtest.StartUnbound(t, dir, sock)

	names := []string{"somename.example", "xjwqkzpvbn.com", "kq3vxj9wzt2m.info", "www.wikipedia.org"}
	start := time.Now()
	for _, n := range names {
		if out := u.Dig(t, n); !strings.Contains(out, "status: NXDOMAIN") {
			t.Fatalf("dig %s:\n%s", n, out)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		r.mu.Lock()
		seen := map[string]Query{}
		for _, q := range r.queries {
			seen[q.Name] = q
		}
		r.mu.Unlock()
		missing := 0
		for _, n := range names {
			if _, ok := seen[n]; !ok {
				missing++
			}
		}
		if missing == 0 {
			for _, n := range names {
				q := seen[n]
				if q.Source != "dnstap" || q.ClientIP != "127.0.0.1" || q.Time.Before(start.Add(-time.Second)) || q.Time.After(time.Now()) {
					t.Errorf("query %s: %+v", n, q)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 15s, %d of %v not received; queries %+v, counts %v, bad %v", missing, names, seen, r.counts(), r.bad)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Responses are logged too (dnstap-log-client-response-messages) and
	// skipped by default; the counters show them once flushed.
	c := r.counts()
	t.Logf("read %d, parsed %d, skipped %d, bad %d", c[0], c[1], c[2], c[3])
	if c[3] != 0 {
		t.Errorf("bad frames from unbound: %v", r.bad)
	}
}
