package features

import (
	"bytes"
	"math"
	"testing"
)

// FuzzDomainState: the fitted state of the domain feature set, which a
// scorer reads from an artifact's bytes, never makes Lookup panic; a state
// it accepts extracts a vector of its width for any normalised name, and
// marshals to bytes that load to a set extracting the same values and
// marshal the same again.
func FuzzDomainState(f *testing.F) {
	d, err := FitDomain(fixtureRows(1, 300), DomainOptions{Seed: 42, NgramBits: 12})
	if err != nil {
		f.Fatal(err)
	}
	state, err := d.MarshalJSON()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(state)
	f.Add([]byte(`{"set":"domain","version":1}`))
	names := []string{"google.com", "www.google.com", "earnestnessbiophysicalohax.com", "xn--bcher-kva.de", "a", "_dmarc.example.co.uk", "1.0.0.127.in-addr.arpa"}
	f.Fuzz(func(t *testing.T, state []byte) {
		set, err := Lookup("domain", state)
		if err != nil {
			return
		}
		dom := set.(*Domain)
		again, err := dom.MarshalJSON()
		if err != nil {
			t.Fatalf("an accepted state does not marshal: %v", err)
		}
		back := &Domain{}
		if err := back.UnmarshalJSON(again); err != nil {
			t.Fatalf("its marshalled state does not load: %v", err)
		}
		if third, err := back.MarshalJSON(); err != nil || !bytes.Equal(third, again) {
			t.Fatalf("marshal is not stable (%v)", err)
		}
		width := len(dom.Names())
		a, b := make([]float64, width), make([]float64, width)
		for _, name := range names {
			dom.Extract(name, a)
			back.Extract(name, b)
			for i := range a {
				if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
					t.Fatalf("%q: feature %s is %v, reloaded %v", name, dom.Names()[i], a[i], b[i])
				}
			}
		}
	})
}
