package datasets

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// binaryInput looks like an executable: a 16 KB first line of bytes that
// are not text, with a few commas and tabs, then more.
func binaryInput() string {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("\x7fELF")
	for i := 0; i < 16<<10; i++ {
		c := byte(r.IntN(256))
		if c == '\n' {
			c = 0
		}
		b.WriteByte(c)
		if i%4000 == 0 {
			b.WriteString(",\t")
		}
	}
	b.WriteString("\n\x00\x01\x02\xff,\xfe\n")
	return b.String()
}

// TestBinaryInputGivesShortErrors: a binary file given to any reader ends
// in an error or bad rows whose lines are short (one 10 KB line of escaped
// bytes before), with the size of what was cut.
func TestBinaryInputGivesShortErrors(t *testing.T) {
	const maxLine = 1000
	in := binaryInput()
	check := func(what string, err error, bad []BadRow) {
		t.Helper()
		if err != nil {
			if len(err.Error()) > maxLine {
				t.Errorf("%s: error of %d bytes: %.300s…", what, len(err.Error()), err)
			}
			if strings.Contains(err.Error(), "…") && !strings.Contains(err.Error(), " bytes)") {
				t.Errorf("%s: error %.300s… does not say how long the cut value was", what, err)
			}
		}
		for _, b := range bad {
			if len(b.String()) > maxLine {
				t.Errorf("%s: bad row of %d bytes: %.300s…", what, len(b.String()), b)
			}
		}
		if err == nil && len(bad) == 0 {
			t.Errorf("%s: binary input read without an error or bad rows", what)
		}
	}
	for _, format := range []string{FormatAuto, FormatCSV, FormatTSV} {
		r, err := ReadDGAFrom(strings.NewReader(in), "a.out", ReadOptions{Format: format, Label: label(1)})
		var bad []BadRow
		if r != nil {
			bad = r.Bad
		}
		check("ReadDGA "+format, err, bad)
		r, err = ReadDGAFrom(strings.NewReader(in), "a.out", ReadOptions{Format: format, Input: TXTRecords, Label: label(1)})
		if r != nil {
			bad = r.Bad
		}
		check("ReadDGA txt "+format, err, bad)
	}
	for _, format := range []string{"auto", "csv"} {
		tab, err := ReadTabularFrom(strings.NewReader(in), "a.out", TabularOptions{Format: format, Label: label(1)})
		var bad []BadRow
		if tab != nil {
			bad = tab.Bad
		}
		check("ReadTabular "+format, err, bad)
		_, bad, err = ReadFlowsFrom(strings.NewReader(in), "a.out", format)
		check("ReadFlows "+format, err, bad)
	}
}

func TestQuoteCut(t *testing.T) {
	cases := []struct{ in, want string }{
		{"domain", `"domain"`},
		{"a\x00b", `"a\x00b"`},
		{strings.Repeat("x", maxQuoteBytes), `"` + strings.Repeat("x", maxQuoteBytes) + `"`},
		{strings.Repeat("x", maxQuoteBytes+1), `"` + strings.Repeat("x", maxQuoteBytes) + `"…(81 bytes)`},
		{strings.Repeat("x", maxQuoteBytes-1) + "é", `"` + strings.Repeat("x", maxQuoteBytes-1) + `"…(81 bytes)`},
	}
	for _, c := range cases {
		if got := quoteCut(c.in); got != c.want {
			t.Errorf("quoteCut(%.20q…) = %s; want %s", c.in, got, c.want)
		}
	}
	names := make([]string, 100)
	for i := range names {
		names[i] = "feature_" + strings.Repeat("x", i%7)
	}
	got := quoteList(names)
	if len(got) > 2*maxQuoteListBytes || !strings.HasSuffix(got, "… (100 in all)") || !strings.HasPrefix(got, `"feature_", "feature_x", `) {
		t.Errorf("quoteList of 100 names = %s", got)
	}
	if got := quoteList([]string{"a", "b"}); got != `"a", "b"` {
		t.Errorf("quoteList(a, b) = %s", got)
	}
}
