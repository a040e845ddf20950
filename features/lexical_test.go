package features

import "testing"

func TestLexical(t *testing.T) {
	cases := []struct {
		label string
		want  lexicalStats
	}{
		// a 1 b 2 - c c: vowel a; digits 1 2; consonant runs b, cc; six distinct
		// bytes; '-' is not hex; a→1, 1→b, b→2 switch; one hyphen.
		{"a1b2-cc", lexicalStats{vowelRatio: 1.0 / 7, digitRatio: 2.0 / 7, consonantRun: 2, uniqueRatio: 6.0 / 7, letterDigitMix: 3, hyphens: 1}},
		{"deadbeef12", lexicalStats{vowelRatio: 4.0 / 10, digitRatio: 2.0 / 10, consonantRun: 2, uniqueRatio: 7.0 / 10, hexOnly: 1, letterDigitMix: 1}},
		{"deadbeef", lexicalStats{vowelRatio: 4.0 / 8, consonantRun: 2, uniqueRatio: 5.0 / 8}},
		{"strengths", lexicalStats{vowelRatio: 1.0 / 9, consonantRun: 5, uniqueRatio: 7.0 / 9}}, // n g t h s
		{"BCD", lexicalStats{consonantRun: 3, uniqueRatio: 1}},
		{"", lexicalStats{}},
	}
	for _, c := range cases {
		if got := lexical(c.label); got != c.want {
			t.Errorf("lexical(%q) = %+v, want %+v", c.label, got, c.want)
		}
	}
}
