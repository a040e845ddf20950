package features

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/mlctl/mlctl/datasets"
)

func TestFamilyFolds(t *testing.T) {
	var rows []datasets.Row
	add := func(fam string, n int) {
		for i := 0; i < n; i++ {
			rows = append(rows, datasets.Row{Name: fmt.Sprintf("%s%d.com", fam, i), Label: 1, Family: fam})
		}
	}
	add("f", 1)
	add("a", 5)
	add("e", 1)
	add("b", 3)
	add("d", 2)
	add("c", 2)
	rows = append(rows, datasets.Row{Name: "bening.com", Label: 0, Family: "z"}) // benign: not a DGA family
	rows = append(rows, datasets.Row{Name: "nofamily.com", Label: 1})
	// Largest first, ties by name, each to the least-loaded fold (lowest
	// index on ties): a→0 (5,0,0), b→1 (5,3,0), c→2 (5,3,2), d→2 (5,3,4),
	// e→1 (5,4,4), f→1 (5,5,4).
	got := familyFolds(rows, 3)
	want := map[string]int{"a": 0, "b": 1, "c": 2, "d": 2, "e": 1, "f": 1}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("familyFolds = %v, want %v", got, want)
	}
	if got := familyFolds(rows, 7); got != nil {
		t.Fatalf("six families over seven folds = %v, want nil (hash folds)", got)
	}
}

func TestPinnedFolds(t *testing.T) {
	p := pinnedFolds{0x10 | 3, 0x20 | 0, 0xfff0 | 15}
	for _, c := range []struct {
		h    uint64
		want int
	}{{0x10, 3}, {0x1f, 3}, {0x20, 0}, {0xfffa, 15}, {0x0, -1}, {0x30, -1}, {0x1_0000, -1}} {
		if got := p.lookup(c.h); got != c.want {
			t.Errorf("lookup(%#x) = %d, want %d", c.h, got, c.want)
		}
	}
	if pinnedFolds(nil).lookup(5) != -1 {
		t.Error("empty table finds a fold")
	}
	if !p.valid(16) || p.valid(15) || (pinnedFolds{0x20, 0x10}).valid(5) || (pinnedFolds{0x10 | 1, 0x10 | 2}).valid(5) {
		t.Error("valid misjudges a table")
	}
}

// TestPinnedIndex: the index finds every entry of tables of any size, and
// the same answer as a search of the whole table for other hashes.
func TestPinnedIndex(t *testing.T) {
	x := uint64(1)
	next := func() uint64 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return x
	}
	for _, n := range []int{0, 1, 2, 4, 5, 17, 1000, 40000} {
		var p pinnedFolds
		for range n {
			p = append(p, next()&pinKeyMask|next()%16)
		}
		p = append(p, 0|3, pinKeyMask|7) // the lowest and highest keys
		slices.Sort(p)
		p = slices.CompactFunc(p, func(a, b uint64) bool { return a&pinKeyMask == b&pinKeyMask })
		ix := newPinnedIndex(p)
		for _, v := range p {
			if got := ix.lookup(p, v&pinKeyMask|5); got != int(v&^pinKeyMask) {
				t.Fatalf("%d entries: lookup of entry %#x = %d", len(p), v, got)
			}
		}
		for range 10000 {
			h := next()
			if got, want := ix.lookup(p, h), p.lookup(h); got != want {
				t.Fatalf("%d entries: lookup(%#x) = %d, the whole table says %d", len(p), h, got, want)
			}
		}
	}
	if (pinnedIndex{}).lookup(pinnedFolds{0x10 | 3}, 0x10) != 3 {
		t.Error("the zero index does not search the table")
	}
}

func TestDomainCrossFitsByFamily(t *testing.T) {
	rows := fixtureRows(1, 2000)
	d := fitFixture(t)
	fam := familyFolds(rows, d.opts.Folds)
	if fam == nil {
		t.Fatal("fixture has too few families")
	}
	// Every training DGA name is scored by the fold its whole family was
	// left out of; benign names keep their hash fold.
	perFold := make([]int, d.opts.Folds)
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		want := foldOf(r.Name, d.opts.Folds)
		if r.Label == 1 {
			want = fam[r.Family]
		}
		if got := d.foldOfName(r.Name); got != want {
			t.Fatalf("%s (%s): fold %d, want %d", r.Name, r.Family, got, want)
		}
		perFold[want]++
	}
	for k, f := range d.folds {
		if f.trainedOnRows != len(seen)-perFold[k] {
			t.Errorf("fold %d learned from %d rows, want %d", k, f.trainedOnRows, len(seen)-perFold[k])
		}
	}
	if len(d.pinned) == 0 || !d.pinned.valid(d.opts.Folds) {
		t.Fatalf("pinned table of %d entries, valid %v", len(d.pinned), d.pinned.valid(d.opts.Folds))
	}
	// A name never trained on takes its hash fold.
	if got := d.foldOfName("never-seen-before.example"); got != foldOf("never-seen-before.example", d.opts.Folds) {
		t.Errorf("new name in fold %d", got)
	}
}

func TestDomainJSONRejectsBadPinned(t *testing.T) {
	state, err := fitFixture(t).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(state, &m); err != nil {
		t.Fatal(err)
	}
	if b, err := json.Marshal(m); err != nil {
		t.Fatal(err)
	} else if err := new(Domain).UnmarshalJSON(b); err != nil {
		t.Fatalf("state re-encoded through a map is rejected: %v", err)
	}
	for _, bad := range [][]byte{
		{1, 2, 3}, // not whole entries
		{0x21, 0, 0, 0, 0, 0, 0, 0, 0x11, 0, 0, 0, 0, 0, 0, 0}, // not sorted
		{0x1f, 0, 0, 0, 0, 0, 0, 0},                            // fold 15 of 5
	} {
		m["pinned"] = bad
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var d Domain
		if err := d.UnmarshalJSON(b); err == nil {
			t.Errorf("pinned %v accepted", bad)
		}
	}
}
