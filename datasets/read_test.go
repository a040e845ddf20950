package datasets

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func label(l int) *int { return &l }

func TestReadDGAFixtures(t *testing.T) {
	cases := []struct {
		file    string
		opt     ReadOptions
		format  string
		rows    []Row
		bad     []string
		dups    int
		lines   int
		wantErr string
	}{
		{
			file: "list.good.txt", opt: ReadOptions{Label: label(0), Family: "Umbrella"}, format: FormatList,
			rows: []Row{
				{Name: "google.com", Label: 0, Family: "umbrella"}, {Name: "www.example.com", Label: 0, Family: "umbrella"}, {Name: "xn--bcher-kva.de", Label: 0, Family: "umbrella"},
				{Name: "_dmarc.example.com", Label: 0, Family: "umbrella"}, {Name: "_sip._tcp.example.org", Label: 0, Family: "umbrella"},
				{Name: "r3---sn-abc.googlevideo.com", Label: 0, Family: "umbrella"}, {Name: "spaced.example.net", Label: 0, Family: "umbrella"}, {Name: "example.org", Label: 0, Family: "umbrella"},
			},
			dups: 1, lines: 9,
		},
		{
			file: "list.bad.txt", opt: ReadOptions{Label: label(0)}, format: FormatList,
			rows: []Row{{Name: "ok.example.com", Label: 0, Family: ""}},
			bad: []string{
				`testdata/list.bad.txt:3: domain: empty label: "a..b.com"`,
				`testdata/list.bad.txt:4: domain: label over 63 characters: "` + strings.Repeat("a", 64) + `…"`,
				`testdata/list.bad.txt:5: domain: invalid character '!': "ex!ample.com"`,
				`testdata/list.bad.txt:6: domain: idna: invalid label "zz": "xn--zz.com"`,
				`testdata/list.bad.txt:7: domain: empty: "."`,
				`testdata/list.bad.txt:8: domain: name over 253 characters: "abcdefghi.abcdefghi.abcdefghi.abcdefghi.abcdefghi.abcdefghi.abcd…"`,
				`testdata/list.bad.txt:9: domain: invalid character ' ': "two words.com"`,
			},
			lines: 8,
		},
		{
			file: "list.good.txt", opt: ReadOptions{}, wantErr: "testdata/list.good.txt: no label column and no label given: pass --label 0 (benign) or --label 1 (malicious)",
		},
		{
			file: "dga.good.csv", format: FormatCSV,
			rows: []Row{
				{Name: "evil-dga.com", Label: 1, Family: "banjori"}, {Name: "good.com", Label: 0, Family: ""}, {Name: "quoted.com", Label: 0, Family: "alexa, top"}, {Name: "legit.org", Label: 0, Family: ""},
				{Name: "plain.info", Label: 1, Family: "x"}, {Name: "numeric.net", Label: 0, Family: "top"}, {Name: "maliciousword.com", Label: 1, Family: "suppobox"},
			},
			lines: 7,
		},
		{
			file: "dga.good.csv", opt: ReadOptions{Label: label(0), Family: "fallback"}, format: FormatCSV,
			rows: []Row{
				{Name: "evil-dga.com", Label: 1, Family: "banjori"}, {Name: "good.com", Label: 0, Family: "fallback"}, {Name: "quoted.com", Label: 0, Family: "alexa, top"}, {Name: "legit.org", Label: 0, Family: "fallback"},
				{Name: "plain.info", Label: 1, Family: "x"}, {Name: "numeric.net", Label: 0, Family: "top"}, {Name: "maliciousword.com", Label: 1, Family: "suppobox"},
			},
			lines: 7,
		},
		{
			file: "dga.bad.csv", format: FormatCSV,
			rows: []Row{{Name: "fine.com", Label: 1, Family: "banjori"}},
			bad: []string{
				`testdata/dga.bad.csv:3: line: 4 fields, header has 3: "too,many,fields,here"`,
				`testdata/dga.bad.csv:4: line: unterminated quote: "\"unterminated.com,1,banjori"`,
				`testdata/dga.bad.csv:5: line: text after closing quote: "\"after\"quote.com,1,x"`,
				`testdata/dga.bad.csv:6: label: empty`,
				`testdata/dga.bad.csv:7: label: label 1 conflicts with label 0 on line 8: "flip.com"`,
				`testdata/dga.bad.csv:8: label: label 0 conflicts with label 1 on line 7: "flip.com"`,
				`testdata/dga.bad.csv:9: domain: empty label: "bad_label..com"`,
				`testdata/dga.bad.csv:11: domain: invalid character '"': "say\"hi\".com"`,
			},
			dups: 1, lines: 10,
		},
		{
			file: "dga.good.tsv", format: FormatTSV,
			rows:  []Row{{Name: "mail.example.com", Label: 0, Family: "umbrella"}, {Name: "qwxzkjhgfd.biz", Label: 1, Family: "conficker"}},
			lines: 2,
		},
		{
			file: "rank.good.csv", opt: ReadOptions{Label: label(0), Family: "tranco"}, format: FormatRank,
			rows:  []Row{{Name: "google.com", Label: 0, Family: "tranco"}, {Name: "facebook.com", Label: 0, Family: "tranco"}, {Name: "microsoft.com", Label: 0, Family: "tranco"}},
			lines: 3,
		},
		{
			file: "rank.good.csv", opt: ReadOptions{Format: FormatCSV, Label: label(0)}, format: FormatRank,
			rows:  []Row{{Name: "google.com", Label: 0, Family: ""}, {Name: "facebook.com", Label: 0, Family: ""}, {Name: "microsoft.com", Label: 0, Family: ""}},
			lines: 3,
		},
		{
			file: "rank.bad.csv", opt: ReadOptions{Label: label(0)}, format: FormatRank,
			rows: []Row{{Name: "google.com", Label: 0, Family: ""}},
			bad: []string{
				`testdata/rank.bad.csv:2: rank: not a number: "x"`,
				`testdata/rank.bad.csv:3: line: want 2 fields: rank,domain: "3,a,b"`,
				`testdata/rank.bad.csv:4: domain: invalid character '!': "bad!.com"`,
			},
			lines: 4,
		},
		{
			file: "nolabel.good.csv", opt: ReadOptions{Label: label(1)}, format: FormatCSV,
			rows:  []Row{{Name: "earnestnessbiophysicalohax.com", Label: 1, Family: "banjori"}, {Name: "aaaaaeeeefggg.org", Label: 1, Family: "ramdo"}},
			lines: 2,
		},
		{
			file: "nolabel.good.csv", wantErr: `testdata/nolabel.good.csv: no label column (header has "source", "family", "domain") and no label given: pass --label 0 (benign) or --label 1 (malicious), or --label-column`,
		},
		{
			file: "nolabel.good.csv", opt: ReadOptions{Label: label(1), LabelColumn: "class"}, wantErr: `testdata/nolabel.good.csv: no label column in header (want "class"; header has "source", "family", "domain")`,
		},
		{
			file: "nolabel.good.csv", opt: ReadOptions{Label: label(1), FamilyColumn: "variant"}, wantErr: `testdata/nolabel.good.csv: no family column in header (want "variant"; header has "source", "family", "domain")`,
		},
		{
			file: "nodomain.bad.csv", opt: ReadOptions{Label: label(1)}, wantErr: `testdata/nodomain.bad.csv: no domain column in header (want "domain", "name", "query" or pass --domain-column; header has "source", "family", "host")`,
		},
		{
			file: "nodomain.bad.csv", opt: ReadOptions{Label: label(1), Column: "HOST"}, format: FormatCSV,
			rows: []Row{{Name: "x.com", Label: 1, Family: "banjori"}}, lines: 1,
		},
		{
			file: "dga.good.csv", opt: ReadOptions{Format: "parquet"}, wantErr: `testdata/dga.good.csv: unknown format "parquet" (want auto, list, csv, tsv, rank, jsonl or zeek)`,
		},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			r, err := ReadDGA(filepath.Join("testdata", c.file), c.opt)
			if c.wantErr != "" {
				var fe *FormatError
				if !errors.As(err, &fe) || err.Error() != c.wantErr {
					t.Fatalf("err = %v; want FormatError %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Format != c.format {
				t.Errorf("format %q; want %q", r.Format, c.format)
			}
			assertRows(t, r.Rows, c.rows)
			var bad []string
			for _, b := range r.Bad {
				bad = append(bad, b.String())
			}
			if strings.Join(bad, "\n") != strings.Join(c.bad, "\n") {
				t.Errorf("bad rows:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(c.bad, "\n"))
			}
			if r.Duplicates != c.dups || r.Lines != c.lines {
				t.Errorf("dups %d lines %d; want %d %d", r.Duplicates, r.Lines, c.dups, c.lines)
			}
			if r.Lines != len(r.Rows)+r.Duplicates+len(r.Bad) {
				t.Errorf("lines %d != rows %d + dups %d + bad %d", r.Lines, len(r.Rows), r.Duplicates, len(r.Bad))
			}
		})
	}
}

// TestReadDGAGoodAndBadFiles holds every fixture to its name: a *.good.*
// file reads without bad rows, a *.bad.* file has bad rows or is refused.
func TestReadDGAGoodAndBadFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/*.*.*")
	if err != nil || len(files) < 8 {
		t.Fatalf("fixtures: %v, %v", files, err)
	}
	for _, f := range files {
		r, err := ReadDGA(f, ReadOptions{Label: label(1)})
		switch {
		case strings.Contains(f, ".good."):
			if err != nil || len(r.Bad) > 0 || len(r.Rows) == 0 {
				t.Errorf("%s: err %v, bad %v", f, err, r)
			}
		case strings.Contains(f, ".bad."):
			if err == nil && len(r.Bad) == 0 {
				t.Errorf("%s: no bad rows and no error", f)
			}
		default:
			t.Errorf("%s: fixture name has neither .good. nor .bad.", f)
		}
	}
}

func TestReadDGALongLine(t *testing.T) {
	in := "domain,label\nshort.com,1\n" + strings.Repeat("x", 3*MaxLineBytes) + ",1\nafter.com,0\n" +
		strings.Repeat("y", MaxLineBytes-10) + ".com,1\n"
	r, err := ReadDGAFrom(strings.NewReader(in), "big.csv", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertRows(t, r.Rows, []Row{{Name: "short.com", Label: 1, Family: ""}, {Name: "after.com", Label: 0, Family: ""}})
	if len(r.Bad) != 2 || r.Lines != 4 {
		t.Fatalf("bad %v lines %d; want 2 bad rows of 4 lines", r.Bad, r.Lines)
	}
	if b := r.Bad[0]; b.Line != 3 || b.Field != "line" || b.Reason != "line over 1048576 bytes" || len(b.Value) > maxValueBytes+3 {
		t.Errorf("long line: %+v", b)
	}
	if b := r.Bad[1]; b.Line != 5 || b.Field != "domain" || b.Reason != "name over 253 characters" {
		t.Errorf("long name: %+v", b)
	}
}

func TestReadDGAAutoDetect(t *testing.T) {
	cases := []struct{ file, content, format string }{
		{"a.txt", "example.com\n", FormatList},
		{"a", "example.com\n", FormatList},
		{"a.txt", "domain\nexample.com\n", FormatCSV},
		{"a.txt", "domain,label\nexample.com,1\n", FormatCSV},
		{"a.dat", "domain\tlabel\nexample.com\t1\n", FormatTSV},
		{"a.tsv", "domain\nexample.com\n", FormatTSV},
		{"top-1m.csv", "# comment\n\n1,example.com\n", FormatRank},
		{"a.txt", "1\texample.com\n", FormatRank},
		{"empty.txt", "# nothing\n\n", ""},
	}
	for _, c := range cases {
		r, err := ReadDGAFrom(strings.NewReader(c.content), c.file, ReadOptions{Label: label(0)})
		if err != nil {
			t.Errorf("%s %q: %v", c.file, c.content, err)
			continue
		}
		if r.Format != c.format {
			t.Errorf("%s %q: format %q; want %q", c.file, c.content, r.Format, c.format)
		}
		if c.format != "" && (len(r.Rows) != 1 || r.Rows[0].Name != "example.com") {
			t.Errorf("%s %q: rows %v", c.file, c.content, r.Rows)
		}
	}
}

func TestParseLabel(t *testing.T) {
	for in, want := range map[string]int{"0": 0, " Benign ": 0, "LEGIT": 0, "legitimate": 0, "1": 1, "dga": 1, "malicious": 1, "2": 1} {
		if got, ok := ParseLabel(in); !ok || got != want {
			t.Errorf("ParseLabel(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	if _, ok := ParseLabel(" "); ok {
		t.Error("ParseLabel(blank) ok")
	}
}

func assertRows(t *testing.T, got, want []Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d rows %v; want %d %v", len(got), got, len(want), want)
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d = %+v; want %+v", i, got[i], want[i])
		}
	}
}
