package features

import "testing"

func TestTLDBenignRatio(t *testing.T) {
	tab := newTLDTable(map[string]tldCounts{"com": {Benign: 8, Total: 10}, "biz": {Benign: 0, Total: 10}})
	// prior = 8/20; each TLD gets 20 pseudo-names at the prior.
	cases := map[string]float64{
		"com":  (8 + 20*0.4) / (10 + 20),
		"biz":  (0 + 20*0.4) / (10 + 20),
		"zzzz": 0.4,
		"":     0.4,
	}
	for tld, want := range cases {
		if got := tab.benignRatio(tld); got != want {
			t.Errorf("benignRatio(%q) = %v, want %v", tld, got, want)
		}
	}
	if got := newTLDTable(nil).benignRatio("com"); got != 0.5 {
		t.Errorf("empty table ratio = %v, want 0.5", got)
	}
}
