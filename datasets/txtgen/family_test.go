package txtgen

import (
	"slices"
	"testing"
)

func TestGenerateIsSeededAndDistinct(t *testing.T) {
	for _, f := range All() {
		a, b := f.Generate(7, 200), f.Generate(7, 200)
		if !slices.Equal(a, b) {
			t.Errorf("%s: the same seed gave different records", f.Name)
		}
		if c := f.Generate(8, 200); slices.Equal(a, c) {
			t.Errorf("%s: seeds 7 and 8 gave the same records", f.Name)
		}
		seen := map[string]bool{}
		for _, r := range a {
			if r.Text == "" || seen[r.Text] {
				t.Errorf("%s: empty or repeated text %q", f.Name, r.Text)
			}
			seen[r.Text] = true
			if r.Family != f.Name || r.Group != f.Group || r.Label != f.Label {
				t.Errorf("%s: record %+v does not carry its family", f.Name, r)
			}
		}
		if len(a) != 200 {
			t.Errorf("%s: %d records, want 200", f.Name, len(a))
		}
	}
}

func TestFamiliesAreIndependentOfEachOther(t *testing.T) {
	alone := dkimFamily.Generate(3, 20)
	for _, f := range All() {
		f.Generate(3, 20)
	}
	if !slices.Equal(alone, dkimFamily.Generate(3, 20)) {
		t.Fatal("a family's records changed after others were generated")
	}
}

func TestFamiliesAreDocumentedAndGrouped(t *testing.T) {
	names := map[string]bool{}
	for _, f := range All() {
		if names[f.Name] || f.Source == "" || f.next == nil {
			t.Errorf("family %q repeated, without a source or without a generator", f.Name)
		}
		names[f.Name] = true
	}
	for _, f := range Tunnels() {
		if f.Label != Tunnel || f.Group != f.Name {
			t.Errorf("tunnel family %s: label %d group %q, want %d and its own name", f.Name, f.Label, f.Group, Tunnel)
		}
	}
	for _, f := range BenignFamilies() {
		if f.Label != Benign || !slices.Contains(BenignGroups(), f.Group) {
			t.Errorf("benign family %s: label %d group %q", f.Name, f.Label, f.Group)
		}
	}
}

func TestDNSExfiltratorRunsOutOfChunkNumbers(t *testing.T) {
	// "OK" and 5,000 chunk numbers: it cannot give 10,000 distinct answers.
	if n := len(dnsExfiltratorFamily.Generate(1, 10000)); n < 4000 || n > 5001 {
		t.Fatalf("%d answers", n)
	}
}
