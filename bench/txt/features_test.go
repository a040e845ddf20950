package txtbench

import (
	"math"
	"testing"
)

func TestShapeFeatures(t *testing.T) {
	f := ShapeFeatures("google-site-verification=0123abcdXYZ", nil)
	if len(f) != len(ShapeFeatureNames) {
		t.Fatalf("%d features, %d names", len(f), len(ShapeFeatureNames))
	}
	named := map[string]float32{}
	for i, n := range ShapeFeatureNames {
		named[n] = f[i]
	}
	want := map[string]float32{
		"bytes": 36, "words": 1, "key_length": 24, "longest_hex_run": 8, "equals": 1,
		"dash_underscore": 2, "longest_blob_run": 24, "upper_share": 3.0 / 36, "blobs": 0,
	}
	for n, v := range want {
		if math.Abs(float64(named[n]-v)) > 1e-6 {
			t.Errorf("%s = %v, want %v", n, named[n], v)
		}
	}
	if e := ShapeFeatures("aaaa", nil)[5]; e != 0 {
		t.Errorf("entropy of aaaa = %v", e)
	}
	if got := ShapeFeatures("", nil); len(got) != len(ShapeFeatureNames) {
		t.Fatalf("empty record: %v", got)
	}
}
