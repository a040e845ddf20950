package datasets

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// invalidUTF8 is a name with two bytes that are not UTF-8; IDNA would map
// each to U+FFFD and give xn--bad-6t7sa.com.
const invalidUTF8 = "ba\xff\xfed.com"

// TestReadDGARefusesInvalidUTF8 holds every reader to one bad row, with
// file:line and field, for a name that is not UTF-8, in every format.
func TestReadDGARefusesInvalidUTF8(t *testing.T) {
	cases := []struct{ file, content, reason, quoted string }{
		{"names.txt", "good.com\n" + invalidUTF8 + "\n", "not UTF-8", `"ba\xff\xfed.com"`},
		{"names.csv", "domain,label\ngood.com,1\n" + invalidUTF8 + ",1\n", "not UTF-8", `"ba\xff\xfed.com"`},
		{"names.tsv", "domain\tlabel\ngood.com\t1\n" + invalidUTF8 + "\t1\n", "not UTF-8", `"ba\xff\xfed.com"`},
		// encoding/json already turns the bytes into U+FFFD, which IDNA refuses.
		{"names.jsonl", `{"domain":"good.com"}` + "\n" + `{"domain":"` + invalidUTF8 + `"}` + "\n", "idna: disallowed rune U+FFFD", "\"ba\ufffd\ufffdd.com\""},
		{"dns.log", "#separator \\x09\n#fields\tts\tquery\n#types\ttime\tstring\n1.0\tgood.com\n2.0\t" + invalidUTF8 + "\n", "not UTF-8", `"ba\xff\xfed.com"`},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			r, err := ReadDGAFrom(strings.NewReader(c.content), c.file, ReadOptions{Label: label(1)})
			if err != nil {
				t.Fatal(err)
			}
			assertRows(t, r.Rows, []Row{{Name: "good.com", Label: 1}})
			if len(r.Bad) != 1 {
				t.Fatalf("bad rows %v; want one", r.Bad)
			}
			b := r.Bad[0]
			if b.File != c.file || b.Line != strings.Count(c.content, "\n") || b.Field != "domain" || b.Reason != c.reason {
				t.Errorf("bad row %+v; want %s:%d domain: %s", b, c.file, strings.Count(c.content, "\n"), c.reason)
			}
			if s := b.String(); !strings.Contains(s, c.quoted) {
				t.Errorf("bad row %s does not quote the value as %s", s, c.quoted)
			}
		})
	}
}

// TestReadInputsRefusesInvalidUTF8 is the offline scorer's path (mlctl
// score): a name that is not UTF-8 is a bad line, never a punycode input.
func TestReadInputsRefusesInvalidUTF8(t *testing.T) {
	p := filepath.Join(t.TempDir(), "names.txt")
	if err := os.WriteFile(p, []byte("good.com\n"+invalidUTF8+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := ReadInputs(p, "auto")
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Inputs) != 1 || in.Inputs[0] != "good.com" {
		t.Errorf("inputs %q; want only good.com", in.Inputs)
	}
	if len(in.Bad) != 1 || in.Bad[0].Line != 2 || in.Bad[0].Reason != "not UTF-8" {
		t.Errorf("bad rows %+v; want line 2 not UTF-8", in.Bad)
	}
}
