package features

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/datasets"
)

// fixtureRows makes a small labeled set: benign names built from English
// words (as many real names are) and random-letter DGA names in eight
// families (so FitDomain cross-fits by family), from a seed.
func fixtureRows(seed uint64, n int) []datasets.Row {
	rng := rand.New(rand.NewPCG(seed, 7))
	words := strings.Fields(englishWords)
	tlds := []string{"com", "net", "org", "de", "co.uk", "io"}
	dgaTLDs := []string{"com", "biz", "info", "ru", "xyz"}
	var rows []datasets.Row
	for i := 0; i < n; i++ {
		w := words[rng.IntN(len(words))]
		name := w + "." + tlds[rng.IntN(len(tlds))]
		switch rng.IntN(4) {
		case 0:
			name = "www." + name
		case 1:
			name = w + words[rng.IntN(len(words))][:3] + "." + tlds[rng.IntN(len(tlds))]
		}
		rows = append(rows, datasets.Row{Name: name, Label: 0, Family: "words"})
		var b strings.Builder
		for k := 8 + rng.IntN(12); k > 0; k-- {
			b.WriteByte("abcdefghijklmnopqrstuvwxyz0123456789"[rng.IntN(36)])
		}
		rows = append(rows, datasets.Row{Name: b.String() + "." + dgaTLDs[rng.IntN(len(dgaTLDs))], Label: 1, Family: fmt.Sprintf("random%d", i%8)})
	}
	return rows
}

func fitFixture(t testing.TB) *Domain {
	t.Helper()
	d, err := FitDomain(fixtureRows(1, 2000), DomainOptions{Seed: 42, NgramBits: 14})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDomainFitDeterministic(t *testing.T) {
	a, err := fitFixture(t).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	b, err := fitFixture(t).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two fits of the same rows and seed give different JSON")
	}
	other, err := FitDomain(fixtureRows(1, 2000), DomainOptions{Seed: 43, NgramBits: 14})
	if err != nil {
		t.Fatal(err)
	}
	c, err := other.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, c) {
		t.Fatal("a different seed gives the same n-gram model")
	}
}

func TestDomainJSONSortedKeys(t *testing.T) {
	state, err := fitFixture(t).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	// Re-encoding through generic maps sorts every object's keys and writes
	// floats in their shortest form; the state must already be that.
	var generic any
	if err := json.Unmarshal(state, &generic); err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(generic)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(state, again) {
		t.Fatal("state JSON is not in canonical form (sorted keys, shortest numbers)")
	}
	if len(state) > 4<<20 {
		t.Fatalf("state is %d bytes", len(state))
	}
}

func TestDomainJSONRoundTrip(t *testing.T) {
	d := fitFixture(t)
	state, err := d.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	set, err := Lookup("domain", state)
	if err != nil {
		t.Fatal(err)
	}
	if set.Name() != "domain" || set.Version() != DomainVersion {
		t.Fatalf("Lookup gave %s v%d", set.Name(), set.Version())
	}
	again, err := set.(*Domain).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(state, again) {
		t.Fatal("marshal(unmarshal(state)) differs from state")
	}
	v1 := make([]float64, DomainLen)
	v2 := make([]float64, DomainLen)
	for _, row := range fixtureRows(9, 300) {
		d.Extract(row.Name, v1)
		set.Extract(row.Name, v2)
		for i := range v1 {
			if math.Float64bits(v1[i]) != math.Float64bits(v2[i]) {
				t.Fatalf("%s: %s = %v after round trip, want %v", row.Name, d.Names()[i], v2[i], v1[i])
			}
		}
	}
}

func TestDomainSeparatesFixture(t *testing.T) {
	d := fitFixture(t)
	idx := indexOf(t, d.Names(), "ngram_score")
	var ben, mal float64
	rows := fixtureRows(5, 500)
	vec := make([]float64, DomainLen)
	for _, r := range rows {
		d.Extract(r.Name, vec)
		if r.Label == 1 {
			mal += vec[idx]
		} else {
			ben += vec[idx]
		}
	}
	if mal/500 <= ben/500+1 {
		t.Fatalf("mean ngram_score malicious %.2f, benign %.2f: the model did not learn", mal/500, ben/500)
	}
}

func TestDomainNames(t *testing.T) {
	d := fitFixture(t)
	names := d.Names()
	if len(names) != DomainLen {
		t.Fatalf("%d names, DomainLen %d", len(names), DomainLen)
	}
	if strings.Join(names[:Heidgaf44Len], ",") != strings.Join(Heidgaf44().Names(), ",") {
		t.Fatal("domain does not start with heidgaf44's features")
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Fatalf("feature %q twice", n)
		}
		seen[n] = true
	}
	vec := make([]float64, DomainLen)
	for _, name := range []string{"", ".", "a..b", "x", "münchen.de", strings.Repeat("abc.", 100) + "com", "\xff\xfe"} {
		d.Extract(name, vec)
		for i, v := range vec {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("Extract(%q) %s = %v", name, names[i], v)
			}
		}
	}
}

func TestDomainExtractIgnoresCase(t *testing.T) {
	d := fitFixture(t)
	lower := make([]float64, DomainLen)
	upper := make([]float64, DomainLen)
	long := strings.Repeat("label.", 50) + "com" // longer than any valid name
	for _, name := range []string{"mail.figurewagon.net", long} {
		d.Extract(name, lower)
		d.Extract(strings.ToUpper(name), upper)
		for i := Heidgaf44Len; i < DomainLen; i++ {
			if lower[i] != upper[i] {
				t.Errorf("%.20s: %s: %v for lower case, %v for upper case", name, d.Names()[i], lower[i], upper[i])
			}
		}
	}
}

// TestDomainBenignOnly: rows without a malicious one give a benign-only
// fit that says so, gives finite values (ngram_score 0, tld_benign_ratio 1,
// the rest learned from the benign names), is deterministic, and
// round-trips through its JSON state; a state that mixes the two kinds of
// fit is refused.
func TestDomainBenignOnly(t *testing.T) {
	var benign []datasets.Row
	for _, r := range fixtureRows(1, 2000) {
		if r.Label == 0 {
			benign = append(benign, r)
		}
	}
	fit := func(seed uint64) (*Domain, []byte) {
		t.Helper()
		d, err := FitDomain(benign, DomainOptions{Seed: seed, NgramBits: 14})
		if err != nil {
			t.Fatal(err)
		}
		state, err := d.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		return d, state
	}
	d, state := fit(42)
	if _, again := fit(42); !bytes.Equal(state, again) {
		t.Fatal("two benign-only fits of the same rows and seed give different JSON")
	}
	if !d.BenignOnly() || fitFixture(t).BenignOnly() {
		t.Fatalf("BenignOnly: %v for benign rows, %v for both classes", d.BenignOnly(), fitFixture(t).BenignOnly())
	}
	if !bytes.HasPrefix(state, []byte(`{"benign_only":true,"folds":[{"rows":`)) || bytes.Contains(state, []byte(`"ngram"`)) {
		t.Fatalf("state %.80s… should say benign_only and hold no n-gram model", state)
	}
	set, err := Lookup("domain", state)
	if err != nil {
		t.Fatal(err)
	}
	back := set.(*Domain)
	if again, _ := back.MarshalJSON(); !back.BenignOnly() || !bytes.Equal(state, again) {
		t.Fatal("marshal(unmarshal(state)) differs from the benign-only state")
	}
	names := d.Names()
	ngram, tld := indexOf(t, names, "ngram_score"), indexOf(t, names, "tld_benign_ratio")
	lm, words := indexOf(t, names, "main_trigram_ll"), indexOf(t, names, "word_coverage")
	v1, v2 := make([]float64, DomainLen), make([]float64, DomainLen)
	varies := map[int]bool{}
	first := make([]float64, DomainLen)
	for i, row := range fixtureRows(9, 300) {
		d.Extract(row.Name, v1)
		back.Extract(row.Name, v2)
		for j := range v1 {
			if !finite(v1[j]) || math.Float64bits(v1[j]) != math.Float64bits(v2[j]) {
				t.Fatalf("%s: %s = %v, after the round trip %v", row.Name, names[j], v1[j], v2[j])
			}
			if i == 0 {
				first[j] = v1[j]
			} else if v1[j] != first[j] {
				varies[j] = true
			}
		}
		if v1[ngram] != 0 || v1[tld] != 1 {
			t.Fatalf("%s: ngram_score %v, tld_benign_ratio %v; want 0 and 1", row.Name, v1[ngram], v1[tld])
		}
	}
	if !varies[lm] || !varies[words] {
		t.Fatal("the trigram model and the word features do not vary over names")
	}
	// A state whose folds disagree with its benign_only mark is refused.
	two, err := fitFixture(t).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"benign-only without its mark":    bytes.Replace(state, []byte(`"benign_only":true,`), nil, 1),
		"two-class marked benign-only":    append([]byte(`{"benign_only":true,`), two[1:]...),
		"benign-only marked with a false": bytes.Replace(state, []byte(`"benign_only":true`), []byte(`"benign_only":false`), 1),
	} {
		if _, err := Lookup("domain", bad); err == nil || !strings.Contains(err.Error(), "n-gram model") {
			t.Errorf("%s: Lookup error %v, want one about the n-gram model", name, err)
		}
	}
}

func TestFitDomainErrors(t *testing.T) {
	good := fixtureRows(1, 50)
	cases := map[string]struct {
		rows []datasets.Row
		opts DomainOptions
	}{
		"no rows":        {nil, DomainOptions{}},
		"malicious only": {[]datasets.Row{{Name: "xkqjzvhw.biz", Label: 1}}, DomainOptions{}},
		"bad label":      {append([]datasets.Row{{Name: "a.com", Label: 2}}, good...), DomainOptions{}},
		"one fold":       {good, DomainOptions{Folds: 1}},
		"too many bits":  {good, DomainOptions{NgramBits: 30}},
		"negative epoch": {good, DomainOptions{NgramEpochs: -1}},
	}
	for name, c := range cases {
		if _, err := FitDomain(c.rows, c.opts); err == nil {
			t.Errorf("%s: FitDomain succeeded", name)
		}
	}
}

func TestLookup(t *testing.T) {
	if got := strings.Join(SetNames(), ","); got != "domain,heidgaf44,txt-shape" {
		t.Fatalf("SetNames() = %s", got)
	}
	set, err := Lookup("heidgaf44", nil)
	if err != nil || set.Name() != "heidgaf44" || len(set.Names()) != Heidgaf44Len {
		t.Fatalf("Lookup(heidgaf44) = %v, %v", set, err)
	}
	state, err := fitFixture(t).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	bad := []struct {
		name  string
		state []byte
	}{
		{"nope", nil},
		{"", nil},
		{"Domain", state},
		{"heidgaf44", []byte(`{"x":1}`)},
		{"domain", nil},
		{"domain", []byte(`{`)},
		{"domain", []byte(`{"folds":[],"options":{"folds":5,"ngram_bits":18,"ngram_epochs":4,"seed":0},"set":"domain","version":1,"extra":1}`)},
		{"domain", []byte(`{"folds":[],"options":{"folds":5,"ngram_bits":18,"ngram_epochs":4,"seed":0},"set":"domain","version":1}`)},
		{"domain", bytes.Replace(state, []byte(`"version":1`), []byte(`"version":2`), 1)},
		{"domain", bytes.Replace(state, []byte(`"set":"domain"`), []byte(`"set":"heidgaf44"`), 1)},
	}
	for _, b := range bad {
		if _, err := Lookup(b.name, b.state); err == nil {
			t.Errorf("Lookup(%q, %.40q) succeeded", b.name, b.state)
		}
	}
}

func TestDomainNoAlloc(t *testing.T) {
	d := fitFixture(t)
	vec := make([]float64, DomainLen)
	for _, name := range []string{"mail.examplecorp.com", "MAIL.Example.COM", "xkqjzvhw.biz", "münchen.de", "a..b"} {
		if n := testing.AllocsPerRun(100, func() { d.Extract(name, vec) }); n != 0 {
			t.Errorf("Extract(%q) allocates %v times", name, n)
		}
	}
}

func indexOf(t testing.TB, names []string, name string) int {
	t.Helper()
	for i, n := range names {
		if n == name {
			return i
		}
	}
	t.Fatalf("no feature %q", name)
	return -1
}

// fitBenchmark fits with the default options, so the n-gram tables have
// their production size (and cache behaviour).
func fitBenchmark(b *testing.B) *Domain {
	// 20,000 DGA names give a pinned-fold table of realistic size.
	d, err := FitDomain(fixtureRows(1, 20000), DomainOptions{Seed: 42})
	if err != nil {
		b.Fatal(err)
	}
	d.Extract("warm.up", make([]float64, DomainLen)) // builds the shared English tables
	return d
}

func BenchmarkDomain(b *testing.B) {
	d := fitBenchmark(b)
	vec := make([]float64, DomainLen)
	b.ReportAllocs()
	for b.Loop() {
		d.Extract("mail.examplecorp.com", vec)
	}
}

func BenchmarkDomainParallel(b *testing.B) {
	d := fitBenchmark(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		vec := make([]float64, DomainLen)
		for pb.Next() {
			d.Extract("mail.examplecorp.com", vec)
		}
	})
}

func ExampleLookup() {
	set, err := Lookup("heidgaf44", nil)
	if err != nil {
		panic(err)
	}
	vec := make([]float64, len(set.Names()))
	set.Extract("www.example.com", vec)
	// label_max is the length of the alphabetically greatest label ("www"),
	// not of the longest one, as in heiDGAF's detector.
	fmt.Println(set.Names()[0], vec[0], set.Names()[1], vec[1])
	// Output: label_length 3 label_max 3
}

func TestRegistrableDomain(t *testing.T) {
	for in, want := range map[string]string{
		"a.b.example.co.uk": "example.co.uk",
		"www.google.com.":   "google.com",
		"example.com":       "example.com",
		"com":               "com",
		"localhost":         "localhost",
		"x.y.dyndns.org":    "y.dyndns.org",
		"co.uk":             "co.uk",
	} {
		if got := RegistrableDomain(in); got != want {
			t.Errorf("RegistrableDomain(%q) = %q, want %q", in, got, want)
		}
	}
}
