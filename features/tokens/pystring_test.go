package tokens

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/mlctl/mlctl/internal/pyref"
)

// pyStringDump is testdata/pystring/dump.py's output.
type pyStringDump struct {
	Python     string            `json:"python"`
	Unicode    string            `json:"unicode"`
	Unassigned [][2]rune         `json:"unassigned"`
	Space      [][2]rune         `json:"space"`
	Ignorable  [][2]rune         `json:"ignorable"`
	Cased      [][2]rune         `json:"cased"`
	Lower      map[string][]rune `json:"lower"`
}

// inRanges reports whether r is in one of the sorted ranges.
func inRanges(r rune, rs [][2]rune) bool {
	i, _ := slices.BinarySearchFunc(rs, r, func(x [2]rune, r rune) int {
		switch {
		case x[1] < r:
			return -1
		case x[0] > r:
			return 1
		}
		return 0
	})
	return i < len(rs) && rs[i][0] <= r && r <= rs[i][1]
}

// TestPyStringMatchesPython checks pystring.go against the interpreter on
// every code point Python assigns.
func TestPyStringMatchesPython(t *testing.T) {
	var py pyStringDump
	pyref.Require(t) // the standard library is enough
	if err := json.Unmarshal(pyref.Run(t, nil, "testdata/pystring/dump.py"), &py); err != nil {
		t.Fatal(err)
	}
	lower := make(map[rune][]rune, len(py.Lower))
	for k, v := range py.Lower {
		c, err := strconv.Atoi(k)
		if err != nil {
			t.Fatal(err)
		}
		lower[rune(c)] = v
	}
	checked, bad := 0, 0
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if 0xD800 <= r && r <= 0xDFFF || inRanges(r, py.Unassigned) {
			continue
		}
		checked++
		want, ok := lower[r]
		if !ok {
			want = []rune{r}
		}
		var text []byte
		if r != capitalSigma { // the sigma's context is checked below
			text = utf8.AppendRune(nil, r)
			if got := []rune(string(appendPyLower(nil, r, text, 0, len(text)))); !slices.Equal(got, want) {
				t.Errorf("lower(U+%04X) = %U, Python gives %U", r, got, want)
				bad++
			}
		}
		if got, want := pyIsSpace(r), inRanges(r, py.Space); got != want {
			t.Errorf("isspace(U+%04X) = %v, Python gives %v", r, got, want)
			bad++
		}
		ign := inRanges(r, py.Ignorable)
		if got := caseIgnorable(r); got != ign {
			t.Errorf("case-ignorable(U+%04X) = %v, Python gives %v", r, got, ign)
			bad++
		}
		if got, want := cased(r), inRanges(r, py.Cased); !ign && got != want {
			t.Errorf("cased(U+%04X) = %v, Python gives %v", r, got, want)
			bad++
		}
		if bad > 20 {
			t.Fatalf("stopping after %d differences (Python %s, Unicode %s)", bad, py.Python, py.Unicode)
		}
	}
	t.Logf("%d code points agree with Python %s (Unicode %s)", checked, py.Python, py.Unicode)
}

func TestPyLowerSigma(t *testing.T) {
	for in, want := range map[string]string{
		"ΟΔΥΣΣΕΥΣ":    "οδυσσευς",
		"ΑΣ":          "ας",
		"Σ":           "σ",
		" Σ ":         " σ ",
		"ΑΣ:Β":        "ασ:β", // ':' is case-ignorable, so Β follows the sigma
		"ΑΣ: ":        "ας:",  // ": " loses its space first; then nothing cased follows
		"Α'Σ":         "ας",   // quotes go before lower-casing
		"ΑΣ\u0301":    "ας\u0301",
		"İ":           "i\u0307",
		"\u212aA\xff": "ka\ufffd",
	} {
		if got := PreprocessTXT(in); got != want {
			t.Errorf("lower(%q) = %q, want %q", in, got, want)
		}
	}
}
