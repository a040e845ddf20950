package datasets

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestHash(t *testing.T) {
	rows := []Row{{Name: "b.com", Label: 1, Family: "x"}, {Name: "a.com", Label: 0, Family: ""}, {Name: "a.com", Label: 1, Family: "y"}}
	sum := sha256.Sum256([]byte("a.com\t0\t\na.com\t1\ty\nb.com\t1\tx\n"))
	if got, want := Hash(rows), hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("Hash = %s; want %s", got, want)
	}
	if rows[0].Name != "b.com" {
		t.Error("Hash reordered its input")
	}
	big := GenerateDemo(1, 500)
	want := Hash(big)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		shuffled := slices.Clone(big)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if Hash(shuffled) != want {
			t.Fatal("Hash depends on row order")
		}
	}
	changed := slices.Clone(big)
	changed[10].Label = 1 - changed[10].Label
	if Hash(changed) == want {
		t.Error("Hash ignores labels")
	}
	changed[10].Label, changed[10].Family = big[10].Label, big[10].Family+"x"
	if Hash(changed) == want {
		t.Error("Hash ignores families")
	}
	if Hash(nil) != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Error("Hash(nil) is not the SHA-256 of nothing")
	}
}

func TestCounts(t *testing.T) {
	byLabel, byFamily := Counts([]Row{{Name: "a", Label: 1, Family: "x"}, {Name: "b", Label: 1, Family: "x"}, {Name: "c", Label: 0, Family: ""}})
	if len(byLabel) != 2 || byLabel[0] != 1 || byLabel[1] != 2 {
		t.Errorf("byLabel %v", byLabel)
	}
	if len(byFamily) != 2 || byFamily["x"] != 2 || byFamily[""] != 1 {
		t.Errorf("byFamily %v", byFamily)
	}
}
