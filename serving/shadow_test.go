package serving

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/registry/registrytest"
)

// eventually waits up to 10 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// promote points alias at m.
func promote(t *testing.T, db *registry.DB, alias string, m *registry.Model) {
	t.Helper()
	if _, err := db.SetAlias(context.Background(), registry.MoveAlias{Alias: alias, ModelID: m.ID, Action: mlctl.ActionPromote,
		WorkflowID: fmt.Sprintf("promote-%s-%d", alias, m.ID), By: "t"}); err != nil {
		t.Fatal(err)
	}
	if err := db.NotifyAlias(context.Background(), alias); err != nil {
		t.Fatal(err)
	}
}

// load loads a published model as the scorer does.
func load(t *testing.T, db *registry.DB, m *registry.Model) *Model {
	t.Helper()
	lm, err := Load(context.Background(), db, m)
	if err != nil {
		t.Fatal(err)
	}
	return lm
}

// offlineShadow is what a shadow of champion by challenger must count for
// inputs, computed apart: each input scored alone by each model.
func offlineShadow(champion, challenger *Model, inputs []string) registry.ShadowStats {
	a, b := make([]float64, len(inputs)), make([]float64, len(inputs))
	for i, in := range inputs {
		champion.Scorer.Score([]string{in}, a[i:i+1])
		challenger.Scorer.Score([]string{in}, b[i:i+1])
	}
	return offlineStats(champion, challenger, a, b)
}

// offlineStats counts the scores a (champion's) and b (challenger's) of
// the same inputs: labels at each one's threshold, bins by
// floor(score·ShadowBins) clamped into [0, ShadowBins-1].
func offlineStats(champion, challenger *Model, a, b []float64) registry.ShadowStats {
	st := registry.ShadowStats{ChampionHist: make([]int64, registry.ShadowBins), ChallengerHist: make([]int64, registry.ShadowBins)}
	bin := func(s float64) int {
		return int(math.Max(0, math.Min(registry.ShadowBins-1, math.Floor(s*registry.ShadowBins))))
	}
	for i := range a {
		ca, hb := a[i] >= champion.Threshold, b[i] >= challenger.Threshold
		st.Scored++
		if ca != hb {
			st.Disagreements++
		}
		if ca {
			st.ChampionAlerts++
		}
		if hb {
			st.ChallengerAlerts++
		}
		st.ChampionHist[bin(a[i])]++
		st.ChallengerHist[bin(b[i])]++
	}
	return st
}

// sameTotals compares the counted fields of two stats.
func sameTotals(a, b registry.ShadowStats) bool {
	return a.Scored == b.Scored && a.Disagreements == b.Disagreements && a.ChampionAlerts == b.ChampionAlerts &&
		a.ChallengerAlerts == b.ChallengerAlerts && slices.Equal(a.ChampionHist, b.ChampionHist) && slices.Equal(a.ChallengerHist, b.ChallengerHist)
}

func totals(s registry.ShadowStats) string {
	return fmt.Sprintf("scored %d disagreements %d alerts %d/%d hists %v %v", s.Scored, s.Disagreements, s.ChampionAlerts,
		s.ChallengerAlerts, s.ChampionHist, s.ChallengerHist)
}

// postNames POSTs names to /v1/score and returns the answer.
func postNames(t *testing.T, addr string, names []string) scoreAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string][]string{"names": names})
	resp, err := http.Post("http://"+addr+"/v1/score", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a scoreAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /v1/score: %d %v", resp.StatusCode, err)
	}
	return a
}

type scoreAnswer struct {
	Model   string `json:"model"`
	Version int    `json:"version"`
	Results []struct {
		Input string  `json:"input"`
		Score float64 `json:"score"`
		Label int     `json:"label"`
	} `json:"results"`
}

// demoNames are n generated names (both classes) and their normalised
// forms; all normalise.
func demoNames(t *testing.T, seed uint64, n int) []string {
	t.Helper()
	var out []string
	for _, r := range datasets.GenerateDemo(seed, n) {
		v, err := datasets.NormaliseDomain(r.Name)
		if err != nil {
			t.Fatalf("generated name %q: %v", r.Name, err)
		}
		out = append(out, v)
	}
	return out
}

// appendDNS appends one dns.log line per name.
func appendDNS(t *testing.T, path string, names []string) {
	t.Helper()
	var b strings.Builder
	for i, n := range names {
		fmt.Fprintf(&b, "%d.%06d\t10.0.0.%d\t%s\tA\n", 1700000000+i, i, 1+i%7, n)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(b.String()); err != nil {
		t.Fatal(err)
	}
}

// TestShadowScoresWithBothAlertsOnlyFromTheChampion: with a shadow open, a
// scorer scores the names of a dns.log and of HTTP requests with the
// champion and a challenger that disagrees with it on most names; alerts
// and answers are the champion's alone, and the stats it records are
// exactly those computed offline. Ending the shadow (through NOTIFY alone)
// stops it: what is scored afterwards is not counted.
func TestShadowScoresWithBothAlertsOnlyFromTheChampion(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	champ, chall := publishModel(t, db, "dga", 1), publishNameModel(t, db, "dga", 2, true)
	promote(t, db, "production", champ)
	sh, err := db.StartShadow(ctx, "production", champ.ID, chall.ID, "retrain-1")
	if err != nil {
		t.Fatal(err)
	}
	dns := filepath.Join(t.TempDir(), "dns.log")
	if err := os.WriteFile(dns, []byte(zeekDNSHeader), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, stop := runServer(t, db, Config{Alias: "production", HTTPAddr: "127.0.0.1:0", ZeekDNS: dns, Heartbeat: 50 * time.Millisecond,
		Poll: time.Hour})
	eventually(t, "shadow started", func() bool { return srv.Holder().Shadow() != nil })
	if got := srv.Holder().Shadow(); got.ID != sh.ID || got.Champion.ID != champ.ID || got.Challenger.ID != chall.ID {
		t.Fatalf("shadow %d of %s by %s; want %d of dga@1 by dga@2", got.ID, got.Champion.Ref(), got.Challenger.Ref(), sh.ID)
	}

	logNames, httpNames := demoNames(t, 7, 300), demoNames(t, 8, 60)
	appendDNS(t, dns, logNames)
	counters := srv.pipeline.Counters("zeek-dns")
	eventually(t, "dns.log scored", func() bool { return counters.Scored.Load() == uint64(len(logNames)) })
	answer := postNames(t, srv.Addr(), httpNames)
	offChamp, offChall := load(t, db, champ), load(t, db, chall)
	if answer.Model != "dga" || answer.Version != champ.Version || len(answer.Results) != len(httpNames) {
		t.Fatalf("answer of %s@%d with %d results", answer.Model, answer.Version, len(answer.Results))
	}
	one := make([]float64, 1)
	for i, r := range answer.Results {
		offChamp.Scorer.Score([]string{httpNames[i]}, one)
		if math.Abs(r.Score-one[0]) > 1e-6 || (r.Label == 1) != (one[0] >= offChamp.Threshold) {
			t.Fatalf("answer for %s: score %v label %d; the champion scores %v", r.Input, r.Score, r.Label, one[0])
		}
	}
	want := offlineShadow(offChamp, offChall, append(slices.Clone(logNames), httpNames...))
	t.Logf("%d names: %s", want.Scored, totals(want))
	if want.Disagreements < want.Scored/2 || want.ChallengerAlerts == 0 {
		t.Fatalf("the models disagree too little for this test: %s", totals(want))
	}
	eventually(t, "shadow stats in memory", func() bool { return srv.Holder().Shadow().Stats().Scored == want.Scored })
	if got := srv.Holder().Shadow().Stats(); !sameTotals(got, want) {
		t.Fatalf("shadow stats\n got %s\nwant %s", totals(got), totals(want))
	}
	metrics := httpGet(t, "http://"+srv.Addr()+"/metrics")
	for _, line := range []string{
		fmt.Sprintf(`mlctl_shadow_scored_total{shadow_id="%d"} %d`, sh.ID, want.Scored),
		fmt.Sprintf(`mlctl_shadow_disagreements_total{shadow_id="%d"} %d`, sh.ID, want.Disagreements),
		fmt.Sprintf(`mlctl_shadow_challenger_alerts_total{shadow_id="%d"} %d`, sh.ID, want.ChallengerAlerts),
	} {
		if !strings.Contains(metrics, line+"\n") {
			t.Fatalf("/metrics lacks %q", line)
		}
	}
	eventually(t, "shadow stats recorded", func() bool {
		sum, err := db.SummariseShadow(ctx, sh.ID)
		return err == nil && sum.Scored == want.Scored
	})
	eventually(t, "heartbeat with the shadow", func() bool {
		ss, err := db.Scorers(ctx, "production")
		if err != nil || len(ss) != 1 {
			return false
		}
		var c struct {
			Shadow struct {
				ID     int64 `json:"id"`
				Scored int64 `json:"scored"`
			} `json:"shadow"`
		}
		return json.Unmarshal(ss[0].Counters, &c) == nil && c.Shadow.ID == sh.ID && c.Shadow.Scored == want.Scored
	})

	// End the shadow: the scorer stops it; what follows is not shadowed.
	if _, err := db.EndShadow(ctx, sh.ID, "rejected"); err != nil {
		t.Fatal(err)
	}
	eventually(t, "shadow stopped", func() bool { return srv.Holder().Shadow() == nil })
	more := demoNames(t, 9, 100)
	appendDNS(t, dns, more)
	eventually(t, "more of dns.log scored", func() bool { return counters.Scored.Load() == uint64(len(logNames)+len(more)) })
	postNames(t, srv.Addr(), more[:10])
	stop()

	sum, err := db.SummariseShadow(ctx, sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Scorers != 1 || !sameTotals(sum.ShadowStats, want) || sum.Outcome != "rejected" {
		t.Fatalf("recorded shadow (%d scorers)\n got %s\nwant %s", sum.Scorers, totals(sum.ShadowStats), totals(want))
	}
	// Alerts: the champion's, for each dns.log name it scores at or over
	// its threshold; none of the challenger's.
	alerts, err := db.Alerts(ctx, 10000)
	if err != nil {
		t.Fatal(err)
	}
	wantAlerts := offlineShadow(offChamp, offChall, append(slices.Clone(logNames), more...)).ChampionAlerts
	var nameAlerts int64
	for _, a := range alerts {
		if a.Kind == registry.AlertName {
			nameAlerts++
		}
	}
	if nameAlerts != wantAlerts {
		t.Fatalf("%d name alerts; the champion alerts on %d of the dns.log names", nameAlerts, wantAlerts)
	}
	for _, a := range alerts {
		if a.ModelID != champ.ID || a.SHA256 != champ.SHA256 || a.Score < offChamp.Threshold {
			t.Fatalf("alert not the champion's: %+v", a)
		}
	}
}

// httpGet returns a GET's body.
func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestShadowRefusesACorruptOrOtherKindChallenger: a challenger whose
// artifact fails verification is not shadowed and the champion keeps
// serving alone; nor is a challenger of another kind (a txt model beside a
// dga one). Each is refused once, not at every check.
func TestShadowRefusesACorruptOrOtherKindChallenger(t *testing.T) {
	ctx := context.Background()
	db := registrytest.Open(t)
	champ, chall := publishModel(t, db, "dga", 1), publishModel(t, db, "dga", 2)
	if _, err := db.Pool().Exec(ctx, `UPDATE models SET artifact = overlay(artifact PLACING '\x41'::bytea FROM 50 FOR 1) WHERE id = $1`, chall.ID); err != nil {
		t.Fatal(err)
	}
	promote(t, db, "production", champ)
	sh, err := db.StartShadow(ctx, "production", champ.ID, chall.ID, "retrain-1")
	if err != nil {
		t.Fatal(err)
	}
	srv, stop := runServer(t, db, Config{Alias: "production", HTTPAddr: "127.0.0.1:0", Heartbeat: 50 * time.Millisecond, Poll: 20 * time.Millisecond})
	eventually(t, "corrupt challenger refused", func() bool { return srv.watcher.ShadowRefusals() == 1 })
	names := demoNames(t, 7, 50)
	answer := postNames(t, srv.Addr(), names)
	if m := srv.Holder().Get(); m == nil || m.ID != champ.ID || answer.Version != champ.Version || len(answer.Results) != len(names) {
		t.Fatalf("the champion does not serve: %+v", answer)
	}
	if srv.Holder().Shadow() != nil {
		t.Fatal("a corrupt challenger is shadowed")
	}
	time.Sleep(100 * time.Millisecond) // several polls: refused once, not at each
	if n := srv.watcher.ShadowRefusals(); n != 1 {
		t.Fatalf("refused %d times; want once", n)
	}

	txt := publishTXTModel(t, db, "txt")
	sh2, err := db.StartShadow(ctx, "production", champ.ID, txt.ID, "retrain-2")
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "txt challenger refused", func() bool { return srv.watcher.ShadowRefusals() == 2 })
	if srv.Holder().Shadow() != nil {
		t.Fatal("a txt challenger is shadowed beside a dga champion")
	}
	postNames(t, srv.Addr(), names)
	stop()
	for _, id := range []int64{sh.ID, sh2.ID} {
		if sum, err := db.SummariseShadow(ctx, id); err != nil || sum.Scorers != 0 {
			t.Fatalf("shadow %d not scored has stats: %+v %v", id, sum, err)
		}
	}
}

// TestShadowStopsWhenTheChampionChanges: promoting another model drops the
// challenger (its stats are recorded once more); an open shadow of
// another champion than the model in service is not scored.
func TestShadowStopsWhenTheChampionChanges(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := registrytest.Open(t)
	champ, chall, next := publishModel(t, db, "dga", 1), publishModel(t, db, "dga", 2), publishModel(t, db, "dga", 3)
	promote(t, db, "production", champ)
	sh, err := db.StartShadow(ctx, "production", champ.ID, chall.ID, "retrain-1")
	if err != nil {
		t.Fatal(err)
	}
	h := &Holder{}
	rec := &Recorder{DB: db, Holder: h, ScorerID: "scorer-1", Log: quiet, StatsEvery: time.Hour, SampleEvery: time.Hour}
	w := &Watcher{DB: db, Alias: "production", Holder: h, Log: quiet, Poll: time.Hour, ShadowRetired: rec.RetireShadow, ModelRetired: rec.RetireModel}
	go w.Run(ctx)
	go rec.Run(ctx)
	eventually(t, "shadow started", func() bool { return h.Shadow() != nil })
	names := demoNames(t, 4, 40)
	m := h.Get()
	scores := make([]float64, len(names))
	m.Scorer.Score(names, scores)
	h.ShadowOf(m).scoreStrings(names, scores)

	promote(t, db, "production", next)
	eventually(t, "next model in service", func() bool { return h.Get().ID == next.ID })
	eventually(t, "shadow stopped", func() bool { return h.Shadow() == nil })
	if h.ShadowOf(m) != nil || h.ShadowOf(h.Get()) != nil {
		t.Fatal("a shadow is scored beside a model it was not started for")
	}
	want := offlineShadow(load(t, db, champ), load(t, db, chall), names)
	eventually(t, "the stopped shadow's stats recorded", func() bool {
		sum, err := db.SummariseShadow(ctx, sh.ID)
		return err == nil && sum.Scorers == 1 && sameTotals(sum.ShadowStats, want)
	})
	// The shadow is still open, but of dga@1: not scored beside dga@3.
	if err := db.NotifyAlias(ctx, "production"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if h.Shadow() != nil || w.ShadowRefusals() != 0 {
		t.Fatalf("shadow %v, refusals %d; want none of either", h.Shadow(), w.ShadowRefusals())
	}
}
