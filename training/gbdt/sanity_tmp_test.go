package gbdt

import (
	"context"
	"testing"
	"time"
)

func TestSanityTmp(t *testing.T) {
	x, y := synthetic(20000, 12, 1)
	xt, yt := sliceRows(x, y, 0, 16000)
	xv, yv := sliceRows(x, y, 16000, 20000)
	p := DefaultParams()
	start := time.Now()
	m, err := Train(context.Background(), xt, yt, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, xv.Rows)
	if err := m.Predict(xv, out); err != nil {
		t.Fatal(err)
	}
	t.Logf("trained in %v, trees %d, depth0 %d, auc %.4f", time.Since(start), m.NumTrees(), m.trees[0].depth(), aucOf(out, yv))
}
