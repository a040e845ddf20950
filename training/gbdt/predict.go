package gbdt

import (
	"fmt"
	"runtime"
)

// maxHeapDepth is the deepest tree compiled to the padded heap layout
// (2^depth leaves); deeper trees are walked in the depth-first layout.
const maxHeapDepth = 12

// heapNode is a split node of a compiledTree.
type heapNode struct {
	threshold float32
	// feature holds the feature index in its low 31 bits and, in its top
	// bit, whether missing values go right.
	feature uint32
}

const (
	heapMissingRight = 1 << 31
	heapFeatureMask  = heapMissingRight - 1
)

// compiledTree is the inference layout of one tree: a complete binary tree
// of its depth in heap order (children of i at 2i+1 and 2i+2), where a leaf
// above the bottom level is repeated under pass-through nodes. Every row then
// takes exactly depth steps without branching on the tree's shape, so rows
// of a block are walked with few mispredictions.
type compiledTree struct {
	depth  int
	nodes  []heapNode // 2^depth - 1
	leaves []float32  // 2^depth
	// deep is set instead of nodes and leaves when depth > maxHeapDepth.
	deep *tree
}

// compileTree builds the inference layout of t.
func compileTree(t tree) compiledTree {
	d := t.depth()
	if d > maxHeapDepth {
		return compiledTree{depth: d, deep: &t}
	}
	ct := compiledTree{depth: d, nodes: make([]heapNode, 1<<d-1), leaves: make([]float32, 1<<d)}
	var fill func(h, level int, ref uint32, isLeaf bool)
	fill = func(h, level int, ref uint32, isLeaf bool) {
		if isLeaf {
			k := d - level
			first := (h+1)<<k - 1 - (1<<d - 1)
			for i := 0; i < 1<<k; i++ {
				ct.leaves[first+i] = t.leaves[ref].value
			}
			return
		}
		n := t.nodes[ref]
		f := n.feature
		if n.flags&flagDefaultLeft == 0 {
			f |= heapMissingRight
		}
		ct.nodes[h] = heapNode{threshold: n.threshold, feature: f}
		fill(2*h+1, level+1, n.left, n.flags&flagLeftLeaf != 0)
		fill(2*h+2, level+1, n.right, n.flags&flagRightLeaf != 0)
	}
	fill(0, 0, 0, len(t.nodes) == 0)
	return ct
}

// leafValue walks the depth-first layout (used for deep trees): a row goes
// left when value < threshold, a missing value where the node says.
func (t *tree) leafValue(row []float32) float32 {
	if len(t.nodes) == 0 {
		return t.leaves[0].value
	}
	i := uint32(0)
	for {
		n := &t.nodes[i]
		v := row[n.feature]
		left := v < n.threshold
		if v != v {
			left = n.flags&flagDefaultLeft != 0
		}
		if left {
			if n.flags&flagLeftLeaf != 0 {
				return t.leaves[n.left].value
			}
			i = n.left
		} else {
			if n.flags&flagRightLeaf != 0 {
				return t.leaves[n.right].value
			}
			i = n.right
		}
	}
}

// leafValue returns the value of the leaf row falls into.
func (ct *compiledTree) leafValue(row []float32) float32 {
	if ct.deep != nil {
		return ct.deep.leafValue(row)
	}
	nodes := ct.nodes
	i := 0
	for range ct.depth {
		n := nodes[i]
		v := row[n.feature&heapFeatureMask]
		right := 0
		if !(v < n.threshold) {
			right = 1
		}
		if v != v {
			right = int(n.feature >> 31)
		}
		i = 2*i + 1 + right
	}
	return ct.leaves[i-len(nodes)]
}

// predictBlockRows is the number of rows walked through one tree before the
// next tree (the tree stays in cache, the rows' walks overlap).
const predictBlockRows = 64

// addMargins adds every tree's leaf to margin[j] for each row j of vals (rows
// of cols values), tree by tree, in float32, as XGBoost accumulates.
func (m *Model) addMargins(vals []float32, cols int, margin []float32) {
	for t := range m.compiled {
		ct := &m.compiled[t]
		if ct.deep != nil || ct.depth == 0 {
			for j := range margin {
				margin[j] += ct.leafValue(vals[j*cols : j*cols+cols])
			}
			continue
		}
		nodes, leaves, depth := ct.nodes, ct.leaves, ct.depth
		for j := range margin {
			row := vals[j*cols : j*cols+cols]
			i := 0
			for range depth {
				n := nodes[i]
				v := row[n.feature&heapFeatureMask]
				right := 0
				if !(v < n.threshold) {
					right = 1
				}
				if v != v {
					right = int(n.feature >> 31)
				}
				i = 2*i + 1 + right
			}
			margin[j] += leaves[i-len(nodes)]
		}
	}
}

// PredictRow returns the probability of one row of NumFeatures values (NaN
// for missing). It panics if row is shorter than NumFeatures, like an
// out-of-range index: check lengths where rows come from input.
func (m *Model) PredictRow(row []float32) float64 {
	row = row[:m.numFeatures]
	margin := m.baseMargin
	for t := range m.compiled {
		margin += m.compiled[t].leafValue(row)
	}
	return float64(sigmoid32(margin))
}

// Predict writes the probability of every row of x into out[:x.Rows], using
// every core, each goroutine scoring its own batch of rows in blocks. x must
// have NumFeatures columns and out at least x.Rows elements. Predict
// allocates nothing per row.
func (m *Model) Predict(x *Matrix, out []float64) error {
	if err := x.Validate(); err != nil {
		return err
	}
	if x.Cols != m.numFeatures {
		return fmt.Errorf("gbdt: matrix has %d features, model wants %d", x.Cols, m.numFeatures)
	}
	if len(out) < x.Rows {
		return fmt.Errorf("gbdt: output has room for %d predictions, matrix has %d rows", len(out), x.Rows)
	}
	m.predict(x, runtime.GOMAXPROCS(0), func(lo int, margin []float32) {
		for j, v := range margin {
			out[lo+j] = float64(sigmoid32(v))
		}
	})
	return nil
}

// predict computes the margins of x's rows in blocks on threads goroutines
// and hands each block to emit with the index of its first row.
func (m *Model) predict(x *Matrix, threads int, emit func(lo int, margin []float32)) {
	blocks := (x.Rows + predictBlockRows - 1) / predictBlockRows
	batches := min(threads, blocks)
	forEach(batches, batches, func(_, b int) {
		var buf [predictBlockRows]float32
		for k := b * blocks / batches; k < (b+1)*blocks/batches; k++ {
			lo, hi := k*predictBlockRows, min((k+1)*predictBlockRows, x.Rows)
			margin := buf[:hi-lo]
			for j := range margin {
				margin[j] = m.baseMargin
			}
			m.addMargins(x.Values[lo*x.Cols:hi*x.Cols], x.Cols, margin)
			emit(lo, margin)
		}
	})
}
