package forest

// Model is a trained random forest. Its trees are stored in a compact flat
// layout (as in dmitryikh/leaves): per tree, the split nodes depth-first (a
// split node's left child, when it is a split node too, is the next node)
// with float32 thresholds, and the leaves apart. A Model is immutable once
// built and safe for concurrent use.
type Model struct {
	numFeatures int
	// params are the training parameters (Threads zeroed: it never changes
	// the model).
	params Params
	trees  []tree
}

// defaultLeftBit marks, in node.feature, a split that sends missing values
// left.
const defaultLeftBit = 1 << 31

// node is one split node: a row goes left when its value of the feature is
// below threshold; a missing value (NaN) goes left when the feature's
// defaultLeftBit is set. A child reference c >= 0 is split node c, c < 0 is
// leaf ^c (that is, -c-1).
type node struct {
	threshold   float32
	feature     uint32
	left, right int32
}

// featureIndex returns the feature the node tests.
func (n *node) featureIndex() uint32 { return n.feature &^ defaultLeftBit }

// defaultLeft reports whether missing values go left.
func (n *node) defaultLeft() bool { return n.feature&defaultLeftBit != 0 }

// goesLeft reports whether the row goes to the node's left child.
func (n *node) goesLeft(row []float32) bool {
	v := row[n.feature&^defaultLeftBit]
	if v != v {
		return n.feature&defaultLeftBit != 0
	}
	return v < n.threshold
}

// tree is one classification tree. A tree that is a single leaf has no
// nodes. Values are the (class-weighted) share of positive bootstrap samples
// in a node, weights the node's class-weighted bootstrap sample count
// (scikit-learn's weighted_n_node_samples).
type tree struct {
	nodes                 []node
	nodeValue, nodeWeight []float32
	leafValue, leafWeight []float32
}

// NumTrees returns the number of trees.
func (m *Model) NumTrees() int { return len(m.trees) }

// NumFeatures returns the number of features a row must have.
func (m *Model) NumFeatures() int { return m.numFeatures }

// Params returns the parameters the model was trained with (Threads is 0).
func (m *Model) Params() Params { return m.params }

// NumNodes returns the total number of split nodes and leaves.
func (m *Model) NumNodes() int {
	n := 0
	for i := range m.trees {
		n += len(m.trees[i].nodes) + len(m.trees[i].leafValue)
	}
	return n
}

// MaxDepth returns the depth of the deepest tree (0 when every tree is a
// single leaf).
func (m *Model) MaxDepth() int {
	d := 0
	for i := range m.trees {
		d = max(d, m.trees[i].depth())
	}
	return d
}

// depth returns the number of split levels of t, walking its depth-first
// layout without recursion.
func (t *tree) depth() int {
	if len(t.nodes) == 0 {
		return 0
	}
	// Children come after their parent, so one pass in order suffices.
	depth := make([]int32, len(t.nodes))
	best := int32(0)
	for j := range t.nodes {
		d := depth[j] + 1
		best = max(best, d)
		for _, c := range [2]int32{t.nodes[j].left, t.nodes[j].right} {
			if c >= 0 {
				depth[c] = d
			}
		}
	}
	return int(best)
}

// leafIndex returns the leaf a row reaches.
func (t *tree) leafIndex(row []float32) int32 {
	if len(t.nodes) == 0 {
		return 0
	}
	i := int32(0)
	for {
		n := &t.nodes[i]
		c := n.right
		if n.goesLeft(row) {
			c = n.left
		}
		if c < 0 {
			return ^c
		}
		i = c
	}
}
