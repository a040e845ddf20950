package forest

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/training/modeljson"
)

// Native model format, version 1: one JSON object
//
//	{"format":"mlctl-forest","format_version":1,"num_features":F,
//	 "params":{"n_estimators":T,"max_features":"sqrt","max_depth":0,"min_samples_leaf":1,
//	           "min_samples_split":2,"bootstrap":true,"class_weight":"none","max_bin":256,"seed":S},
//	 "trees":[{"split_feature":[...],"threshold":[...],"default_left":[0|1...],
//	           "left":[...],"right":[...],"value":[...],"weight":[...],
//	           "leaf_value":[...],"leaf_weight":[...]}, ...]}
//
// There are exactly n_estimators trees. Per tree, split nodes are listed
// depth-first (node 0 is the root) and leaves apart. A child reference c >= 0
// is a split node (a left child that is a split node must be the next node),
// c < 0 is leaf -c-1. A tree that is a single leaf has no nodes and one leaf.
// A row goes left when value < threshold; a missing value goes left when
// default_left is 1. value is a node's class-weighted share of positive
// bootstrap samples (in [0, 1]; a leaf's is its vote), weight its
// class-weighted bootstrap sample count. The probability of class 1 is the
// mean over trees of the row's leaf_value.
const (
	formatName    = "mlctl-forest"
	formatVersion = 1
)

type modelJSON struct {
	modeljson.Header
	NumFeatures int        `json:"num_features"`
	Params      paramsJSON `json:"params"`
	Trees       []treeJSON `json:"trees"`
}

type paramsJSON struct {
	NEstimators     int    `json:"n_estimators"`
	MaxFeatures     string `json:"max_features"`
	MaxDepth        int    `json:"max_depth"`
	MinSamplesLeaf  int    `json:"min_samples_leaf"`
	MinSamplesSplit int    `json:"min_samples_split"`
	Bootstrap       bool   `json:"bootstrap"`
	ClassWeight     string `json:"class_weight"`
	MaxBin          int    `json:"max_bin"`
	Seed            uint64 `json:"seed"`
}

type treeJSON struct {
	SplitFeature []uint32  `json:"split_feature"`
	Threshold    []float32 `json:"threshold"`
	DefaultLeft  []int     `json:"default_left"`
	Left         []int32   `json:"left"`
	Right        []int32   `json:"right"`
	Value        []float32 `json:"value"`
	Weight       []float32 `json:"weight"`
	LeafValue    []float32 `json:"leaf_value"`
	LeafWeight   []float32 `json:"leaf_weight"`
}

// MarshalJSON encodes the model in the native format. The bytes depend only
// on the model, so equal models have equal SHA-256 sums.
func (m *Model) MarshalJSON() ([]byte, error) {
	p := m.params
	out := modelJSON{
		Header:      modeljson.Header{Format: formatName, FormatVersion: formatVersion},
		NumFeatures: m.numFeatures,
		Params: paramsJSON{
			NEstimators: p.Trees, MaxFeatures: p.MaxFeatures, MaxDepth: p.MaxDepth,
			MinSamplesLeaf: p.MinSamplesLeaf, MinSamplesSplit: p.MinSamplesSplit, Bootstrap: p.Bootstrap,
			ClassWeight: p.ClassWeight, MaxBin: p.MaxBin, Seed: p.Seed,
		},
		Trees: make([]treeJSON, len(m.trees)),
	}
	for i := range m.trees {
		t := &m.trees[i]
		tj := treeJSON{
			SplitFeature: make([]uint32, len(t.nodes)),
			Threshold:    make([]float32, len(t.nodes)),
			DefaultLeft:  make([]int, len(t.nodes)),
			Left:         make([]int32, len(t.nodes)),
			Right:        make([]int32, len(t.nodes)),
			Value:        orEmpty(t.nodeValue),
			Weight:       orEmpty(t.nodeWeight),
			LeafValue:    orEmpty(t.leafValue),
			LeafWeight:   orEmpty(t.leafWeight),
		}
		for j, n := range t.nodes {
			tj.SplitFeature[j] = n.featureIndex()
			tj.Threshold[j] = n.threshold
			if n.defaultLeft() {
				tj.DefaultLeft[j] = 1
			}
			tj.Left[j], tj.Right[j] = n.left, n.right
		}
		out.Trees[i] = tj
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("forest: encode model: %w", err)
	}
	return b, nil
}

// UnmarshalJSON decodes and validates a model in the native format. Unknown
// fields, a wrong format or version, and any inconsistency (array lengths,
// child references that do not form a depth-first tree, features out of
// range, values outside [0, 1], non-finite numbers, invalid parameters, a
// tree deeper than max_depth) are errors that say where.
func (m *Model) UnmarshalJSON(data []byte) error {
	var in modelJSON
	if err := modeljson.Decode("forest", data, &in, &in.Header, formatName, formatVersion); err != nil {
		return err
	}
	if in.NumFeatures < 1 || in.NumFeatures > maxFeatureCount {
		return fmt.Errorf("forest: model json: num_features %d, want 1..%d", in.NumFeatures, maxFeatureCount)
	}
	pj := in.Params
	p := Params{
		Trees: pj.NEstimators, MaxFeatures: pj.MaxFeatures, MaxDepth: pj.MaxDepth,
		MinSamplesLeaf: pj.MinSamplesLeaf, MinSamplesSplit: pj.MinSamplesSplit, Bootstrap: pj.Bootstrap,
		ClassWeight: pj.ClassWeight, MaxBin: pj.MaxBin, Seed: pj.Seed,
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("forest: model json: params: %w", err)
	}
	mf, _ := parseMaxFeatures(p.MaxFeatures)
	if _, err := mf.perSplit(in.NumFeatures); err != nil {
		return fmt.Errorf("forest: model json: params: %w", err)
	}
	if len(in.Trees) != p.Trees {
		return fmt.Errorf("forest: model json: %d trees, params.n_estimators is %d", len(in.Trees), p.Trees)
	}
	out := &Model{numFeatures: in.NumFeatures, params: p, trees: make([]tree, len(in.Trees))}
	for i := range in.Trees {
		t, err := in.Trees[i].tree(in.NumFeatures, p.MaxDepth)
		if err != nil {
			return fmt.Errorf("forest: model json: tree %d: %w", i, err)
		}
		out.trees[i] = t
	}
	*m = *out
	return nil
}

// tree validates one encoded tree and converts it. maxDepth > 0 bounds its
// depth.
func (tj *treeJSON) tree(numFeatures, maxDepth int) (tree, error) {
	n := len(tj.SplitFeature)
	for _, a := range []struct {
		name string
		n    int
	}{
		{"threshold", len(tj.Threshold)}, {"default_left", len(tj.DefaultLeft)}, {"left", len(tj.Left)},
		{"right", len(tj.Right)}, {"value", len(tj.Value)}, {"weight", len(tj.Weight)},
	} {
		if a.n != n {
			return tree{}, fmt.Errorf("%s has %d entries, split_feature has %d", a.name, a.n, n)
		}
	}
	if len(tj.LeafWeight) != len(tj.LeafValue) {
		return tree{}, fmt.Errorf("leaf_weight has %d entries, leaf_value has %d", len(tj.LeafWeight), len(tj.LeafValue))
	}
	if len(tj.LeafValue) != n+1 {
		return tree{}, fmt.Errorf("%d leaves for %d split nodes, want %d", len(tj.LeafValue), n, n+1)
	}
	t := tree{
		nodes:     make([]node, n),
		nodeValue: tj.Value, nodeWeight: tj.Weight,
		leafValue: tj.LeafValue, leafWeight: tj.LeafWeight,
	}
	nodeSeen := make([]bool, n)
	leafSeen := make([]bool, n+1)
	depth := make([]int, n) // children come after their parent, so depth is known in order
	for j := 0; j < n; j++ {
		f := tj.SplitFeature[j]
		if int64(f) >= int64(numFeatures) {
			return tree{}, fmt.Errorf("node %d: split_feature %d out of range (%d features)", j, f, numFeatures)
		}
		if !finite32(tj.Threshold[j]) {
			return tree{}, fmt.Errorf("node %d: threshold %v is not finite", j, tj.Threshold[j])
		}
		if err := checkValueWeight(tj.Value[j], tj.Weight[j]); err != nil {
			return tree{}, fmt.Errorf("node %d: %w", j, err)
		}
		nd := node{threshold: tj.Threshold[j], feature: f}
		switch tj.DefaultLeft[j] {
		case 0:
		case 1:
			nd.feature |= defaultLeftBit
		default:
			return tree{}, fmt.Errorf("node %d: default_left %d, want 0 or 1", j, tj.DefaultLeft[j])
		}
		if maxDepth > 0 && depth[j] >= maxDepth {
			return tree{}, fmt.Errorf("node %d: a split at depth %d, params.max_depth is %d", j, depth[j], maxDepth)
		}
		for side, ref := range [2]int32{tj.Left[j], tj.Right[j]} {
			name := [2]string{"left", "right"}[side]
			if ref < 0 {
				li := int64(^ref)
				if li >= int64(n+1) {
					return tree{}, fmt.Errorf("node %d: %s child is leaf %d, out of range (%d leaves)", j, name, li, n+1)
				}
				if leafSeen[li] {
					return tree{}, fmt.Errorf("node %d: %s child leaf %d is already a child of another node", j, name, li)
				}
				leafSeen[li] = true
				continue
			}
			if side == 0 && int(ref) != j+1 {
				return tree{}, fmt.Errorf("node %d: left child %d, want the next node %d (depth-first layout)", j, ref, j+1)
			}
			if int(ref) <= j || int(ref) >= n {
				return tree{}, fmt.Errorf("node %d: %s child %d out of range (%d..%d)", j, name, ref, j+1, n-1)
			}
			if nodeSeen[ref] {
				return tree{}, fmt.Errorf("node %d: %s child %d is already a child of another node", j, name, ref)
			}
			nodeSeen[ref] = true
			depth[ref] = depth[j] + 1
		}
		nd.left, nd.right = tj.Left[j], tj.Right[j]
		t.nodes[j] = nd
	}
	for j := 1; j < n; j++ {
		if !nodeSeen[j] {
			return tree{}, fmt.Errorf("node %d is no node's child", j)
		}
	}
	for j := range tj.LeafValue {
		if !leafSeen[j] && n > 0 {
			return tree{}, fmt.Errorf("leaf %d is no node's child", j)
		}
		if err := checkValueWeight(tj.LeafValue[j], tj.LeafWeight[j]); err != nil {
			return tree{}, fmt.Errorf("leaf %d: %w", j, err)
		}
	}
	return t, nil
}

// checkValueWeight checks a node's value (a probability) and weight (a
// finite non-negative count).
func checkValueWeight(v, w float32) error {
	if !(v >= 0 && v <= 1) {
		return fmt.Errorf("value %v, want a probability in [0, 1]", v)
	}
	if !(w >= 0) || !finite32(w) {
		return fmt.Errorf("weight %v, want a finite number >= 0", w)
	}
	return nil
}

// orEmpty returns v, or an empty slice for nil (so it encodes as []).
func orEmpty(v []float32) []float32 {
	if v == nil {
		return []float32{}
	}
	return v
}

func finite32(v float32) bool {
	return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
}
