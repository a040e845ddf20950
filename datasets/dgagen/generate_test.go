package dgagen

import (
	"reflect"
	"strings"
	"testing"

	"github.com/mlctl/mlctl/datasets"
)

func TestGenerateIsSeededAndValid(t *testing.T) {
	a, err := Generate(7, 5000, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(7, 5000, Options{})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different rows")
	}
	c, _ := Generate(8, 5000, Options{})
	if reflect.DeepEqual(a, c) {
		t.Fatal("another seed gave the same rows")
	}
	if len(a) != 5000 {
		t.Fatalf("got %d rows, want 5000", len(a))
	}
	perScheme := map[string]int{}
	seen := map[string]bool{}
	for _, r := range a {
		if r.Label != 1 {
			t.Fatalf("%s: label %d", r.Name, r.Label)
		}
		if seen[r.Name] {
			t.Fatalf("%s twice", r.Name)
		}
		seen[r.Name] = true
		n, err := datasets.NormaliseDomain(r.Name)
		if err != nil || n != r.Name {
			t.Fatalf("%s is not a normalised DNS name: %q %v", r.Name, n, err)
		}
		s := SchemeOf(r.Family)
		if s == "" {
			t.Fatalf("%s: family %q names no scheme", r.Name, r.Family)
		}
		perScheme[s]++
	}
	for _, s := range SchemeNames() {
		if got, want := perScheme[s], 5000/len(schemes); got < want || got > want+1 {
			t.Errorf("scheme %s made %d names, want %d", s, got, want)
		}
	}
}

// A scheme's names do not depend on which other schemes are generated, so
// leave-one-scheme-out trains on exactly the other schemes' usual names.
func TestGenerateSchemeSubsetIsStable(t *testing.T) {
	all, _ := Generate(3, 1300, Options{})
	one, err := Generate(3, 100, Options{Schemes: []string{"wordlist-long"}})
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]bool{}
	for _, r := range all {
		in[r.Name] = true
	}
	for _, r := range one {
		if !in[r.Name] {
			t.Fatalf("%s (alone) is not among the names of all schemes", r.Name)
		}
	}
	if _, err := Generate(3, 10, Options{Schemes: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), "unknown scheme") {
		t.Fatalf("unknown scheme: err %v", err)
	}
}

func TestWordlistSchemesUseWords(t *testing.T) {
	rows, _ := Generate(1, 600, Options{Schemes: []string{"wordlist-long"}})
	long := 0
	for _, r := range rows {
		label := r.Name[:strings.IndexByte(r.Name, '.')]
		if len(label) >= 12 {
			long++
		}
	}
	if long < len(rows)*9/10 {
		t.Fatalf("only %d of %d wordlist-long labels have 12+ characters", long, len(rows))
	}
}

func TestGenerateBenign(t *testing.T) {
	a := GenerateBenign(5, 2000)
	if !reflect.DeepEqual(a, GenerateBenign(5, 2000)) {
		t.Fatal("same seed gave different rows")
	}
	kinds := map[string]int{}
	for _, r := range a {
		if r.Label != 0 {
			t.Fatalf("%s: label %d", r.Name, r.Label)
		}
		if n, err := datasets.NormaliseDomain(r.Name); err != nil || n != r.Name {
			t.Fatalf("%s is not a normalised DNS name: %q %v", r.Name, n, err)
		}
		kinds[r.Family]++
	}
	for _, k := range BenignKinds() {
		if kinds["gen-benign-"+k] < 600 {
			t.Errorf("kind %s: %d names", k, kinds["gen-benign-"+k])
		}
	}
}

func TestAugment(t *testing.T) {
	train := []datasets.Row{
		{Name: "www.example.co.uk", Label: 0, Family: "umbrella"},
		{Name: "a.b.example.co.uk", Label: 0, Family: "umbrella"},
		{Name: "mail.google.com", Label: 0, Family: "umbrella"},
		{Name: "google.com", Label: 0, Family: "opendns"},
		{Name: "xkqjzpwv.com", Label: 1, Family: "x"},
		{Name: "1.0.0.10.in-addr.arpa", Label: 0, Family: "umbrella"},
	}
	a := Augment{DGA: 100, Benign: 40, Registrable: true, Prefilter: true}
	out, added, err := a.Apply(train, 1)
	if err != nil {
		t.Fatal(err)
	}
	if added.Registrable != 1 || out[len(train)-1].Name != "example.co.uk" {
		t.Fatalf("registrable: added %d, first %q; want 1, example.co.uk (google.com is there)", added.Registrable, out[len(train)-1].Name)
	}
	if added.Prefiltered != 1 || out[len(train)-2].Name != "xkqjzpwv.com" {
		t.Fatalf("prefiltered %d, want the arpa name left out", added.Prefiltered)
	}
	if added.DGA != 100 || added.Benign != 40 || len(out) != len(train)-1+141 {
		t.Fatalf("added %+v, %d rows", added, len(out))
	}
	again, _, _ := a.Apply(train, 1)
	if !reflect.DeepEqual(out, again) {
		t.Fatal("same rows and seed gave another augmentation")
	}
	p, err := ParseAugment(map[string]string{"gen_dga": "0", "gen_benign": "auto", "benign_registrable": "false"})
	if err != nil || p.DGA != 0 || p.Benign != -1 || p.Registrable {
		t.Fatalf("ParseAugment: %+v %v", p, err)
	}
	if _, err := ParseAugment(map[string]string{"gen_dga": "lots"}); err == nil {
		t.Fatal("gen_dga=lots accepted")
	}
}
