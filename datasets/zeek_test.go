package datasets

import (
	"errors"
	"strings"
	"testing"
)

func TestReadDGAZeekLog(t *testing.T) {
	r, err := ReadDGA("testdata/zeek_dns.good.log", ReadOptions{Label: label(0), Family: "Campus"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Format != FormatZeek || r.Lines != 6 || r.Duplicates != 1 || len(r.Bad) != 0 {
		t.Fatalf("format %q lines %d dups %d bad %v", r.Format, r.Lines, r.Duplicates, r.Bad)
	}
	assertRows(t, r.Rows, []Row{
		{Name: "www.alexa.com", Label: 0, Family: "campus"}, {Name: "www.microsoft.com", Label: 0, Family: "campus"}, {Name: "xkjzqwpnvo.biz", Label: 0, Family: "campus"},
		{Name: "100.88.168.192.in-addr.arpa", Label: 0, Family: "campus"}, {Name: "_ldap._tcp.dc._msdcs.corp.example.com", Label: 0, Family: "campus"},
	})
}

func TestReadDGAZeekBadRows(t *testing.T) {
	r, err := ReadDGA("testdata/zeek_dns.bad.log", ReadOptions{Label: label(1)})
	if err != nil {
		t.Fatal(err)
	}
	assertRows(t, r.Rows, []Row{{Name: "www.alexa.com", Label: 1, Family: ""}, {Name: "ok.example.org", Label: 1, Family: ""}})
	want := []string{
		`testdata/zeek_dns.bad.log:10: domain: no query: "-"`,
		`testdata/zeek_dns.bad.log:11: domain: no query: "(empty)"`,
		`testdata/zeek_dns.bad.log:12: line: 4 fields, #fields has 24: "1517336046.300003\tCz0Xp51PvFYYdsNfge\t10.55.100.100\t49870"`,
		`testdata/zeek_dns.bad.log:13: domain: empty label: "bad..name.com"`,
	}
	assertBad(t, r.Bad, want)
	if r.Lines != len(r.Rows)+r.Duplicates+len(r.Bad) {
		t.Errorf("lines %d != rows %d + dups %d + bad %d", r.Lines, len(r.Rows), r.Duplicates, len(r.Bad))
	}
}

func TestReadDGAZeekLabels(t *testing.T) {
	log := "#separator \\x09\n#unset_field\t-\n#fields\tts\tquery\tlabel\tfamily\n#types\ttime\tstring\tstring\tstring\n" +
		"1.0\tgood.com\tBenign\t-\n" +
		"2.0\tqxkzjw.biz\tMalicious\tNecurs\n" +
		"3.0\tnolabel.com\t-\t-\n" +
		"#close\t2020-01-01-00-00-00\n"
	r, err := ReadDGAFrom(strings.NewReader(log), "conn.log.labeled", ReadOptions{Family: "x"})
	if err != nil {
		t.Fatal(err)
	}
	assertRows(t, r.Rows, []Row{{Name: "good.com", Label: 0, Family: "x"}, {Name: "qxkzjw.biz", Label: 1, Family: "necurs"}})
	assertBad(t, r.Bad, []string{"conn.log.labeled:7: label: empty"})

	_, err = ReadDGA("testdata/zeek_dns.good.log", ReadOptions{})
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Reason != noLabelReason {
		t.Errorf("unlabeled zeek log without --label: %v", err)
	}
	_, err = ReadDGA("testdata/zeek_dns.good.log", ReadOptions{Label: label(0), Column: "host"})
	if !errors.As(err, &fe) || !strings.HasPrefix(fe.Reason, `no domain column in header (want "host"`) {
		t.Errorf("missing domain column: %v", err)
	}
	r, err = ReadDGA("testdata/zeek_dns.good.log", ReadOptions{Label: label(0), Column: "answers"})
	if err != nil || len(r.Bad) != 5 || r.Bad[2].String() != `testdata/zeek_dns.good.log:11: domain: no answers: "-"` {
		t.Errorf("answers column: %v %v", err, r)
	}
}

func TestReadDGAZeekFormatErrors(t *testing.T) {
	_, err := ReadDGAFrom(strings.NewReader("example.com\n"), "names.txt", ReadOptions{Format: FormatZeek, Label: label(0)})
	var fe *FormatError
	if !errors.As(err, &fe) || !strings.Contains(fe.Reason, "#fields") {
		t.Errorf("zeek without #fields: %v", err)
	}
	// An explicit csv reads Zeek '#' lines as comments, as before.
	r, err := ReadDGAFrom(strings.NewReader("#fields\tquery\ndomain\nexample.com\n"), "a.csv", ReadOptions{Format: FormatCSV, Label: label(0)})
	if err != nil || r.Format != FormatCSV || len(r.Rows) != 1 {
		t.Errorf("csv with '#fields' comment: %v %+v", err, r)
	}
}

func TestReadInputsZeek(t *testing.T) {
	in, err := ReadInputs("testdata/zeek_dns.bad.log", FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	if in.Format != FormatZeek || strings.Join(in.Inputs, " ") != "www.alexa.com ok.example.org" || len(in.Bad) != 4 {
		t.Fatalf("inputs %+v", in)
	}
	if b := in.Bad[0]; b.File != "testdata/zeek_dns.bad.log" || b.Line != 10 || b.Reason != "no query" {
		t.Errorf("bad row %+v", b)
	}
	in, err = ReadInputs("testdata/zeek_dns.good.log", FormatZeek)
	if err != nil || len(in.Inputs) != 6 || in.Inputs[5] != "www.alexa.com" {
		t.Fatalf("duplicates not kept: %v %+v", err, in)
	}
}

func assertBad(t *testing.T, got []BadRow, want []string) {
	t.Helper()
	var s []string
	for _, b := range got {
		s = append(s, b.String())
	}
	if strings.Join(s, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad rows:\n%s\nwant:\n%s", strings.Join(s, "\n"), strings.Join(want, "\n"))
	}
}
