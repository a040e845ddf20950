package tokens

import "testing"

func TestPreprocessTXT(t *testing.T) {
	for in, want := range map[string]string{
		"v=spf1 include:_spf.example.net ~all": "v=spf1 include:_spf.example.net ~all",
		"Key = Value":                          "key=value",
		"a  = b":                               "a=b",   // " = " then " ="
		"a   =   b":                            "a = b", // one pass each leaves a space either side
		"x -  = y":                             "x-=y",
		"p : q - r":                            "p:q-r",
		`say "it's"`:                           "say its",
		"":                                     "",
	} {
		if got := PreprocessTXT(in); got != want {
			t.Errorf("PreprocessTXT(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReplaceInPlace(t *testing.T) {
	for _, c := range []struct{ in, old, new, want string }{
		{" = = = ", " = ", "=", "==="}, // matches at 0 and 4, left to right; the "=" between stays
		{"abc", " = ", "=", "abc"},
		{" =", " =", "=", "="},
		{"x = y = z", " = ", "=", "x=y=z"},
	} {
		b := []byte(c.in)
		if got := string(replaceInPlace(b, c.old, c.new)); got != c.want {
			t.Errorf("%q.replace(%q, %q) = %q, want %q", c.in, c.old, c.new, got, c.want)
		}
	}
}
