package scale

import (
	"math"
	"math/rand/v2"

	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/training/parallel"
)

// BlockRows is the number of rows drawn from one random stream: row i
// belongs to block i/BlockRows, whose stream is seeded by (seed, block), so
// any prefix of the rows can be made, in parallel, without the rest.
const BlockRows = 4096

// Generator draws rows from a Base with noise: each row copies a base row
// chosen uniformly at random, with its label and family, and jitters every
// value. A column whose base values are all integers (counts, lengths)
// gets Gaussian integer noise of standard deviation max(0.5, 5% of the
// value); any other column is scaled by 1 + N(0, 0.05) and shifted by 1% of
// the column's standard deviation times N(0, 1), then rounded to 4
// significant digits. Every value stays within its column's base range.
// The same base and seed give the same rows.
type Generator struct {
	base    *Base
	seed    uint64
	integer []bool
	lo, hi  []float64
	sd      []float64
}

// NewGenerator returns the generator of base's rows with seed.
func NewGenerator(base *Base, seed uint64) (*Generator, error) {
	if err := base.Validate(); err != nil {
		return nil, err
	}
	F, n := len(base.Columns), base.Rows()
	g := &Generator{base: base, seed: seed, integer: make([]bool, F), lo: make([]float64, F), hi: make([]float64, F), sd: make([]float64, F)}
	for f := range F {
		g.integer[f], g.lo[f], g.hi[f] = true, math.Inf(1), math.Inf(-1)
		var sum, sq float64
		for r := range n {
			v := float64(base.Values[r*F+f])
			if v != math.Trunc(v) {
				g.integer[f] = false
			}
			g.lo[f], g.hi[f] = min(g.lo[f], v), max(g.hi[f], v)
			sum += v
			sq += v * v
		}
		mean := sum / float64(n)
		g.sd[f] = math.Sqrt(max(sq/float64(n)-mean*mean, 0))
	}
	return g, nil
}

// Columns are the feature columns' names.
func (g *Generator) Columns() []string { return g.base.Columns }

// block calls fn for rows lo..hi-1 of block b (lo >= b·BlockRows, hi at most
// the block's end), in order; vals is reused from row to row.
func (g *Generator) block(b, lo, hi int, fn func(i, label int, family string, vals []float64)) {
	src := rand.New(rand.NewPCG(g.seed, uint64(b)))
	F := len(g.base.Columns)
	vals := make([]float64, F)
	for i := b * BlockRows; i < hi; i++ {
		k := src.IntN(g.base.Rows())
		row := g.base.Values[k*F : k*F+F]
		for f, v32 := range row {
			v := float64(v32)
			if g.integer[f] {
				v = math.Round(v + src.NormFloat64()*max(0.5, 0.05*math.Abs(v)))
			} else {
				v = round4(v*(1+0.05*src.NormFloat64()) + 0.01*g.sd[f]*src.NormFloat64())
			}
			vals[f] = min(max(v, g.lo[f]), g.hi[f])
		}
		if i >= lo {
			fn(i, g.base.Labels[k], g.base.Families[k], vals)
		}
	}
}

// round4 rounds v to 4 significant decimal digits.
func round4(v float64) float64 {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	e := 3 - int(math.Floor(math.Log10(math.Abs(v))))
	if e >= 0 {
		p := math.Pow10(e)
		return math.Round(v*p) / p
	}
	p := math.Pow10(-e)
	return math.Round(v/p) * p
}

// Fill sets x's rows and y's labels to the generator's first x.Rows rows
// (x.Cols must be len(Columns())), as float32, on threads goroutines: the
// matrix training.Data.X holds after ingest and load.
func (g *Generator) Fill(x *matrix.Matrix, y []float32, threads int) {
	F := x.Cols
	blocks := (x.Rows + BlockRows - 1) / BlockRows
	parallel.ForEach(threads, blocks, func(_, b int) {
		g.block(b, b*BlockRows, min((b+1)*BlockRows, x.Rows), func(i, label int, _ string, vals []float64) {
			dst := x.Values[i*F : i*F+F]
			for f, v := range vals {
				dst[f] = float32(v)
			}
			y[i] = float32(label)
		})
	})
}
