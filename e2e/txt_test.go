package e2e

import (
	"strings"
	"testing"
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
	if _, stderr, err := s.try("train", "--dataset", "zone", "--dataset", "tunnel", "--algo", "rf", "--wait"); err == nil ||
		!strings.Contains(stderr, "a txt dataset holds TXT records") {
		t.Fatalf("rf on txt: %v %s", err, stderr)
	}
}
