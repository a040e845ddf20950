package datasets

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// zeekHeaderTrace feeds the lines of a testdata log to a ZeekHeader: a '#'
// line gives the directive read, a data line its values (unset and empty
// markers made "") or the reason it is bad.
func zeekHeaderTrace(t *testing.T, path string) ([]string, ZeekHeader) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := NewZeekHeader()
	var trace []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			trace = append(trace, zeekDirectiveNames[h.Read(line)])
			continue
		}
		vals, err := h.Split(line, nil)
		if err != nil {
			trace = append(trace, "bad: "+err.Error())
			continue
		}
		for i, v := range vals {
			vals[i] = h.Value(v)
		}
		trace = append(trace, fmt.Sprintf("%q", vals))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return trace, h
}

var zeekDirectiveNames = map[ZeekDirective]string{
	ZeekOther: "other", ZeekSeparator: "separator", ZeekSetSeparator: "set_separator",
	ZeekUnsetField: "unset_field", ZeekEmptyField: "empty_field", ZeekPath: "path", ZeekFields: "fields",
}

// TestZeekHeader reads the logs in testdata/zeekheader: Zeek's own
// writer, other separators (escaped as \xHH), a header typed by hand with
// spaces, two logs concatenated (the second header replaces the first) and
// lines the header refuses or ignores.
func TestZeekHeader(t *testing.T) {
	zeek := NewZeekHeader()
	for _, tc := range []struct {
		file   string
		trace  []string
		header ZeekHeader
	}{
		{"dns.good.log", []string{
			"separator", "set_separator", "empty_field", "unset_field", "path", "other", "fields", "other",
			`["1517336042.279652" "www.alexa.com" "A" "" "F"]`,
			`["1517336042.300000" "" "TXT" "TXT 12 v=spf1,TXT 3 a\\x2cb" "T"]`,
			"other",
		}, ZeekHeader{Separator: "\t", SetSeparator: ",", Unset: "-", Empty: "(empty)", Path: "dns",
			Fields: []string{"ts", "query", "qtype_name", "answers", "AA"}}},
		{"comma.good.log", []string{
			"separator", "set_separator", "unset_field", "empty_field", "path", "fields",
			`["1.0" "10.0.0.1" ""]`, `["2.0" "10.0.0.2" ""]`,
		}, ZeekHeader{Separator: ",", SetSeparator: "|", Unset: "NONE", Empty: "EMPTY", Path: "conn",
			Fields: []string{"ts", "id.orig_h", "service"}}},
		{"space.good.log", []string{"separator", "fields", `["1.0" "example.com"]`, `["2.0" ""]`},
			ZeekHeader{Separator: " ", SetSeparator: ",", Unset: "-", Empty: "(empty)", Fields: []string{"ts", "query"}}},
		{"handwritten.good.log", []string{"separator", "unset_field", "fields", `["1.0" ""]`},
			ZeekHeader{Separator: "\t", SetSeparator: ",", Unset: "NONE", Empty: "(empty)", Fields: []string{"ts", "query"}}},
		{"concatenated.good.log", []string{
			"separator", "fields", `["1.0" "a.example"]`, "other",
			"separator", "unset_field", "path", "fields", `["2.0" "10.0.0.1" ""]`, `["3.0" "10.0.0.2" "b.example"]`,
		}, ZeekHeader{Separator: "|", SetSeparator: ",", Unset: "?", Empty: "(empty)", Path: "dns",
			Fields: []string{"ts", "id.orig_h", "query"}}},
		{"bad.log", []string{
			"bad: data before the #fields line",
			"other", "other", "other", "other", "other", "fields",
			`["2.0" "ok.example"]`, "bad: 3 fields, #fields has 2", "bad: 1 fields, #fields has 2",
		}, ZeekHeader{Separator: "\t", SetSeparator: ",", Unset: "-", Empty: "(empty)", Fields: []string{"ts", "query"}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			trace, h := zeekHeaderTrace(t, filepath.Join("testdata", "zeekheader", tc.file))
			if !reflect.DeepEqual(trace, tc.trace) {
				t.Errorf("trace\n%s\nwant\n%s", strings.Join(trace, "\n"), strings.Join(tc.trace, "\n"))
			}
			if !reflect.DeepEqual(h, tc.header) {
				t.Errorf("header %+v, want %+v", h, tc.header)
			}
			if h.Reset(); !reflect.DeepEqual(h, zeek) {
				t.Errorf("after Reset %+v, want %+v", h, zeek)
			}
		})
	}
}

func TestUnescapeZeek(t *testing.T) {
	for in, want := range map[string]string{
		`\x09`: "\t", `\x2c`: ",", `\x7c\x7c`: "||", `a\x2cb`: "a,b", `\x0`: `\x0`, `\xzz`: `\xzz`, "": "",
	} {
		if got := UnescapeZeek(in); got != want {
			t.Errorf("UnescapeZeek(%q) = %q, want %q", in, got, want)
		}
	}
}
