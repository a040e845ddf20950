package drift

import (
	"reflect"
	"testing"
)

func TestReservoirKeepsCapacity(t *testing.T) {
	r, err := NewReservoir(10, 42)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		r.Add([]float64{float64(i)})
	}
	if r.Len() != 5 || r.Seen() != 5 {
		t.Fatalf("after 5 rows: len %d, seen %d", r.Len(), r.Seen())
	}
	for i, row := range r.Rows() {
		if row[0] != float64(i) {
			t.Fatalf("before the reservoir fills, row %d is %v; want the rows in order", i, row)
		}
	}
	for i := 5; i < 1000; i++ {
		r.Add([]float64{float64(i)})
	}
	if r.Len() != 10 || r.Seen() != 1000 {
		t.Fatalf("after 1000 rows: len %d, seen %d; want 10, 1000", r.Len(), r.Seen())
	}
	seen := map[float64]bool{}
	for _, row := range r.Rows() {
		if seen[row[0]] {
			t.Fatalf("row %v kept twice", row)
		}
		seen[row[0]] = true
	}
	if _, err := NewReservoir(0, 1); err == nil {
		t.Error("NewReservoir(0) succeeded")
	}
}

func TestReservoirCopiesAndIsSeeded(t *testing.T) {
	fill := func(seed uint64) [][]float64 {
		r, _ := NewReservoir(20, seed)
		buf := make([]float64, 2)
		for i := range 500 {
			buf[0], buf[1] = float64(i), float64(-i)
			r.Add(buf) // the caller reuses its buffer
		}
		return r.Rows()
	}
	a, b, c := fill(7), fill(7), fill(8)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed kept different rows")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("seeds 7 and 8 kept the same rows")
	}
	for _, row := range a {
		if row[1] != -row[0] {
			t.Fatalf("kept row %v was overwritten by a later Add", row)
		}
	}
}

// TestReservoirUniform: over many seeds every row of a stream is kept with
// probability capacity/n.
func TestReservoirUniform(t *testing.T) {
	const n, capacity, trials = 400, 40, 3000
	counts := make([]int, n)
	for seed := range uint64(trials) {
		r, _ := NewReservoir(capacity, seed)
		for i := range n {
			r.Add([]float64{float64(i)})
		}
		for _, row := range r.Rows() {
			counts[int(row[0])]++
		}
	}
	// Each count is Binomial(3000, 0.1): mean 300, sd 16.4; allow 6 sd.
	for i, c := range counts {
		if c < 300-100 || c > 300+100 {
			t.Errorf("row %d kept %d times in %d trials; want about 300", i, c, trials)
		}
	}
}

func TestSample(t *testing.T) {
	rows := make([][]float64, 100)
	for i := range rows {
		rows[i] = []float64{float64(i)}
	}
	s := Sample(rows, 10, 3)
	if len(s) != 10 {
		t.Fatalf("Sample kept %d rows; want 10", len(s))
	}
	if !reflect.DeepEqual(s, Sample(rows, 10, 3)) {
		t.Error("Sample is not deterministic for a seed")
	}
	seen := map[float64]bool{}
	for _, r := range s {
		if seen[r[0]] {
			t.Fatalf("row %v sampled twice", r)
		}
		seen[r[0]] = true
	}
	if all := Sample(rows[:5], 10, 3); !reflect.DeepEqual(all, rows[:5]) {
		t.Errorf("Sample of 5 rows with k=10 = %v; want all of them in order", all)
	}
	if none := Sample(rows, -1, 3); len(none) != 0 {
		t.Errorf("Sample with k=-1 kept %d rows", len(none))
	}
}

// TestReservoirOfferPutIsAdd: deciding first and building only the kept
// rows, one at a time or a batch of Offers before their Puts, keeps what
// Add keeps for the same stream and seed.
func TestReservoirOfferPutIsAdd(t *testing.T) {
	const n, capacity = 3000, 50
	row := func(i int) []float64 { return []float64{float64(i), float64(2 * i)} }
	add, _ := NewReservoir(capacity, 11)
	one, _ := NewReservoir(capacity, 11)
	batched, _ := NewReservoir(capacity, 11)
	built := 0
	for i := range n {
		add.Add(row(i))
		if slot, keep := one.Offer(); keep {
			one.Put(slot, row(i))
			built++
		}
	}
	type kept struct{ slot, i int }
	for lo := 0; lo < n; lo += 128 {
		var ks []kept
		for i := lo; i < min(lo+128, n); i++ {
			if slot, keep := batched.Offer(); keep {
				ks = append(ks, kept{slot, i})
			}
		}
		for _, k := range ks {
			batched.Put(k.slot, row(k.i))
		}
	}
	if !reflect.DeepEqual(one.Rows(), add.Rows()) || !reflect.DeepEqual(batched.Rows(), add.Rows()) {
		t.Fatal("Offer and Put kept other rows than Add")
	}
	if one.Seen() != n || batched.Seen() != n || one.Len() != capacity {
		t.Fatalf("seen %d and %d, len %d; want %d, %d, %d", one.Seen(), batched.Seen(), one.Len(), n, n, capacity)
	}
	// About capacity·(1 + ln(n/capacity)) rows are built, not n.
	if built < capacity || built > 400 {
		t.Fatalf("built %d rows of %d; want about 255", built, n)
	}
	r, _ := NewReservoir(2, 1)
	slot, keep := r.Offer()
	if !keep || slot != 0 || r.Len() != 1 || r.Rows()[0] != nil {
		t.Fatalf("first Offer: slot %d keep %v, rows %v; want slot 0 kept and a nil row until Put", slot, keep, r.Rows())
	}
}
