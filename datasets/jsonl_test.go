package datasets

import (
	"errors"
	"strings"
	"testing"
)

func TestReadDGAJSONL(t *testing.T) {
	r, err := ReadDGA("testdata/dns.good.jsonl", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Format != FormatJSONL || r.Lines != 6 || r.Duplicates != 1 || len(r.Bad) != 0 {
		t.Fatalf("format %q lines %d dups %d bad %v", r.Format, r.Lines, r.Duplicates, r.Bad)
	}
	assertRows(t, r.Rows, []Row{
		{Name: "google.com", Label: 0, Family: "alexa"}, {Name: "xkjzqwpnvo.biz", Label: 1, Family: "conficker"}, {Name: "c.example.net", Label: 0, Family: ""},
		{Name: "qwertzuiop.info", Label: 1, Family: ""}, {Name: "good.org", Label: 0, Family: ""},
	})
}

func TestReadDGAJSONLBadRows(t *testing.T) {
	r, err := ReadDGA("testdata/dns.bad.jsonl", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertRows(t, r.Rows, []Row{{Name: "fine.com", Label: 1, Family: ""}})
	assertBad(t, r.Bad, []string{
		`testdata/dns.bad.jsonl:2: line: invalid json: unexpected end of JSON input: "{\"domain\": \"broken.com\", \"label\": 1"`,
		`testdata/dns.bad.jsonl:3: line: invalid json: invalid character 'o' in literal null (expecting 'u'): "not json at all"`,
		`testdata/dns.bad.jsonl:4: line: not a json object: "[\"a.com\", 1]"`,
		`testdata/dns.bad.jsonl:5: domain: no "domain", "name" or "query" key: "{\"host\": \"nokey.com\", \"label\": 0}"`,
		`testdata/dns.bad.jsonl:6: domain: "domain" is not a string: "42"`,
		`testdata/dns.bad.jsonl:7: domain: empty label: "a..b.com"`,
		`testdata/dns.bad.jsonl:8: label: number not 0 or 1: "7"`,
		`testdata/dns.bad.jsonl:9: label: empty`,
		`testdata/dns.bad.jsonl:10: label: no "label" key and no label given`,
		`testdata/dns.bad.jsonl:11: family: not a string: "3"`,
	})
	if r.Lines != len(r.Rows)+r.Duplicates+len(r.Bad) {
		t.Errorf("lines %d != rows %d + dups %d + bad %d", r.Lines, len(r.Rows), r.Duplicates, len(r.Bad))
	}
}

func TestReadDGAJSONLOptions(t *testing.T) {
	in := `{"Host": "a.com", "class": "dga", "kind": "Necurs", "domain": "ignored.com"}` + "\n" + `{"host": "b.com"}` + "\n"
	r, err := ReadDGAFrom(strings.NewReader(in), "x.ndjson", ReadOptions{Column: "HOST", LabelColumn: "class", FamilyColumn: "kind", Label: label(0)})
	if err != nil {
		t.Fatal(err)
	}
	assertRows(t, r.Rows, []Row{{Name: "a.com", Label: 1, Family: "necurs"}, {Name: "b.com", Label: 0, Family: ""}})

	_, err = ReadDGAFrom(strings.NewReader(`{"query": "a.com"}`+"\nnot json\n"), "dns.json", ReadOptions{})
	var fe *FormatError
	if !errors.As(err, &fe) || err.Error() != "dns.json: "+noLabelReason {
		t.Errorf("no label anywhere: %v", err)
	}
}

func TestReadInputsJSONL(t *testing.T) {
	in, err := ReadInputs("testdata/dns.good.jsonl", FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	want := "google.com xkjzqwpnvo.biz c.example.net qwertzuiop.info good.org google.com"
	if in.Format != FormatJSONL || strings.Join(in.Inputs, " ") != want || len(in.Bad) != 0 {
		t.Fatalf("inputs %+v", in)
	}
	if l := in.Labels; l[0] != 0 || l[1] != 1 || l[3] != 1 || l[5] != 0 {
		t.Errorf("labels %v", l)
	}
	in, err = ReadInputs("testdata/dns.bad.jsonl", FormatJSONL)
	if err != nil || strings.Join(in.Inputs, " ") != "fine.com nolabel.com" || len(in.Bad) != 9 {
		t.Fatalf("%v %+v", err, in)
	}
	if b := in.Bad[0]; b.File != "testdata/dns.bad.jsonl" || b.Line != 2 || b.Field != "line" {
		t.Errorf("bad row %+v", b)
	}
}

func TestReadDGAAutoDetectZeekAndJSONL(t *testing.T) {
	cases := []struct{ file, content, format string }{
		{"a.txt", `{"domain": "example.com"}` + "\n", FormatJSONL},
		{"a.csv", `{"query": "example.com"}` + "\n", FormatJSONL},
		{"a.jsonl", `["example.com"]` + "\n", FormatJSONL},
		{"a.ndjson", "\n" + `{"name": "example.com"}` + "\n", FormatJSONL},
		{"dns.log", `{"ts": 1.5, "query": "example.com"}` + "\n", FormatJSONL},
		{"dns.log", "#fields\tts\tquery\n1.5\texample.com\n", FormatZeek},
		{"dns", "#separator \\x09\n#fields\tts\tquery\n1.5\texample.com\n", FormatZeek},
		{"a.txt", "#separator \\x2c\n#fields,ts,query\n1.5,example.com\n", FormatZeek},
		{"a.txt", "# names\nexample.com\n", FormatList},
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
		if c.content[0] != '[' && (len(r.Rows) != 1 || r.Rows[0].Name != "example.com") {
			t.Errorf("%s %q: rows %v bad %v", c.file, c.content, r.Rows, r.Bad)
		}
	}
	_, err := ReadDGAFrom(strings.NewReader("example.com\n"), "names.log", ReadOptions{Label: label(0)})
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Errorf(".log without #fields: %v", err)
	}
}
