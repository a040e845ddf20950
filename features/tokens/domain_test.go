package tokens

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// ids spells out Domain ids by hand: a=2 … z=27, 0=28 … 9=37, '-'=38,
// '.'=39, '_'=40.
func TestDomainEncodeHandChecked(t *testing.T) {
	d, err := NewDomain(0)
	if err != nil {
		t.Fatal(err)
	}
	if d.MaxLen() != 253 || d.VocabSize() != 41 || d.Name() != "domain-chars" {
		t.Fatalf("MaxLen %d, VocabSize %d, Name %q", d.MaxLen(), d.VocabSize(), d.Name())
	}
	for _, c := range []struct {
		in   string
		want []int32
	}{
		{"a.b", []int32{2, 39, 3}},
		{"Az09-._", []int32{2, 27, 28, 37, 38, 39, 40}},
		{"example.COM.", []int32{6, 25, 2, 14, 17, 13, 6, 39, 4, 16, 14}},
		{".x.", []int32{25}},
		{"", nil},
		{"...", nil},
		{"a b*é", []int32{2, Unk, 3, Unk, Unk}}, // é is one character, one Unk
		{"a\xff\xfeb", []int32{2, Unk, Unk, 3}}, // each invalid byte one Unk
		{"xn--mnchen-3ya.de", []int32{25, 15, 38, 38, 14, 15, 4, 9, 6, 15, 38, 31, 26, 2, 39, 5, 6}},
	} {
		if got := d.Encode(c.in, nil); !slices.Equal(got, c.want) {
			t.Errorf("Encode(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestDomainTruncates checks that a long name keeps its right end.
func TestDomainTruncates(t *testing.T) {
	d, err := NewDomain(4)
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string][]int32{
		"abcdef.com": {39, 4, 16, 14},  // ".com"
		"ééé.com":    {39, 4, 16, 14},  // cut by characters, not bytes
		"aéb":        {2, Unk, 3},      // 4 bytes but 3 characters: not cut
		"a.de":       {2, 39, 5, 6},    // exactly MaxLen
		"x\xffcom":   {Unk, 4, 16, 14}, // an invalid byte counts as one
	} {
		if got := d.Encode(in, nil); !slices.Equal(got, want) {
			t.Errorf("Encode(%q) = %v, want %v", in, got, want)
		}
	}
	long := strings.Repeat("a", 300) + ".example.com"
	d, _ = NewDomain(0)
	if got := d.Encode(long, nil); len(got) != 253 || got[0] != 2 || got[252] != 14 {
		t.Errorf("a %d-character name gives %d ids", len(long), len(got))
	}
}

func TestDomainOptions(t *testing.T) {
	for _, n := range []int{-1, 4097} {
		if _, err := NewDomain(n); err == nil {
			t.Errorf("max len %d accepted", n)
		}
	}
}

func TestDomainJSONRoundTrip(t *testing.T) {
	d, err := NewDomain(64)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"tokenizer":"domain-chars","version":1,"alphabet":"abcdefghijklmnopqrstuvwxyz0123456789-._","max_len":64}`
	if string(data) != want {
		t.Fatalf("stored as %s, want %s", data, want)
	}
	loaded, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := json.Marshal(loaded); !bytes.Equal(again, data) || loaded.MaxLen() != 64 {
		t.Fatalf("loaded back as %s", again)
	}
	for _, bad := range []string{
		strings.Replace(want, "-._", "-.", 1),
		strings.Replace(want, `"max_len":64`, `"max_len":0`, 1),
		strings.Replace(want, `"version":1`, `"version":0`, 1),
		strings.Replace(want, `"max_len":64`, `"max_len":64,"lower":true`, 1),
		`{"tokenizer":"chars"}`,
		`not json`,
	} {
		if _, err := Load([]byte(bad)); err == nil {
			t.Errorf("loaded %s", bad)
		}
	}
}

func TestDomainEncodeNoAlloc(t *testing.T) {
	d, _ := NewDomain(0)
	dst := make([]int32, 0, d.MaxLen())
	for _, name := range []string{"www.example.com", "münchen.de", strings.Repeat("ab.", 200)} {
		if n := testing.AllocsPerRun(100, func() { d.Encode(name, dst) }); n != 0 {
			t.Errorf("Encode(%.30q) allocates %v times", name, n)
		}
	}
}
