package datasets

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"testing"
)

func TestVectorHashIsCanonical(t *testing.T) {
	cols := []string{"flows", "bytes_out"}
	a := []VectorRow{{Key: "10.0.0.2@t", Label: 1, Values: []float64{3, 0.5}}, {Key: "10.0.0.1@t", Label: 0, Family: "benign", Values: []float64{1, math.NaN()}}}
	b := []VectorRow{a[1], a[0]}
	if VectorHash(cols, a) != VectorHash(cols, b) {
		t.Fatal("hash depends on row order")
	}
	sum := sha256.Sum256([]byte("#columns\tflows\tbytes_out\n10.0.0.1@t\t0\tbenign\t1\tNaN\n10.0.0.2@t\t1\t\t3\t0.5\n"))
	if got, want := VectorHash(cols, a), hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("VectorHash = %s, want %s", got, want)
	}
	if VectorHash([]string{"flows", "bytes_in"}, a) == VectorHash(cols, a) {
		t.Fatal("hash ignores the column names")
	}
	byLabel, byFamily := VectorCounts(a)
	if byLabel[0] != 1 || byLabel[1] != 1 || byFamily["benign"] != 1 {
		t.Fatalf("counts %v %v", byLabel, byFamily)
	}
}
