package serving

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// campaignWidth is the width of the heidgaf44 feature vector.
const campaignWidth = 44

// burst returns n vectors within 0.01 (per feature) of a random centre in
// [-100, 100]^campaignWidth: one actor's alerts.
func burst(rng *rand.Rand, n int) [][]float64 {
	centre := lone(rng)
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, campaignWidth)
		for j := range out[i] {
			out[i][j] = centre[j] + 0.01*rng.NormFloat64()
		}
	}
	return out
}

// lone returns one vector uniform in [-100, 100]^campaignWidth: far from
// every other at eps 0.5 on scaled features.
func lone(rng *rand.Rand) []float64 {
	v := make([]float64, campaignWidth)
	for j := range v {
		v[j] = 200*rng.Float64() - 100
	}
	return v
}

// campaignAlerts makes one alert per vector, named prefix-i, of model sha.
func campaignAlerts(prefix, sha string, at time.Time, vectors [][]float64) []registry.Alert {
	out := make([]registry.Alert, len(vectors))
	for i, v := range vectors {
		out[i] = registry.Alert{SeenAt: at, Source: "dnstap", ClientIP: "10.0.0.1", Input: fmt.Sprintf("%s-%d", prefix, i),
			Score: 0.9, Threshold: 0.5, Model: "dga", Version: 1, SHA256: sha, Vector: v}
	}
	return out
}

// counterIDs issues 1, 2, 3, ... like the sequence, and fails on demand.
type counterIDs struct {
	next, calls int
	fail        error
}

func (c *counterIDs) NewCampaignIDs(_ context.Context, n int) ([]int, error) {
	c.calls++
	if c.fail != nil {
		return nil, c.fail
	}
	ids := make([]int, n)
	for i := range ids {
		c.next++
		ids[i] = c.next
	}
	return ids, nil
}

func campaignsOf(alerts []registry.Alert) []int {
	out := make([]int, len(alerts))
	for i, a := range alerts {
		out[i] = a.Campaign
	}
	return out
}

func sameID(t *testing.T, what string, alerts []registry.Alert) int {
	t.Helper()
	id := alerts[0].Campaign
	for _, a := range alerts {
		if a.Campaign != id || id < 1 {
			t.Fatalf("%s: campaigns %v; want one ID, positive", what, campaignsOf(alerts))
		}
	}
	return id
}

func allNone(t *testing.T, what string, alerts []registry.Alert) {
	t.Helper()
	for _, a := range alerts {
		if a.Campaign != registry.NoCampaign {
			t.Fatalf("%s: campaigns %v; want all %d", what, campaignsOf(alerts), registry.NoCampaign)
		}
	}
}

// TestCampaignsCarryIDsAcrossBatches checks the tracker alone: a campaign
// keeps its ID as members arrive in later batches, a second campaign gets
// another, lone alerts and alerts without a vector get none, and alerts
// that were noise become a campaign once enough similar ones arrive.
func TestCampaignsCarryIDsAcrossBatches(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	ids := &counterIDs{}
	c, err := NewCampaigns(ids, CampaignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1700000000, 0)
	a := burst(rng, 8)
	b := burst(rng, 6)
	lones := [][]float64{lone(rng), lone(rng), lone(rng)}

	first := append(campaignAlerts("a", "m1", t0, a[:5]), campaignAlerts("lone", "m1", t0, lones)...)
	first = append(first, registry.Alert{SeenAt: t0, Source: "zeek-conn", Input: "flow", Model: FlowRulesModel})
	if err := c.Assign(ctx, first); err != nil {
		t.Fatal(err)
	}
	idA := sameID(t, "burst a", first[:5])
	allNone(t, "lone and flow alerts", first[5:])

	second := append(campaignAlerts("a-late", "m1", t0.Add(time.Minute), a[5:]), campaignAlerts("b", "m1", t0.Add(time.Minute), b)...)
	if err := c.Assign(ctx, second); err != nil {
		t.Fatal(err)
	}
	if got := sameID(t, "late members of a", second[:3]); got != idA {
		t.Fatalf("late members of a got campaign %d; want a's %d", got, idA)
	}
	if idB := sameID(t, "burst b", second[3:]); idB == idA {
		t.Fatalf("bursts a and b share campaign %d", idA)
	}

	// Two similar alerts are noise (min samples 3); a third makes them a
	// campaign: the third gets a fresh ID, which the window then carries
	// for the first two, so a fourth gets the same.
	d := burst(rng, 4)
	for k, want := range []string{"none", "none", "fresh", "same"} {
		one := campaignAlerts(fmt.Sprintf("d%d", k), "m1", t0.Add(2*time.Minute), d[k:k+1])
		if err := c.Assign(ctx, one); err != nil {
			t.Fatal(err)
		}
		got := one[0].Campaign
		switch want {
		case "none":
			if got != registry.NoCampaign {
				t.Fatalf("d%d alone got campaign %d", k, got)
			}
		case "fresh":
			if got != ids.next {
				t.Fatalf("d%d got campaign %d; want the fresh %d", k, got, ids.next)
			}
		case "same":
			if got != ids.next {
				t.Fatalf("d%d got campaign %d; want d2's %d", k, got, ids.next)
			}
		}
	}
	// Fresh IDs: one per new campaign, none for noise.
	if ids.next != 3 {
		t.Fatalf("%d IDs taken; want 3 (a, b, d)", ids.next)
	}

	// Another model's window is apart: burst a's vectors under model m2
	// are a new campaign there. (Lone alerts come along: standard scaling
	// over a window holding one tight group alone would stretch it to unit
	// variance, and it would be noise.)
	other := campaignAlerts("a", "m2", t0.Add(3*time.Minute), append(slices.Clone(a[:4]), lones...))
	if err := c.Assign(ctx, other); err != nil {
		t.Fatal(err)
	}
	if got := sameID(t, "a under m2", other[:4]); got == idA {
		t.Fatalf("model m2 reused m1's campaign %d", idA)
	}
}

func TestCampaignsFreshIDFailureIsReportedAndRetried(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	down := errors.New("registry down")
	ids := &counterIDs{fail: down}
	c, err := NewCampaigns(ids, CampaignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1700000000, 0)
	a := burst(rng, 6)
	first := campaignAlerts("a", "m1", t0, append(slices.Clone(a[:4]), lone(rng), lone(rng)))
	if err := c.Assign(ctx, first); !errors.Is(err, down) {
		t.Fatalf("Assign with the ID source down: %v; want %v", err, down)
	}
	allNone(t, "a with no ID to be had", first)
	ids.fail = nil
	second := campaignAlerts("a", "m1", t0, a[4:])
	if err := c.Assign(ctx, second); err != nil {
		t.Fatal(err)
	}
	if got := sameID(t, "a once IDs are back", second); got != 1 {
		t.Fatalf("campaign %d; want 1", got)
	}
}

func TestCampaignsRejectBadVectorsAndOptions(t *testing.T) {
	ctx := context.Background()
	c, err := NewCampaigns(&counterIDs{}, CampaignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	t0 := time.Unix(1700000000, 0)
	bad := campaignAlerts("x", "m1", t0, append(burst(rng, 3), []float64{1, 2}))
	bad[1].Vector = slices.Clone(bad[1].Vector)
	bad[1].Vector[7] = 1 / zero()
	err = c.Assign(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "feature 7 is +Inf") || !strings.Contains(err.Error(), "2 features, model m1 has 44") {
		t.Fatalf("error %v; want the Inf feature and the short vector named", err)
	}
	allNone(t, "a bad batch (two usable vectors are noise)", bad)

	for _, o := range []CampaignOptions{{Eps: -1}, {MinSamples: -2}, {Window: 6000}, {MaxAge: -time.Second}} {
		if _, err := NewCampaigns(&counterIDs{}, o); mlctl.ErrorCode(err) != mlctl.EINVALID {
			t.Errorf("options %+v: %v; want invalid", o, err)
		}
	}
}

func zero() float64 { return 0 }

func TestCampaignWindowIsBoundedByCountAndAge(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 8))
	c, err := NewCampaigns(&counterIDs{}, CampaignOptions{Window: 10, MaxAge: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Unix(1700000000, 0)
	// 25 at once: clustered in chunks of 10, the window keeps the last 10.
	if err := c.Assign(ctx, campaignAlerts("a", "m1", t0, burst(rng, 25))); err != nil {
		t.Fatal(err)
	}
	if w := c.windows["m1"]; len(w.vectors) != 10 {
		t.Fatalf("window holds %d; want 10", len(w.vectors))
	}
	// Two minutes later the old ones are past MaxAge.
	if err := c.Assign(ctx, campaignAlerts("b", "m1", t0.Add(2*time.Minute), burst(rng, 2))); err != nil {
		t.Fatal(err)
	}
	if w := c.windows["m1"]; len(w.vectors) != 2 {
		t.Fatalf("window holds %d; want the 2 young ones", len(w.vectors))
	}
	// A model with nothing for MaxAge is forgotten.
	if err := c.Assign(ctx, campaignAlerts("c", "m2", t0.Add(5*time.Minute), burst(rng, 1))); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.windows["m1"]; ok || len(c.windows) != 1 {
		t.Fatalf("windows of %d models; want m2's only", len(c.windows))
	}
}

// TestAlertSinkCampaignsPersistAndStayUniqueAcrossScorers runs two sinks
// (two scorers) on the real registry: bursts get one ID each, lone alerts
// -1, the IDs are stored and written to the file, and the second scorer
// never reuses the first one's IDs.
func TestAlertSinkCampaignsPersistAndStayUniqueAcrossScorers(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	rng := rand.New(rand.NewPCG(9, 10))
	dir := t.TempDir()
	sha := strings.Repeat("ab", 32)
	t0 := time.Unix(1700000000, 0)

	s1, err := NewAlertSink(db, "scorer-1", dir+"/s1.jsonl", quiet)
	if err != nil {
		t.Fatal(err)
	}
	a, b := burst(rng, 6), burst(rng, 5)
	// Each batch holds more than one group: standard scaling over one
	// tight group alone would stretch it to unit variance (noise).
	s1.Add(ctx, append(campaignAlerts("a", sha, t0, a), campaignAlerts("lone", sha, t0, [][]float64{lone(rng), lone(rng)})...))
	s1.Add(ctx, campaignAlerts("b", sha, t0.Add(time.Second), b))
	s1.Add(ctx, []registry.Alert{{SeenAt: t0, Source: "zeek-conn", ClientIP: "10.0.0.2", Input: "flow", Model: FlowRulesModel}})
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if s1.CampaignFailed() != 0 {
		t.Fatalf("%d batches failed campaign assignment", s1.CampaignFailed())
	}

	// A restart, or another scorer: a fresh tracker, same sequence.
	s2, err := NewAlertSink(db, "scorer-2", dir+"/s2.jsonl", quiet)
	if err != nil {
		t.Fatal(err)
	}
	s2.Add(ctx, append(campaignAlerts("c", sha, t0.Add(time.Minute), burst(rng, 4)), campaignAlerts("again", sha, t0.Add(time.Minute), a[:3])...))
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}

	stored, err := db.Alerts(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	group := map[string][]registry.Alert{}
	for _, al := range stored {
		p, _, _ := strings.Cut(al.Input, "-")
		group[p] = append(group[p], al)
	}
	idA := sameID(t, "stored burst a", group["a"])
	idB := sameID(t, "stored burst b", group["b"])
	idC := sameID(t, "stored burst c (scorer 2)", group["c"])
	idA2 := sameID(t, "stored a again (scorer 2)", group["again"])
	allNone(t, "stored lone alerts", group["lone"])
	allNone(t, "stored flow alert", group["flow"])
	if len(group["a"]) != 6 || len(group["b"]) != 5 || len(group["lone"]) != 2 {
		t.Fatalf("stored groups %d/%d/%d", len(group["a"]), len(group["b"]), len(group["lone"]))
	}
	if idA == idB {
		t.Fatalf("bursts a and b share campaign %d", idA)
	}
	// Scorer 2 does not know scorer 1's window: a's vectors are a new
	// campaign there, under a new ID.
	for _, id := range []int{idC, idA2} {
		if id == idA || id == idB {
			t.Fatalf("scorer 2 reused campaign %d (scorer 1 has %d and %d)", id, idA, idB)
		}
	}
	if idC == idA2 {
		t.Fatalf("scorer 2's campaigns share ID %d", idC)
	}

	// The files carry the same IDs.
	inFile := map[string]int{}
	for _, path := range []string{dir + "/s1.jsonl", dir + "/s2.jsonl"} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var line map[string]any
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				t.Fatal(err)
			}
			id, ok := line["campaign_id"].(float64)
			if !ok {
				t.Fatalf("line without campaign_id: %s", sc.Text())
			}
			if _, ok := line["vector"]; ok {
				t.Fatalf("line carries the vector: %s", sc.Text())
			}
			inFile[line["scorer_id"].(string)+"/"+line["input"].(string)] = int(id)
		}
		f.Close()
	}
	if len(inFile) != len(stored) {
		t.Fatalf("%d alerts in the files, %d stored", len(inFile), len(stored))
	}
	for _, al := range stored {
		if got := inFile[al.ScorerID+"/"+al.Input]; got != al.Campaign {
			t.Fatalf("%s: campaign %d in the file, %d stored", al.Input, got, al.Campaign)
		}
	}
}

// TestPipelineGivesRepeatedAlertsACampaign: alerts the pipeline raises
// carry their feature vectors, so one DGA name looked up by several
// clients (identical vectors) is a campaign, and a lone name is not.
func TestPipelineGivesRepeatedAlertsACampaign(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	m, err := Load(ctx, db, publishModel(t, db, "dga", 3))
	if err != nil {
		t.Fatal(err)
	}
	h := &Holder{}
	h.Swap(m)
	sink, err := NewAlertSink(db, "scorer-1", "", quiet)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPipeline(h, sink, quiet, []string{"dnstap"}, PipelineOptions{MaxWait: time.Millisecond})
	repeated, single := "xkqwjzprtmvbnd.net", "qzxvkjwplrtmsn.info"
	for i := range 4 {
		p.Offer(Query{Source: "dnstap", Time: time.Unix(1700000000, 0), ClientIP: fmt.Sprintf("10.0.0.%d", i+1), Name: repeated})
	}
	p.Offer(Query{Source: "dnstap", Time: time.Unix(1700000000, 0), ClientIP: "10.0.0.9", Name: single})
	p.Offer(Query{Source: "dnstap", Time: time.Unix(1700000000, 0), ClientIP: "10.0.0.9", Name: "www.google.com"})
	p.Close()
	p.Run(ctx)
	sink.Close()
	stored, err := db.Alerts(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var rep, one []registry.Alert
	for _, a := range stored {
		switch a.Input {
		case repeated:
			rep = append(rep, a)
		case single:
			one = append(one, a)
		default:
			t.Fatalf("unexpected alert %+v", a)
		}
	}
	if len(rep) != 4 || len(one) != 1 {
		t.Fatalf("%d alerts for %s, %d for %s; want 4 and 1 (the test model must flag both)", len(rep), repeated, len(one), single)
	}
	sameID(t, "one name from four clients", rep)
	allNone(t, "a lone name", one)
}

// BenchmarkCampaignsAssign is the campaign work of one written batch: a
// model's window full (2,000 alerts of heidgaf44 features of generated DGA
// names) and a batch of new alerts, clustered together. IDs come from a
// counter, so this is the clustering alone.
func BenchmarkCampaignsAssign(b *testing.B) {
	set, err := features.Lookup("heidgaf44", nil)
	if err != nil {
		b.Fatal(err)
	}
	var pool [][]float64
	for _, r := range datasets.GenerateDemo(9, 12000) {
		if r.Label == 1 {
			v := make([]float64, len(set.Names()))
			set.Extract(r.Name, v)
			pool = append(pool, v)
		}
	}
	for _, batch := range []int{1, 16, 256, DefaultCampaignWindow} {
		b.Run(fmt.Sprintf("window%d+batch%d", DefaultCampaignWindow, batch), func(b *testing.B) {
			ctx := context.Background()
			c, err := NewCampaigns(&counterIDs{}, CampaignOptions{})
			if err != nil {
				b.Fatal(err)
			}
			t0 := time.Unix(1700000000, 0)
			if err := c.Assign(ctx, campaignAlerts("w", "m1", t0, pool[:DefaultCampaignWindow])); err != nil {
				b.Fatal(err)
			}
			next := DefaultCampaignWindow
			alerts := make([]registry.Alert, batch)
			for b.Loop() {
				vecs := make([][]float64, batch)
				for i := range vecs {
					vecs[i] = pool[next%len(pool)]
					next++
				}
				copy(alerts, campaignAlerts("n", "m1", t0, vecs))
				if err := c.Assign(ctx, alerts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(batch), "µs/alert")
		})
	}
}
