package gbdt

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/training/modeljson"
)

// Native model format, version 1: one JSON object
//
//	{"format":"mlctl-gbdt","format_version":1,"objective":"binary:logistic",
//	 "num_features":F,"base_score":P,"params":{...XGBoost names...},
//	 "trees":[{"split_feature":[...],"threshold":[...],"default_left":[0|1...],
//	           "left":[...],"right":[...],"gain":[...],"cover":[...],"weight":[...],
//	           "leaf_value":[...],"leaf_cover":[...]}, ...]}
//
// Per tree, split nodes are listed depth-first (node 0 is the root) and leaves
// apart. A child reference c >= 0 is a split node (a left child must be the
// next node), c < 0 is leaf -c-1. A tree that is a single leaf has no nodes
// and one leaf. A row goes left when value < threshold; a missing value goes
// left when default_left is 1. Leaf values are already scaled by eta; the
// probability is sigmoid(logit(base_score) + sum of leaves), in float32.
const (
	formatName    = "mlctl-gbdt"
	formatVersion = 1
	objectiveName = "binary:logistic"
	// maxLoadDepth bounds the depth of a loaded tree.
	maxLoadDepth = 64
)

type modelJSON struct {
	modeljson.Header
	Objective   string     `json:"objective"`
	NumFeatures int        `json:"num_features"`
	BaseScore   float64    `json:"base_score"`
	Params      paramsJSON `json:"params"`
	Trees       []treeJSON `json:"trees"`
}

type paramsJSON struct {
	NumRound        int     `json:"num_round"`
	MaxDepth        int     `json:"max_depth"`
	Eta             float64 `json:"eta"`
	Lambda          float64 `json:"lambda"`
	Alpha           float64 `json:"alpha"`
	Gamma           float64 `json:"gamma"`
	MinChildWeight  float64 `json:"min_child_weight"`
	Subsample       float64 `json:"subsample"`
	ColsampleByTree float64 `json:"colsample_bytree"`
	ScalePosWeight  float64 `json:"scale_pos_weight"`
	BaseScore       float64 `json:"base_score"`
	MaxBin          int     `json:"max_bin"`
	Seed            uint64  `json:"seed"`
}

type treeJSON struct {
	SplitFeature []uint32  `json:"split_feature"`
	Threshold    []float32 `json:"threshold"`
	DefaultLeft  []int     `json:"default_left"`
	Left         []int64   `json:"left"`
	Right        []int64   `json:"right"`
	Gain         []float32 `json:"gain"`
	Cover        []float32 `json:"cover"`
	Weight       []float32 `json:"weight"`
	LeafValue    []float32 `json:"leaf_value"`
	LeafCover    []float32 `json:"leaf_cover"`
}

// MarshalJSON encodes the model in the native format. The bytes depend only
// on the model, so equal models have equal SHA-256 sums.
func (m *Model) MarshalJSON() ([]byte, error) {
	p := m.params
	out := modelJSON{
		Header:      modeljson.Header{Format: formatName, FormatVersion: formatVersion},
		Objective:   objectiveName,
		NumFeatures: m.numFeatures,
		BaseScore:   m.baseScore,
		Params: paramsJSON{
			NumRound: p.Rounds, MaxDepth: p.MaxDepth, Eta: p.Eta, Lambda: p.Lambda,
			Alpha: p.Alpha, Gamma: p.Gamma, MinChildWeight: p.MinChildWeight,
			Subsample: p.Subsample, ColsampleByTree: p.ColsampleByTree,
			ScalePosWeight: p.ScalePosWeight, BaseScore: p.BaseScore, MaxBin: p.MaxBin, Seed: p.Seed,
		},
		Trees: make([]treeJSON, len(m.trees)),
	}
	for i, t := range m.trees {
		tj := treeJSON{
			SplitFeature: make([]uint32, len(t.nodes)),
			Threshold:    make([]float32, len(t.nodes)),
			DefaultLeft:  make([]int, len(t.nodes)),
			Left:         make([]int64, len(t.nodes)),
			Right:        make([]int64, len(t.nodes)),
			Gain:         make([]float32, len(t.nodes)),
			Cover:        make([]float32, len(t.nodes)),
			Weight:       make([]float32, len(t.nodes)),
			LeafValue:    make([]float32, len(t.leaves)),
			LeafCover:    make([]float32, len(t.leaves)),
		}
		for j, n := range t.nodes {
			tj.SplitFeature[j] = n.feature
			tj.Threshold[j] = n.threshold
			if n.flags&flagDefaultLeft != 0 {
				tj.DefaultLeft[j] = 1
			}
			tj.Left[j] = childRef(n.left, n.flags&flagLeftLeaf != 0)
			tj.Right[j] = childRef(n.right, n.flags&flagRightLeaf != 0)
			tj.Gain[j], tj.Cover[j], tj.Weight[j] = n.gain, n.cover, n.weight
		}
		for j, l := range t.leaves {
			tj.LeafValue[j], tj.LeafCover[j] = l.value, l.cover
		}
		out.Trees[i] = tj
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("gbdt: encode model: %w", err)
	}
	return b, nil
}

func childRef(i uint32, isLeaf bool) int64 {
	if isLeaf {
		return -int64(i) - 1
	}
	return int64(i)
}

// UnmarshalJSON decodes and validates a model in the native format. Unknown
// fields, a wrong format or version, and any inconsistency (array lengths,
// child references that do not form a depth-first tree, features out of
// range, non-finite numbers, invalid parameters) are errors that say where.
func (m *Model) UnmarshalJSON(data []byte) error {
	var in modelJSON
	if err := modeljson.Decode("gbdt", data, &in, &in.Header, formatName, formatVersion); err != nil {
		return err
	}
	if in.Objective != objectiveName {
		return fmt.Errorf("gbdt: model json: objective %q, want %q", in.Objective, objectiveName)
	}
	if in.NumFeatures < 1 || in.NumFeatures > maxFeatures {
		return fmt.Errorf("gbdt: model json: num_features %d, want 1..%d", in.NumFeatures, maxFeatures)
	}
	pj := in.Params
	p := Params{
		Rounds: pj.NumRound, MaxDepth: pj.MaxDepth, Eta: pj.Eta, Lambda: pj.Lambda, Alpha: pj.Alpha,
		Gamma: pj.Gamma, MinChildWeight: pj.MinChildWeight, Subsample: pj.Subsample,
		ColsampleByTree: pj.ColsampleByTree, ScalePosWeight: pj.ScalePosWeight,
		BaseScore: pj.BaseScore, MaxBin: pj.MaxBin, Seed: pj.Seed,
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("gbdt: model json: params: %w", err)
	}
	if in.BaseScore != p.BaseScore {
		return fmt.Errorf("gbdt: model json: base_score %v differs from params.base_score %v", in.BaseScore, p.BaseScore)
	}
	if len(in.Trees) > p.Rounds {
		return fmt.Errorf("gbdt: model json: %d trees, more than params.num_round %d", len(in.Trees), p.Rounds)
	}
	out := newModel(in.NumFeatures, p)
	for i, tj := range in.Trees {
		t, err := tj.tree(in.NumFeatures)
		if err != nil {
			return fmt.Errorf("gbdt: model json: tree %d: %w", i, err)
		}
		out.appendTree(t)
	}
	*m = *out
	return nil
}

// tree validates one encoded tree and converts it.
func (tj *treeJSON) tree(numFeatures int) (tree, error) {
	n := len(tj.SplitFeature)
	for _, a := range []struct {
		name string
		n    int
	}{
		{"threshold", len(tj.Threshold)}, {"default_left", len(tj.DefaultLeft)}, {"left", len(tj.Left)},
		{"right", len(tj.Right)}, {"gain", len(tj.Gain)}, {"cover", len(tj.Cover)}, {"weight", len(tj.Weight)},
	} {
		if a.n != n {
			return tree{}, fmt.Errorf("%s has %d entries, split_feature has %d", a.name, a.n, n)
		}
	}
	if len(tj.LeafCover) != len(tj.LeafValue) {
		return tree{}, fmt.Errorf("leaf_cover has %d entries, leaf_value has %d", len(tj.LeafCover), len(tj.LeafValue))
	}
	if len(tj.LeafValue) != n+1 {
		return tree{}, fmt.Errorf("%d leaves for %d split nodes, want %d", len(tj.LeafValue), n, n+1)
	}
	t := tree{nodes: make([]node, n), leaves: make([]leaf, n+1)}
	nodeSeen := make([]bool, n)
	leafSeen := make([]bool, n+1)
	depth := make([]int, n) // children come after their parent, so depth is known in order
	for j := 0; j < n; j++ {
		f := tj.SplitFeature[j]
		if int64(f) >= int64(numFeatures) {
			return tree{}, fmt.Errorf("node %d: split_feature %d out of range (%d features)", j, f, numFeatures)
		}
		for _, a := range []struct {
			name string
			v    float32
		}{{"threshold", tj.Threshold[j]}, {"gain", tj.Gain[j]}, {"cover", tj.Cover[j]}, {"weight", tj.Weight[j]}} {
			if !finite32(a.v) {
				return tree{}, fmt.Errorf("node %d: %s %v is not finite", j, a.name, a.v)
			}
		}
		nd := node{threshold: tj.Threshold[j], feature: f, gain: tj.Gain[j], cover: tj.Cover[j], weight: tj.Weight[j]}
		switch tj.DefaultLeft[j] {
		case 0:
		case 1:
			nd.flags |= flagDefaultLeft
		default:
			return tree{}, fmt.Errorf("node %d: default_left %d, want 0 or 1", j, tj.DefaultLeft[j])
		}
		for side, ref := range [2]int64{tj.Left[j], tj.Right[j]} {
			name := [2]string{"left", "right"}[side]
			var idx uint32
			isLeaf := ref < 0
			if isLeaf {
				li := -ref - 1
				if li >= int64(n+1) {
					return tree{}, fmt.Errorf("node %d: %s child is leaf %d, out of range (%d leaves)", j, name, li, n+1)
				}
				if leafSeen[li] {
					return tree{}, fmt.Errorf("node %d: %s child leaf %d is already a child of another node", j, name, li)
				}
				leafSeen[li], idx = true, uint32(li)
			} else {
				if side == 0 && ref != int64(j)+1 {
					return tree{}, fmt.Errorf("node %d: left child %d, want the next node %d (depth-first layout)", j, ref, j+1)
				}
				if ref <= int64(j) || ref >= int64(n) {
					return tree{}, fmt.Errorf("node %d: %s child %d out of range (%d..%d)", j, name, ref, j+1, n-1)
				}
				if nodeSeen[ref] {
					return tree{}, fmt.Errorf("node %d: %s child %d is already a child of another node", j, name, ref)
				}
				nodeSeen[ref], idx = true, uint32(ref)
				if depth[ref] = depth[j] + 1; depth[ref] >= maxLoadDepth {
					return tree{}, fmt.Errorf("node %d: depth above %d", ref, maxLoadDepth)
				}
			}
			if side == 0 {
				nd.left = idx
				if isLeaf {
					nd.flags |= flagLeftLeaf
				}
			} else {
				nd.right = idx
				if isLeaf {
					nd.flags |= flagRightLeaf
				}
			}
		}
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
		if !finite32(tj.LeafValue[j]) || !finite32(tj.LeafCover[j]) {
			return tree{}, fmt.Errorf("leaf %d: value %v or cover %v is not finite", j, tj.LeafValue[j], tj.LeafCover[j])
		}
		t.leaves[j] = leaf{value: tj.LeafValue[j], cover: tj.LeafCover[j]}
	}
	return t, nil
}

func finite32(v float32) bool {
	return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
}
