package tokens

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"testing"
)

// txtReference is testdata/txt/gen.py's output: what scikit-learn 1.2.1 and
// the TXT notebook's own functions make of a list of TXT records.
type txtReference struct {
	Sklearn string `json:"sklearn"`
	Records []struct {
		Input        string   `json:"input"`
		Preprocessed string   `json:"preprocessed"`
		Analyzer     []string `json:"analyzer"`
		Tokens       []string `json:"tokens"`
	} `json:"records"`
	Vocabularies []struct {
		KeepPadding bool                `json:"keep_padding"`
		Counts      map[string]int64    `json:"counts"`
		Kept        map[string][]string `json:"kept"`
	} `json:"vocabularies"`
}

func parseReference(t *testing.T, data []byte) txtReference {
	t.Helper()
	var ref txtReference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatalf("reference output: %v", err)
	}
	if len(ref.Vocabularies) != 2 {
		t.Fatalf("reference output has %d vocabularies, want 2", len(ref.Vocabularies))
	}
	return ref
}

// checkReference compares this package with the reference on records.
func checkReference(t *testing.T, records []string, ref txtReference) {
	t.Helper()
	if len(ref.Records) != len(records) {
		t.Fatalf("reference holds %d records, want %d", len(ref.Records), len(records))
	}
	bad := 0
	for i, r := range ref.Records {
		if r.Input != records[i] {
			t.Fatalf("record %d: reference input %q, want %q", i, r.Input, records[i])
		}
		if got := PreprocessTXT(r.Input); got != r.Preprocessed {
			t.Errorf("record %d %.60q: preprocessed %q, seed gives %q", i, r.Input, got, r.Preprocessed)
			bad++
		}
		if got := Analyze(r.Input, true); !slices.Equal(got, r.Analyzer) {
			t.Errorf("record %d %.60q: char_wb n-grams differ from scikit-learn's at %d (%d vs %d n-grams)",
				i, r.Input, firstDiff(got, r.Analyzer), len(got), len(r.Analyzer))
			bad++
		}
		if got := Analyze(r.Input, false); !slices.Equal(got, r.Tokens) {
			t.Errorf("record %d %.60q: tokens differ from the seed's at %d (%d vs %d tokens)",
				i, r.Input, firstDiff(got, r.Tokens), len(got), len(r.Tokens))
			bad++
		}
		if bad > 10 {
			t.Fatal("stopping after 10 differences")
		}
	}
	for _, rv := range ref.Vocabularies {
		counts := countTerms(records, rv.KeepPadding)
		if !mapsEqual(counts, rv.Counts) {
			t.Errorf("keep padding %v: term counts differ from scikit-learn's (%d vs %d terms)", rv.KeepPadding, len(counts), len(rv.Counts))
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(rv.Kept)) {
			kept := rv.Kept[k]
			maxTerms, err := strconv.Atoi(k)
			if err != nil {
				t.Fatal(err)
			}
			checkKept(t, newVocabulary(counts, maxTerms), kept, counts, rv.KeepPadding)
		}
	}
	checkEncode(t, records, ref)
}

// checkKept compares the terms a vocabulary keeps with those scikit-learn
// keeps. They must agree but for terms tied at the cut-off count, where
// scikit-learn's choice comes from numpy's unstable argsort.
func checkKept(t *testing.T, v *Vocabulary, theirs []string, counts map[string]int64, keep bool) {
	t.Helper()
	if got := v.Size() - 2; got != len(theirs) {
		t.Errorf("keep padding %v: %d terms kept, scikit-learn keeps %d", keep, got, len(theirs))
		return
	}
	cutoff := v.Count(int32(v.Size() - 1))
	inTheirs := make(map[string]bool, len(theirs))
	for _, term := range theirs {
		inTheirs[term] = true
		if _, ok := v.index[term]; !ok && counts[term] != cutoff {
			t.Errorf("keep padding %v, %d terms: scikit-learn keeps %q (count %d), which is not tied at the cut-off %d",
				keep, len(theirs), term, counts[term], cutoff)
		}
	}
	swapped := 0
	for _, term := range v.terms {
		if !inTheirs[term] {
			swapped++
			if counts[term] != cutoff {
				t.Errorf("keep padding %v, %d terms: %q (count %d) is kept, scikit-learn drops it and it is not tied at the cut-off %d",
					keep, len(theirs), term, counts[term], cutoff)
			}
		}
	}
	t.Logf("keep padding %v, %d terms: cut-off count %d, %d tied terms chosen differently from scikit-learn", keep, len(theirs), cutoff, swapped)
}

// checkEncode checks that Encode gives each record's tokens' ids, in order,
// Unk for those a small vocabulary lacks, and at most MaxLen of them.
func checkEncode(t *testing.T, records []string, ref txtReference) {
	t.Helper()
	tok, err := FitTXT(records, TXTOptions{MaxTerms: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var dst []int32
	for i, r := range ref.Records {
		dst = tok.Encode(r.Input, dst[:0])
		want := r.Tokens[:min(len(r.Tokens), tok.MaxLen())]
		if len(dst) != len(want) {
			t.Errorf("record %d: %d ids, want %d", i, len(dst), len(want))
			continue
		}
		for j, id := range dst {
			if want := tok.vocab.ID(want[j]); id != want {
				t.Errorf("record %d id %d: %d, want %d (%q)", i, j, id, want, r.Tokens[j])
				break
			}
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
