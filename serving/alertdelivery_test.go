package serving

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlctl/mlctl/internal/netfault"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// outageDB is a migrated registry reached through a proxy the test can cut.
type outageDB struct {
	direct *registry.DB // not through the proxy: for the test's own reads
	db     *registry.DB // through the proxy: for the code under test
	proxy  *netfault.Proxy
}

func newOutageDB(t *testing.T) *outageDB {
	t.Helper()
	ctx := context.Background()
	u := registrytest.NewDatabase(t)
	direct := registrytest.OpenURL(t, u)
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	p := netfault.Start(t, parsed.Host)
	db, err := registry.Open(ctx, p.URL(t, u))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return &outageDB{direct: direct, db: db, proxy: p}
}

// storedInputs returns the inputs of the alerts stored, in the order they
// were stored, and how many distinct alert IDs they have.
func (o *outageDB) storedInputs(t *testing.T) ([]string, int) {
	t.Helper()
	var inputs []string
	var distinct int
	ctx := context.Background()
	if err := o.direct.Pool().QueryRow(ctx, `SELECT COALESCE(array_agg(input ORDER BY id), '{}'), count(DISTINCT alert_uid) FROM alerts`).Scan(&inputs, &distinct); err != nil {
		t.Fatal(err)
	}
	return inputs, distinct
}

func numberedAlerts(from, to int) []registry.Alert {
	var out []registry.Alert
	for i := from; i < to; i++ {
		out = append(out, registry.Alert{SeenAt: time.Now(), Source: "http", ClientIP: "10.0.0.1", Input: fmt.Sprintf("a%04d.example", i),
			Score: 0.9, Threshold: 0.5, Model: "dga", Version: 1})
	}
	return out
}

func inputsOf(from, to int) []string {
	var out []string
	for _, a := range numberedAlerts(from, to) {
		out = append(out, a.Input)
	}
	return out
}

// waitFor polls cond every 20 ms for up to 30 s; on failure it says what
// it waited for and the sink's delivery counters, when given one.
func waitFor(t *testing.T, what string, cond func() bool, sink ...*AlertSink) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			for _, s := range sink {
				t.Logf("delivery counters: %+v", s.Delivery())
			}
			t.Fatalf("%s: not within 30s", what)
		}
	}
}

// TestAlertsSurviveRegistryOutage: alerts raised while the registry is
// unreachable are spooled and stored when it returns, each once and in the
// order raised, after those raised before and before those raised after;
// the alerts file holds every one of them in the same order. Before the
// spool, every batch raised in the outage was lost from the registry.
func TestAlertsSurviveRegistryOutage(t *testing.T) {
	o := newOutageDB(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "alerts.jsonl")
	sink, err := NewAlertSinkWith(o.db, "s1", quiet, AlertSinkOptions{File: file, Spool: filepath.Join(dir, "spool", "production")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		sink.Add(ctx, numberedAlerts(i*10, i*10+10))
	}
	waitFor(t, "the first 100 alerts stored", func() bool { in, _ := o.storedInputs(t); return len(in) == 100 })
	o.proxy.Cut()
	for i := 10; i < 40; i++ {
		sink.Add(ctx, numberedAlerts(i*10, i*10+10))
	}
	waitFor(t, "alerts spooled in the outage", func() bool { return sink.Delivery()[SinkRegistry].InSpool == 300 }, sink)
	o.proxy.Restore()
	for i := 40; i < 50; i++ {
		sink.Add(ctx, numberedAlerts(i*10, i*10+10))
	}
	waitFor(t, "all 500 alerts stored", func() bool { in, _ := o.storedInputs(t); return len(in) >= 500 }, sink)
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	in, distinct := o.storedInputs(t)
	if !slices.Equal(in, inputsOf(0, 500)) || distinct != 500 {
		t.Fatalf("stored %d alerts (%d distinct IDs), not the 500 in the order raised; first ones %q", len(in), distinct, in[:min(5, len(in))])
	}
	c := sink.Delivery()[SinkRegistry]
	if c.Delivered != 500 || c.Spooled < 300 || c.Dropped != 0 || c.InSpool != 0 || c.Failures == 0 {
		t.Fatalf("registry delivery counters %+v", c)
	}
	if lines := fileInputs(t, file); !slices.Equal(lines, inputsOf(0, 500)) {
		t.Fatalf("the alerts file holds %d lines, not the 500 alerts in order", len(lines))
	}
}

// fileInputs returns the inputs of the alerts in a JSON lines file, in order.
func fileInputs(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if l == "" {
			continue
		}
		_, rest, ok := strings.Cut(l, `"input":"`)
		in, _, ok2 := strings.Cut(rest, `"`)
		if !ok || !ok2 {
			t.Fatalf("alerts file line %q", l)
		}
		out = append(out, in)
	}
	return out
}

// TestSpoolOutlivesTheScorer: alerts spooled when a sink closes with the
// registry unreachable are delivered by the next sink on the same spool,
// before its own.
func TestSpoolOutlivesTheScorer(t *testing.T) {
	o := newOutageDB(t)
	base := filepath.Join(t.TempDir(), "spool", "production")
	o.proxy.Cut()
	first, err := NewAlertSinkWith(o.db, "s1", quiet, AlertSinkOptions{Spool: base})
	if err != nil {
		t.Fatal(err)
	}
	first.Add(context.Background(), numberedAlerts(0, 100))
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if c := first.Delivery()[SinkRegistry]; c.InSpool != 100 {
		t.Fatalf("after close in the outage: %+v", c)
	}
	o.proxy.Restore()
	second, err := NewAlertSinkWith(o.db, "s2", quiet, AlertSinkOptions{Spool: base})
	if err != nil {
		t.Fatal(err)
	}
	second.Add(context.Background(), numberedAlerts(100, 110))
	waitFor(t, "110 alerts stored", func() bool { in, _ := o.storedInputs(t); return len(in) >= 110 })
	second.Close()
	if in, distinct := o.storedInputs(t); !slices.Equal(in, inputsOf(0, 110)) || distinct != 110 {
		t.Fatalf("stored %d (%d distinct), not the 110 in order", len(in), distinct)
	}
}

// TestSpoolFullDropsCounted: with the registry down and the spool bound
// reached, further alerts are dropped and counted; every alert is either
// stored or counted as dropped.
func TestSpoolFullDropsCounted(t *testing.T) {
	o := newOutageDB(t)
	o.proxy.Cut()
	sink, err := NewAlertSinkWith(o.db, "s1", quiet, AlertSinkOptions{Spool: filepath.Join(t.TempDir(), "spool", "p"), SpoolMaxBytes: 4000})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		sink.Add(context.Background(), numberedAlerts(i, i+1))
	}
	waitFor(t, "drops counted", func() bool { c := sink.Delivery()[SinkRegistry]; return c.Dropped+uint64(c.InSpool) == 50 })
	o.proxy.Restore()
	waitFor(t, "the spool delivered", func() bool { return sink.Delivery()[SinkRegistry].InSpool == 0 })
	sink.Close()
	c := sink.Delivery()[SinkRegistry]
	in, _ := o.storedInputs(t)
	if c.Dropped == 0 || uint64(len(in))+c.Dropped != 50 {
		t.Fatalf("%d stored + %d dropped, want 50 with some dropped (counters %+v)", len(in), c.Dropped, c)
	}
}

// ackLost stores a batch and then fails the first time, as when the
// registry committed but the answer never came back.
type ackLost struct {
	registryDest
	lost atomic.Bool
}

func (a *ackLost) deliver(ctx context.Context, alerts []registry.Alert) error {
	if err := a.registryDest.deliver(ctx, alerts); err != nil {
		return err
	}
	if a.lost.CompareAndSwap(false, true) {
		return errors.New("connection reset before the commit was acknowledged")
	}
	return nil
}

// TestRedeliveryStoresOnce: a batch stored whose acknowledgement was lost
// is spooled and delivered again, and stored once.
func TestRedeliveryStoresOnce(t *testing.T) {
	o := newOutageDB(t)
	d := newDelivery(SinkRegistry, &ackLost{registryDest: registryDest{o.db}}, nil, 10*time.Second, quiet)
	sp, _, err := claimSpools(filepath.Join(t.TempDir(), "p"), 0)
	if err != nil {
		t.Fatal(err)
	}
	close(d.in)
	<-d.done
	d = newDelivery(SinkRegistry, &ackLost{registryDest: registryDest{o.db}}, sp, 10*time.Second, quiet)
	batch := numberedAlerts(0, 20)
	for i := range batch {
		batch[i].UID = registry.NewAlertUID()
	}
	d.in <- batch
	waitFor(t, "the batch delivered from the spool", func() bool { c := d.counts(); return c.Delivered == 20 && c.InSpool == 0 })
	close(d.in)
	<-d.done
	if in, distinct := o.storedInputs(t); len(in) != 20 || distinct != 20 {
		t.Fatalf("%d rows, %d distinct alert IDs; want 20 and 20", len(in), distinct)
	}
}
