package datasets

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// sameFloats compares with NaN equal to NaN.
func sameFloats(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) })
}

func badStrings(bad []BadRow) []string {
	var s []string
	for _, b := range bad {
		s = append(s, b.String())
	}
	return s
}

// TestReadTabularBotDetectorTable reads a table in the shape of the bot detector's per-IP
// HTTP/TLS aggregates (view_ai_features_1h: window, IP, JA4, ASN label,
// numeric features), with a baseline column for the isolation forest.
func TestReadTabularBotDetectorTable(t *testing.T) {
	const file = "testdata/tabular/bot_features.csv"
	// By default src_ip is the key; window_start, ja4 and asn_label are
	// text in every line, which is an error naming them.
	_, err := ReadTabular(file, TabularOptions{})
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("text columns: %v", err)
	}
	for _, col := range []string{`"window_start" (6 of 6 lines`, `"ja4"`, `"asn_label"`} {
		if !strings.Contains(err.Error(), col) {
			t.Errorf("error %q does not name %s", err, col)
		}
	}
	if strings.Contains(err.Error(), `"src_ip"`) {
		t.Errorf("error names the key column: %v", err)
	}

	tab, err := ReadTabular(file, TabularOptions{KeyColumns: []string{"src_ip", "window_start"}, IgnoreColumns: []string{"JA4", "asn_label"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Bad) != 0 || tab.Format != FormatCSV {
		t.Errorf("bad %v format %s", tab.Bad, tab.Format)
	}
	wantCols := []string{"hits", "hit_velocity", "fuzzing_index", "post_ratio", "port_exhaustion_ratio", "orphan_ratio", "head_ratio", "http10_ratio", "header_count", "has_cookie", "has_referer", "modern_browser_score", "distinct_ja4_count", "src_port_density", "temporal_entropy"}
	if !slices.Equal(tab.Columns, wantCols) || !slices.Equal(tab.KeyColumns, []string{"src_ip", "window_start"}) {
		t.Fatalf("columns %v keys %v", tab.Columns, tab.KeyColumns)
	}
	if len(tab.Values) != 6 || tab.Keys[0] != "198.51.100.10@2026-03-09T14:00:00Z" || !slices.Equal(tab.Lines, []int{2, 3, 4, 5, 6, 7}) {
		t.Fatalf("rows %d keys %v lines %v", len(tab.Values), tab.Keys, tab.Lines)
	}
	if !sameFloats(tab.Values[0], []float64{42, 0.0117, 0.05, 0.02, 0.31, 0, 0, 0, 14, 1, 1, 92, 1, 3.91, 2.85}) {
		t.Errorf("row 0 %v", tab.Values[0])
	}
	// Empty, "nan" and "-" are NaN; true and false are 1 and 0.
	nan := math.NaN()
	if !sameFloats(tab.Values[3], []float64{1200, 0.33, nan, 0.1, 0.9, nan, 0, 0.5, 5, 0, 0, 20, 2, 6.1, nan}) {
		t.Errorf("row 3 %v", tab.Values[3])
	}
	if v := tab.Values[5]; v[9] != 1 || v[10] != 0 {
		t.Errorf("row 5 booleans %v", v)
	}
	// Labels 0, 1, empty (unknown), and text read as ParseLabel reads it.
	if !slices.Equal(tab.Labels, []int{0, 0, 1, -1, 0, 1}) {
		t.Errorf("labels %v", tab.Labels)
	}
	if !slices.Equal(tab.Baseline, []bool{true, true, false, false, false, false}) {
		t.Errorf("baseline %v", tab.Baseline)
	}
	if tab.Families != nil {
		t.Errorf("families %v", tab.Families)
	}
}

func TestReadTabularJSONL(t *testing.T) {
	const file = "testdata/tabular/bot_features.jsonl"
	tab, err := ReadTabular(file, TabularOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Columns are the keys in the order they first appear; src_ip is the
	// key, baseline and label have their roles.
	if tab.Format != FormatJSONL || !slices.Equal(tab.Columns, []string{"hits", "hit_velocity", "has_cookie", "fuzzing_index"}) {
		t.Fatalf("format %s columns %v", tab.Format, tab.Columns)
	}
	nan := math.NaN()
	want := [][]float64{{42, 0.0117, 1, nan}, {5400, 1.5, 0, nan}, {1200, nan, nan, 0.5}}
	if len(tab.Values) != 3 || !slices.EqualFunc(tab.Values, want, sameFloats) {
		t.Errorf("values %v", tab.Values)
	}
	if !slices.Equal(tab.Keys, []string{"198.51.100.10", "203.0.113.42", "203.0.113.43"}) || !slices.Equal(tab.Labels, []int{0, 1, -1}) || !slices.Equal(tab.Baseline, []bool{true, false, false}) {
		t.Errorf("keys %v labels %v baseline %v", tab.Keys, tab.Labels, tab.Baseline)
	}
	wantBad := []string{
		file + `:4: hits: not a number: "many"`,
		file + `:5: line: not a json object: "not json"`,
		file + `:6: hits: not a number: "[1]"`,
		file + `:7: label: number not 0 or 1: "2"`,
	}
	if got := badStrings(tab.Bad); !slices.Equal(got, wantBad) {
		t.Errorf("bad rows\n got %q\nwant %q", got, wantBad)
	}
}

func TestReadTabularBadValues(t *testing.T) {
	const file = "testdata/tabular/bad.csv"
	tab, err := ReadTabular(file, TabularOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tab.Keys, []string{"10.0.0.1", "10.0.0.9"}) || !slices.Equal(tab.KeyColumns, []string{"ip"}) ||
		!slices.EqualFunc(tab.Values, [][]float64{{1, 2}, {1000, -2.5}}, sameFloats) ||
		!slices.Equal(tab.Labels, []int{0, 1}) || !slices.Equal(tab.Baseline, []bool{true, true}) || !slices.Equal(tab.Lines, []int{2, 10}) {
		t.Errorf("table %+v", tab)
	}
	want := []string{
		file + `:3: a: not a number: "x"`,
		file + `:4: b: not a finite number: "inf"`,
		file + `:5: label: number not 0 or 1: "2"`,
		file + `:6: baseline: not 0 or 1: "maybe"`,
		file + `:7: ip: empty key`,
		file + `:8: line: 3 fields, header has 5: "10.0.0.7,1,2"`,
		file + `:9: a: not a number: "1,5"`,
	}
	if got := badStrings(tab.Bad); !slices.Equal(got, want) {
		t.Errorf("bad rows\n got %q\nwant %q", got, want)
	}
}

func TestReadTabularOptions(t *testing.T) {
	// TSV by extension; "client" is the default key; no label column and
	// no label: -1; a label given: that label.
	tab, err := ReadTabular("testdata/tabular/features.tsv", TabularOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Format != FormatTSV || !slices.Equal(tab.Keys, []string{"c1", "c2"}) || !sameFloats(tab.Values[1], []float64{3, math.NaN()}) || !slices.Equal(tab.Labels, []int{-1, -1}) || tab.Baseline != nil {
		t.Errorf("tsv %+v", tab)
	}
	one := 1
	if tab, err := ReadTabular("testdata/tabular/features.tsv", TabularOptions{Label: &one}); err != nil || !slices.Equal(tab.Labels, []int{1, 1}) {
		t.Errorf("default label: %+v %v", tab, err)
	}

	// A column that is text in most lines is an error naming it; a stray
	// text cell in a numeric column is a bad row.
	_, err = ReadTabular("testdata/tabular/mostly_text.csv", TabularOptions{})
	if err == nil || !strings.Contains(err.Error(), `"comment" (2 of 3 lines, e.g. "hello")`) {
		t.Errorf("mostly text: %v", err)
	}
	tab, err = ReadTabular("testdata/tabular/mostly_text.csv", TabularOptions{IgnoreColumns: []string{"comment"}})
	if err != nil || !slices.Equal(tab.Columns, []string{"score"}) || len(tab.Values) != 3 {
		t.Errorf("ignored: %+v %v", tab, err)
	}
	tab, err = ReadTabular("testdata/tabular/mostly_text.csv", TabularOptions{KeyColumns: []string{"comment"}, IgnoreColumns: []string{"key"}})
	if err != nil || !slices.Equal(tab.Keys, []string{"hello", "world", "4"}) {
		t.Errorf("key column given: %+v %v", tab, err)
	}

	in := "name,family,x,is_human\nn1,Banjori,1,yes\nn2,,2,0\n"
	tab, err = ReadTabularFrom(strings.NewReader(in), "f.csv", TabularOptions{KeyColumns: []string{"name"}, BaselineColumn: "is_human"})
	if err != nil || !slices.Equal(tab.Families, []string{"banjori", ""}) || !slices.Equal(tab.Baseline, []bool{true, false}) || !slices.Equal(tab.Columns, []string{"x"}) {
		t.Errorf("family and baseline columns: %+v %v", tab, err)
	}

	var fe *FormatError
	for what, c := range map[string]struct {
		in  string
		opt TabularOptions
	}{
		"empty":           {"\n\n", TabularOptions{}},
		"no such key":     {"a,b\n1,2\n", TabularOptions{KeyColumns: []string{"ip"}}},
		"no such label":   {"a,b\n1,2\n", TabularOptions{LabelColumn: "y"}},
		"no such ignored": {"a,b\n1,2\n", TabularOptions{IgnoreColumns: []string{"c"}}},
		"twice":           {"a,A\n1,2\n", TabularOptions{}},
		"unnamed":         {"a,,b\n1,2,3\n", TabularOptions{}},
		"two roles":       {"ip,label\n1,0\n", TabularOptions{KeyColumns: []string{"label"}}},
		"no features":     {"ip,label\n1,0\n", TabularOptions{}},
		"format":          {"a\n1\n", TabularOptions{Format: "xlsx"}},
	} {
		if _, err := ReadTabularFrom(strings.NewReader(c.in), "t.csv", c.opt); !errors.As(err, &fe) {
			t.Errorf("%s: %v", what, err)
		}
	}
	// An explicit format wins over the extension.
	tab, err = ReadTabularFrom(strings.NewReader("a\tb\n1\t2\n"), "t.csv", TabularOptions{Format: FormatTSV})
	if err != nil || !slices.Equal(tab.Columns, []string{"a", "b"}) {
		t.Errorf("tsv given: %+v %v", tab, err)
	}
}
