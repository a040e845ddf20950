package gbdt

// Model is a trained ensemble of binary:logistic regression trees. Its trees
// are stored in a compact flat layout (as in dmitryikh/leaves): per tree, the
// split nodes depth-first (a split node's left child, when it is a split
// node too, is the next node) with float32 thresholds, and the leaf values
// apart. A Model is immutable once built and safe for concurrent use.
type Model struct {
	numFeatures int
	// baseScore is the initial prediction as a probability; baseMargin is
	// its logit in float32, the value every row's sum of leaves starts from.
	baseScore  float64
	baseMargin float32
	// params are the training parameters (Threads zeroed: it never
	// changes the model).
	params Params
	trees  []tree
	// compiled is the inference layout of trees, one per tree.
	compiled []compiledTree
}

// node flags.
const (
	flagDefaultLeft uint8 = 1 << iota // missing values go left
	flagLeftLeaf                      // left indexes leaves, not nodes
	flagRightLeaf                     // right indexes leaves, not nodes
)

// node is one split node: rows with value < threshold go left, others right,
// missing values (NaN) as flagDefaultLeft says.
type node struct {
	threshold   float32
	feature     uint32
	left, right uint32
	flags       uint8
	// gain is the split's loss change, cover its hessian sum, weight the
	// node's own leaf weight before the learning rate (XGBoost's
	// loss_changes, sum_hessian, base_weights).
	gain, cover, weight float32
}

// leaf is one leaf: its value (already scaled by the learning rate) and its
// hessian sum.
type leaf struct {
	value, cover float32
}

// tree is one regression tree. A tree that is a single leaf has no nodes.
type tree struct {
	nodes  []node
	leaves []leaf
	// means are the split nodes' cover-weighted mean leaf values, set by
	// appendTree (see contributions.go).
	means []float32
}

// NumTrees returns the number of trees.
func (m *Model) NumTrees() int { return len(m.trees) }

// NumFeatures returns the number of features a row must have.
func (m *Model) NumFeatures() int { return m.numFeatures }

// BaseScore returns the initial prediction, a probability.
func (m *Model) BaseScore() float64 { return m.baseScore }

// Params returns the parameters the model was trained with (Threads is 0).
func (m *Model) Params() Params { return m.params }

// newModel returns an empty model for numFeatures features.
func newModel(numFeatures int, p Params) *Model {
	p.Threads = 0
	return &Model{
		numFeatures: numFeatures,
		baseScore:   p.BaseScore,
		baseMargin:  logit32(p.BaseScore),
		params:      p,
	}
}

// appendTree adds a tree (validated by construction) and its inference form.
func (m *Model) appendTree(t tree) {
	t.means = t.nodeMeans()
	m.trees = append(m.trees, t)
	m.compiled = append(m.compiled, compileTree(t, m.numFeatures))
}

// snapshot returns a model that shares m's trees so far; later appends to m
// do not change it.
func (m *Model) snapshot() *Model {
	c := *m
	c.trees = m.trees[:len(m.trees):len(m.trees)]
	c.compiled = m.compiled[:len(m.compiled):len(m.compiled)]
	return &c
}

// depth returns the number of split levels of t (0 for a single leaf).
func (t tree) depth() int {
	if len(t.nodes) == 0 {
		return 0
	}
	var walk func(i uint32) int
	walk = func(i uint32) int {
		n := t.nodes[i]
		l, r := 0, 0
		if n.flags&flagLeftLeaf == 0 {
			l = walk(n.left)
		}
		if n.flags&flagRightLeaf == 0 {
			r = walk(n.right)
		}
		return 1 + max(l, r)
	}
	return walk(0)
}
