package iforest

import "math"

// Model is a trained isolation forest. All trees live in one flat node
// array: a split node's children are adjacent (the "≤" child, then the ">"
// child), children come after their parent, and a leaf is a node whose
// child is itself and whose threshold is +Inf, so that every row can take
// the same number of branch-free steps through a tree (a row that reached
// its leaf stays there). A Model is immutable once built and safe for
// concurrent use.
type Model struct {
	numFeatures int
	// params are the training parameters (Threads zeroed: it never
	// changes the model).
	params Params
	// samples is ψ, the rows each tree drew; norm is c(ψ).
	samples int
	norm    float64
	// maxDepth is the trees' depth limit, ceil(log2(max(ψ, 2))).
	maxDepth int
	// offset is what Normalise subtracts from score_samples; threshold is
	// the adaptive threshold on the normalised scale.
	offset, threshold float64
	// validation is the feature validation of the baseline: its Kept
	// columns are the only ones the trees split on.
	validation ValidationReport
	trees      []tree
	nodes      []node
	// expect[i] is node i's depth plus c(its size): the expected path
	// length of a row that reaches node i. For a leaf it is the path
	// length h(x) of Liu et al. (2008) of the rows that end there.
	expect []float64
	// size[i] is the number of distinct training samples that reached
	// node i.
	size []uint32
}

// tree is one isolation tree: nodes[first:end], the root first.
type tree struct {
	first, end uint32
	// depth is the depth of the tree's deepest leaf.
	depth int
}

// node is one node of the flat layout. A row whose value of feature is
// greater than threshold goes to child+1, any other (including a missing
// value) to child. A leaf has child = its own index and threshold +Inf.
type node struct {
	threshold float32
	feature   uint32
	child     uint32
}

// isLeaf reports whether node i is a leaf.
func (m *Model) isLeaf(i uint32) bool { return m.nodes[i].child == i }

// NumTrees returns the number of trees.
func (m *Model) NumTrees() int { return len(m.trees) }

// NumFeatures returns the number of features a row must have (every
// column of the training matrix, including those validation dropped: the
// trees never read those).
func (m *Model) NumFeatures() int { return m.numFeatures }

// Params returns the parameters the model was trained with (Threads is 0).
func (m *Model) Params() Params { return m.params }

// SamplesPerTree returns ψ, the number of rows each tree drew (max_samples
// resolved against the baseline, sklearn's max_samples_).
func (m *Model) SamplesPerTree() int { return m.samples }

// MaxDepth returns the trees' depth limit, ceil(log2(max(ψ, 2))).
func (m *Model) MaxDepth() int { return m.maxDepth }

// Offset returns the value Normalise subtracts from score_samples: the
// Contamination quantile of the baseline's scores (sklearn's offset_),
// -0.5 for contamination "auto".
func (m *Model) Offset() float64 { return m.offset }

// Threshold returns the adaptive threshold on the normalised scale:
// min(AnomalyPercentile-th percentile of the normalised baseline scores,
// Params().Threshold). A row is anomalous when its normalised score is
// below it (IsAnomaly).
func (m *Model) Threshold() float64 { return m.threshold }

// Validation returns the report of the feature validation run on the
// baseline before training (which columns the trees use, which were
// dropped and why).
func (m *Model) Validation() ValidationReport {
	v := m.validation
	v.Kept = append([]int(nil), v.Kept...)
	v.Dropped = append([]DroppedFeature(nil), v.Dropped...)
	return v
}

// setExpect sets expect from the nodes' depths and sizes, and the trees'
// depths. depth holds each node's depth.
func (m *Model) setExpect(depth []int) {
	m.expect = make([]float64, len(m.nodes))
	for i := range m.nodes {
		m.expect[i] = float64(depth[i]) + AveragePathLength(int(m.size[i]))
	}
	for t := range m.trees {
		tr := &m.trees[t]
		tr.depth = 0
		for i := tr.first; i < tr.end; i++ {
			tr.depth = max(tr.depth, depth[i])
		}
	}
}

// leafInf is a leaf's threshold: no value is greater.
var leafInf = float32(math.Inf(1))
