package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestIngestTXT: `dataset ingest --kind txt` reads TXT records from a
// table's txt column, from a headerless TSV's numbered column and from the
// TXT answers of a Zeek dns.log (other queries skipped and counted), with
// bad lines reported by file:line; tree models refuse txt datasets.
func TestIngestTXT(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	zone := s.writeFile("zone.tsv", "source\tname\ttxt\nhc\ta.com\tv=spf1 include:_spf.example.com ~all\nhc\tb.com\tv=DMARC1; p=none\nhc\tc.com\t\n")
	tunnel := s.writeFile("tunnel.tsv", "1.5\tAAAA.=auth.tunnel.test\tAgLAAAMOeAEF,\n2.5\tgLCF.=auth.tunnel.test\tAgLCFgAABAA,\n")
	dns := s.writeFile("dns.log", "#separator \\x09\n#set_separator\t,\n#fields\tts\tuid\tquery\tqtype_name\tanswers\n"+
		"1.0\tC1\ta.example\tA\t192.0.2.1\n1.1\tC2\tt.example\tTXT\tTXT 21 v=spf1 ip4:192.0.2.0/24,TXT 9 hello you\n")
	var rep struct {
		Kind     string `json:"kind"`
		Rows     int    `json:"rows"`
		Bad      int    `json:"bad"`
		Skipped  int    `json:"skipped"`
		FirstBad []struct {
			Line  int    `json:"line"`
			Field string `json:"field"`
		} `json:"first_bad"`
	}
	mustJSON(t, s.run("dataset", "ingest", "zone", "--kind", "txt", "--file", zone, "--label", "0", "--max-bad-fraction", "0.5", "--json"), &rep)
	if rep.Kind != "txt" || rep.Rows != 2 || rep.Bad != 1 || rep.FirstBad[0].Line != 4 || rep.FirstBad[0].Field != "txt" {
		t.Fatalf("zone: %+v", rep)
	}
	mustJSON(t, s.run("dataset", "ingest", "tunnel", "--kind", "txt", "--format", "tsv", "--txt-column", "3", "--file", tunnel, "--label", "1", "--json"), &rep)
	if rep.Rows != 2 || rep.Bad != 0 {
		t.Fatalf("tunnel: %+v", rep)
	}
	mustJSON(t, s.run("dataset", "ingest", "answers", "--kind", "txt", "--file", dns, "--label", "0", "--json"), &rep)
	if rep.Rows != 2 || rep.Skipped != 1 {
		t.Fatalf("dns.log TXT answers: %+v", rep)
	}
	if _, stderr, err := s.try("train", "--dataset", "zone", "--dataset", "tunnel", "--algo", "rf", "--param", "feature_set=domain", "--wait"); err == nil ||
		!strings.Contains(stderr, "read the txt-shape set") {
		t.Fatalf("rf on txt with the domain set: %v %s", err, stderr)
	}
}

// TestTXTShapeModel: generated TXT answers of tunnel tools and zone records
// (`dataset generate --kind txt`) train a gbdt on the txt-shape features
// that flags an unseen tunnel's answers and passes real-looking records,
// offline and in `mlctl serve`.
func TestTXTShapeModel(t *testing.T) {
	s := newStack(t)
	s.startWorker()
	s.run("dataset", "generate", "--kind", "txt", "--rows", "300", "--seed", "2", "-o", "gen.jsonl")
	s.run("dataset", "ingest", "gentxt", "--kind", "txt", "--file", "gen.jsonl")
	var tr trained
	mustJSON(t, s.run("train", "--dataset", "gentxt", "--algo", "gbdt", "--param", "threshold_fpr=0.01", "--wait", "--json"), &tr)
	if tr.Model != "gentxt-gbdt" || tr.Metrics.AUCROC < 0.98 {
		t.Fatalf("train: %+v", tr)
	}
	// dns2tcp-like answers (a tool the generator does not make) and real-looking records.
	records := s.writeFile("records.tsv", "txt\n"+
		"AgLAAAMOeAEFTQkkyNzNQMFA2OEo5SlQ,\nAgLCFgAABAEYyNDQzMUZDQTE1NTUzODgzNzc3QTM3RTYwNUVCNkUwODYxM0I4OTc\n"+
		"v=spf1 include:_spf.google.com include:mailgun.org ~all\nv=DMARC1; p=quarantine; rua=mailto:dmarc-reports@example.org\n")
	out := s.run("score", "--model", "gentxt-gbdt@1", "--file", records, "--json", "--explain", "2")
	var scores []float64
	for line := range strings.Lines(out) {
		var l struct {
			Score float64 `json:"score"`
			Top   []any   `json:"top_features"`
		}
		mustJSON(t, line, &l)
		if len(l.Top) == 0 {
			t.Fatalf("no top features: %s", line)
		}
		scores = append(scores, l.Score)
	}
	// The unseen tool's answers rank far above the records.
	if len(scores) != 4 || min(scores[0], scores[1]) < 10*max(scores[2], scores[3]) {
		t.Fatalf("scores %v:\n%s", scores, out)
	}
	// The TXT notebook's LSTM on the records' n-grams, end to end.
	var lt trained
	mustJSON(t, s.run("train", "--dataset", "gentxt", "--algo", "lstm", "--param", "epochs=2", "--param", "embed=16", "--param", "hidden=16", "--wait", "--json"), &lt)
	if lt.Algo != "lstm" || lt.Metrics.AUCROC < 0.6 { // plumbing, tiny model: quality is measured in the bench
		t.Fatalf("lstm on txt: %+v", lt)
	}
	if out := s.run("score", "--model", lt.Model+"@1", "--file", records, "--json"); strings.Count(out, `"score":`) != 4 {
		t.Fatalf("score with the txt lstm:\n%s", out)
	}
	s.run("promote", "gentxt-gbdt@1", "--alias", "txt", "--wait")
	addr := freeAddr(t)
	sc := s.startScorer(addr, "--alias", "txt")
	sc.waitVersion(1, 20*time.Second)
	code, body := post(t, addr, `{"txt":["AgLAAAMOeAEFTQkkyNzNQMFA2OEo5SlQ,","v=spf1 -all"]}`)
	var r struct {
		Results []struct {
			Score float64 `json:"score"`
		} `json:"results"`
	}
	if mustJSON(t, body, &r); code != 200 || len(r.Results) != 2 || r.Results[0].Score < 10*r.Results[1].Score {
		t.Fatalf("POST txt: %d %s", code, body)
	}
	sc.stop()
}
