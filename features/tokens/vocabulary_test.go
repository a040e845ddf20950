package tokens

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestVocabularyOrder checks the tie-break: count descending, then term by
// code point, the kept terms taking ids from 2 in that order.
func TestVocabularyOrder(t *testing.T) {
	v := newVocabulary(map[string]int64{"b": 3, "a": 3, "é": 5, "z": 1, "c": 3, "y": 1}, 4)
	if want := []string{"é", "a", "b", "c"}; !slices.Equal(v.terms, want) {
		t.Fatalf("terms %q, want %q", v.terms, want)
	}
	for id, want := range []string{PadTerm, UnkTerm, "é", "a", "b", "c"} {
		if got, ok := v.Term(int32(id)); !ok || got != want {
			t.Errorf("Term(%d) = %q, %v; want %q", id, got, ok, want)
		}
	}
	if v.ID("a") != 3 || v.ID("z") != Unk || v.ID(PadTerm) != Unk || v.Size() != 6 {
		t.Errorf("ID(a) = %d, ID(z) = %d, ID(<pad>) = %d, Size = %d", v.ID("a"), v.ID("z"), v.ID(PadTerm), v.Size())
	}
	if _, ok := v.Term(6); ok {
		t.Error("Term(6) is ok past the end")
	}
	if v.Count(2) != 5 || v.Count(Unk) != 0 {
		t.Errorf("Count(2) = %d, Count(Unk) = %d", v.Count(2), v.Count(Unk))
	}
}

// TestTXTBytesDeterministic fits twice, once on shuffled records, and
// expects the same bytes: the counts do not depend on record order, and
// nothing depends on map order.
func TestTXTBytesDeterministic(t *testing.T) {
	records := readFixture(t)
	a, err := FitTXT(records, TXTOptions{MaxTerms: 300})
	if err != nil {
		t.Fatal(err)
	}
	reversed := slices.Clone(records)
	slices.Reverse(reversed)
	for range 3 {
		b, err := FitTXT(reversed, TXTOptions{MaxTerms: 300})
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			t.Fatal("the same records give different bytes")
		}
	}
}

// TestTXTJSONRoundTrip stores a fitted tokenizer, loads it back through
// Load and checks the bytes and every id agree.
func TestTXTJSONRoundTrip(t *testing.T) {
	records := readFixture(t)
	for _, opts := range []TXTOptions{{}, {MaxTerms: 50, MaxLen: 20, KeepPadding: true}} {
		orig, err := FitTXT(records, opts)
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(orig)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte(`{"tokenizer":"txt-charwb","version":1,"options":{`)) || !bytes.Contains(data, []byte(`"reserved":["\u003cpad\u003e","\u003cunk\u003e"]`)) {
			t.Fatalf("stored form starts %.120s", data)
		}
		loaded, err := Load(data)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(loaded)
		if !bytes.Equal(again, data) {
			t.Fatal("stored, loaded and stored again, the bytes differ")
		}
		if loaded.VocabSize() != orig.VocabSize() || loaded.MaxLen() != orig.MaxLen() {
			t.Fatalf("loaded sizes %d/%d, want %d/%d", loaded.VocabSize(), loaded.MaxLen(), orig.VocabSize(), orig.MaxLen())
		}
		for _, r := range records {
			if a, b := orig.Encode(r, nil), loaded.Encode(r, nil); !slices.Equal(a, b) {
				t.Fatalf("record %.40q encodes to %v before and %v after the round trip", r, a, b)
			}
		}
	}
}

func TestTXTJSONRejects(t *testing.T) {
	good := `{"tokenizer":"txt-charwb","version":1,"options":{"max_terms":3,"max_len":10,"keep_padding":false},` +
		`"vocabulary":{"reserved":["<pad>","<unk>"],"terms":["a","b"],"counts":[2,1]}}`
	if _, err := Load([]byte(good)); err != nil {
		t.Fatalf("good tokenizer: %v", err)
	}
	for name, bad := range map[string]string{
		"version":       strings.Replace(good, `"version":1`, `"version":2`, 1),
		"unknown key":   strings.Replace(good, `"version":1`, `"version":1,"extra":0`, 1),
		"no max len":    strings.Replace(good, `"max_len":10`, `"max_len":0`, 1),
		"too many":      strings.Replace(good, `"max_terms":3`, `"max_terms":1`, 1),
		"order":         strings.Replace(good, `"counts":[2,1]`, `"counts":[1,2]`, 1),
		"tie order":     strings.Replace(good, `["a","b"],"counts":[2,1]`, `["b","a"],"counts":[1,1]`, 1),
		"duplicate":     strings.Replace(good, `["a","b"],"counts":[2,1]`, `["a","a"],"counts":[2,1]`, 1),
		"reserved term": strings.Replace(good, `"terms":["a","b"]`, `"terms":["a","<unk>"]`, 1),
		"reserved":      strings.Replace(good, `["<pad>","<unk>"]`, `["<unk>","<pad>"]`, 1),
		"zero count":    strings.Replace(good, `"counts":[2,1]`, `"counts":[2,0]`, 1),
		"count length":  strings.Replace(good, `"counts":[2,1]`, `"counts":[2]`, 1),
		"no vocabulary": `{"tokenizer":"txt-charwb","version":1,"options":{"max_terms":3,"max_len":10,"keep_padding":false}}`,
		"trailing":      good + "{}",
		"kind":          strings.Replace(good, "txt-charwb", "txt-words", 1),
	} {
		if _, err := Load([]byte(bad)); err == nil {
			t.Errorf("%s: loaded %s", name, bad)
		}
	}
}
