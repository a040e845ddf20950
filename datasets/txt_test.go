package datasets

import (
	"strings"
	"testing"
)

func readTXT(t *testing.T, file, content string, opt ReadOptions) *Read {
	t.Helper()
	opt.Input = TXTRecords
	r, err := ReadDGAFrom(strings.NewReader(content), file, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReadTXTTable(t *testing.T) {
	benign := 0
	r := readTXT(t, "zone.tsv", "source\tname\ttxt\n"+
		"hc\ta.com\tv=spf1 include:spf.example.com ~all\n"+
		"hc\tb.com\t  \"google-site-verification=abc\"  \n"+
		"hc\tc.com\t\n"+
		"hc\td.com\tv=spf1 include:spf.example.com ~all\n", ReadOptions{Label: &benign})
	want := []Row{{Name: "v=spf1 include:spf.example.com ~all"}, {Name: `"google-site-verification=abc"`}}
	assertRows(t, r.Rows, want)
	if len(r.Bad) != 1 || r.Bad[0].String() != `zone.tsv:4: txt: empty` || r.Duplicates != 1 || r.Lines != 4 {
		t.Fatalf("bad %v duplicates %d lines %d", r.Bad, r.Duplicates, r.Lines)
	}
}

func TestReadTXTHeaderless(t *testing.T) {
	tunnel := 1
	r := readTXT(t, "tunnel.tsv", "1795397221.045341000\tAAAA.=auth.tunnel.test\tAgLAAAMOeAEF,\n"+
		"1795397221.045437000\tgLCF.=auth.tunnel.test\tAgLCFgAABAA,\nshort\n", ReadOptions{Format: "tsv", Column: "3", Label: &tunnel, Family: "dns2tcp"})
	assertRows(t, r.Rows, []Row{{Name: "AgLAAAMOeAEF,", Label: 1, Family: "dns2tcp"}, {Name: "AgLCFgAABAA,", Label: 1, Family: "dns2tcp"}})
	if len(r.Bad) != 1 || !strings.Contains(r.Bad[0].String(), "tunnel.tsv:3: line: 1 fields, the input is column 3") {
		t.Fatalf("bad %v", r.Bad)
	}
	if _, err := ReadDGAFrom(strings.NewReader("a\tb\n"), "x.tsv", ReadOptions{Input: TXTRecords, Format: "tsv", Column: "2"}); err == nil ||
		!strings.Contains(err.Error(), "no label") {
		t.Fatalf("headerless without a label: %v", err)
	}
}

// TestReadTXTZeek reads the TXT answers of a dns.log: other query types and
// TXT queries without answers are skipped, each answer is a row, Zeek's
// "TXT <n> " prefix is dropped and an escaped separator stays in its answer.
func TestReadTXTZeek(t *testing.T) {
	log := "#separator \\x09\n#set_separator\t,\n#fields\tts\tquery\tqtype_name\tanswers\n" +
		"1.0\ta.com\tA\t192.0.2.1\n" +
		"2.0\tt.example\tTXT\tTXT 11 v=spf1 -all,TXT 14 k=v\\x2cwith comma,alias.example\n" +
		"3.0\tu.example\tTXT\t-\n" +
		"4.0\tv.example\tTXT\tTXT 1  \n"
	zero := 0
	r := readTXT(t, "dns.log", log, ReadOptions{Label: &zero})
	assertRows(t, r.Rows, []Row{{Name: "v=spf1 -all"}, {Name: "k=v,with comma"}})
	if r.Skipped != 3 || len(r.Bad) != 1 || r.Bad[0].Field != "txt" || r.Lines != len(r.Rows)+r.Duplicates+len(r.Bad)+r.Skipped {
		t.Fatalf("skipped %d bad %v lines %d", r.Skipped, r.Bad, r.Lines)
	}
	if _, err := ReadDGAFrom(strings.NewReader("#fields\tts\tanswers\n1.0\tx\n"), "dns.log", ReadOptions{Input: TXTRecords, Label: &zero}); err == nil ||
		!strings.Contains(err.Error(), "no qtype_name column") {
		t.Fatalf("dns.log without qtype_name: %v", err)
	}
}

func TestReadTXTJSONL(t *testing.T) {
	r := readTXT(t, "txt.jsonl", `{"txt":"v=DMARC1; p=none","label":0}`+"\n"+`{"txt":7,"label":1}`+"\n"+`{"name":"x","label":1}`+"\n", ReadOptions{})
	assertRows(t, r.Rows, []Row{{Name: "v=DMARC1; p=none"}})
	if len(r.Bad) != 2 || r.Bad[0].Field != "txt" || r.Bad[1].Field != "txt" {
		t.Fatalf("bad %v", r.Bad)
	}
}

// TestZeekTXT: Zeek's "TXT <n> " form is undone, several strings
// concatenated; a length that does not fit keeps the rest as written.
func TestZeekTXT(t *testing.T) {
	for in, want := range map[string]string{
		"TXT 3 hello world":    "hello world",
		"TXT 3 abc TXT 2 de":   "abcde", // Zeek's two-string record
		"TXT 5 a TXT 2 de":     "a TXT 2 de",
		"TXT 9 TXT 1 xyz":      "TXT 1 xyz", // a record whose own text starts like Zeek's form
		" TXT 11 v=spf1 -all ": "v=spf1 -all",
		"TXT record":           "TXT record",
		"v=spf1 -all":          "v=spf1 -all",
	} {
		if got := ZeekTXT(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestNormaliseTXT(t *testing.T) {
	for in, want := range map[string]string{
		" v=spf1 ~all ":        "v=spf1 ~all",
		"TXT 3 hello world":    "TXT 3 hello world", // Zeek's form is undone only in Zeek's logs (ZeekTXT)
		"TXT record":           "TXT record",
		`"quoted" kept, Case`:  `"quoted" kept, Case`,
		"tab\tinside is kept ": "tab\tinside is kept",
	} {
		if got, err := NormaliseTXT(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for in, reason := range map[string]string{"": "empty", " \t": "empty", "\xff\xfe": "not UTF-8", strings.Repeat("a", MaxTXTLength+1): "over 65535 bytes"} {
		if _, err := NormaliseTXT(in); err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("%.20q: %v, want %q", in, err, reason)
		}
	}
}
