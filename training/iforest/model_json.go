package iforest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/mlctl/mlctl/training/modeljson"
)

// Native model format, version 1: one JSON object
//
//	{"format":"mlctl-iforest","format_version":1,"num_features":F,
//	 "params":{"n_estimators":"100","max_samples":"256",...ParseParams keys, as Params.Map},
//	 "samples_per_tree":ψ,"max_depth":D,"offset":O,"threshold":T,
//	 "validation":{"features":F,"kept":[...],"dropped":[{"feature","name","reason","value"}...],"min_ratio":R},
//	 "trees":[{"feature":[...],"threshold":[...],"left":[...],"size":[...]}, ...]}
//
// Per tree, node 0 is the root; left[i] is the index of node i's first
// child (the second is left[i]+1, both after i), or -1 for a leaf, whose
// feature and threshold are 0. A row goes to the second child when its
// value is greater than the threshold, otherwise (missing values included)
// to the first. size[i] is the number of distinct training samples that
// reached node i; a row's path length in a tree is the depth of its leaf
// plus c(size of the leaf). offset and threshold are the Normalise offset
// and the adaptive threshold (see Model.Offset and Model.Threshold).
const (
	formatName    = "mlctl-iforest"
	formatVersion = 1
)

type modelJSON struct {
	modeljson.Header
	NumFeatures    int               `json:"num_features"`
	Params         map[string]string `json:"params"`
	SamplesPerTree int               `json:"samples_per_tree"`
	MaxDepth       int               `json:"max_depth"`
	Offset         float64           `json:"offset"`
	Threshold      float64           `json:"threshold"`
	Validation     ValidationReport  `json:"validation"`
	Trees          []treeJSON        `json:"trees"`
}

type treeJSON struct {
	Feature   []uint32  `json:"feature"`
	Threshold []float32 `json:"threshold"`
	Left      []int64   `json:"left"`
	Size      []uint32  `json:"size"`
}

// MarshalJSON encodes the model in the native format. The bytes depend only
// on the model, so equal models have equal SHA-256 sums.
func (m *Model) MarshalJSON() ([]byte, error) {
	out := modelJSON{
		Header: modeljson.Header{Format: formatName, FormatVersion: formatVersion}, NumFeatures: m.numFeatures,
		Params: m.params.Map(), SamplesPerTree: m.samples, MaxDepth: m.maxDepth,
		Offset: m.offset, Threshold: m.threshold, Validation: m.validation,
		Trees: make([]treeJSON, len(m.trees)),
	}
	for t, tr := range m.trees {
		n := int(tr.end - tr.first)
		tj := treeJSON{Feature: make([]uint32, n), Threshold: make([]float32, n), Left: make([]int64, n),
			Size: slices.Clone(m.size[tr.first:tr.end])}
		for j := range n {
			i := tr.first + uint32(j)
			if m.isLeaf(i) {
				tj.Left[j] = -1
				continue
			}
			nd := m.nodes[i]
			tj.Feature[j], tj.Threshold[j], tj.Left[j] = nd.feature, nd.threshold, int64(nd.child-tr.first)
		}
		out.Trees[t] = tj
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("iforest: encode model: %w", err)
	}
	return b, nil
}

// UnmarshalJSON decodes and validates a model in the native format. Unknown
// fields, a wrong format or version, and any inconsistency (missing or
// invalid parameters, array lengths, child references that do not form a
// tree, splits on features validation dropped, sizes that do not add up,
// trees deeper than max_depth, non-finite numbers) are errors that say
// where.
func (m *Model) UnmarshalJSON(data []byte) error {
	var in modelJSON
	if err := modeljson.Decode("iforest", data, &in, &in.Header, formatName, formatVersion); err != nil {
		return err
	}
	if in.NumFeatures < 1 || in.NumFeatures > maxFeatures {
		return fmt.Errorf("iforest: model json: num_features %d, want 1..%d", in.NumFeatures, maxFeatures)
	}
	p := DefaultParams()
	for k := range DefaultParams().Map() {
		if _, ok := in.Params[k]; !ok {
			return fmt.Errorf("iforest: model json: params has no %q", k)
		}
	}
	if _, ok := in.Params["n_jobs"]; ok {
		return errors.New(`iforest: model json: params has "n_jobs", which never shapes a model`)
	}
	if err := ParseParams(in.Params, &p); err != nil {
		return fmt.Errorf("iforest: model json: params: %w", err)
	}
	p.Threads = 0
	psi := in.SamplesPerTree
	if psi < 1 || psi > maxSamplesLimit || (p.MaxSamples.Count > 0 && psi > p.MaxSamples.Count) {
		return fmt.Errorf("iforest: model json: samples_per_tree %d, want 1..%v (max_samples)", psi, p.MaxSamples)
	}
	if in.MaxDepth != depthLimit(psi) {
		return fmt.Errorf("iforest: model json: max_depth %d, want %d for %d samples per tree", in.MaxDepth, depthLimit(psi), psi)
	}
	if p.Contamination == 0 && in.Offset != autoOffset {
		return fmt.Errorf("iforest: model json: offset %v, want %v for contamination \"auto\"", in.Offset, autoOffset)
	}
	if !(in.Offset >= -1 && in.Offset <= 0) {
		return fmt.Errorf("iforest: model json: offset %v, want a score in [-1, 0]", in.Offset)
	}
	if !(in.Threshold >= -1 && in.Threshold <= p.Threshold) {
		return fmt.Errorf("iforest: model json: threshold %v, want a value in [-1, params.threshold = %v]", in.Threshold, p.Threshold)
	}
	kept, err := checkValidation(in.Validation, in.NumFeatures, p.MinValidFeatureRatio)
	if err != nil {
		return fmt.Errorf("iforest: model json: validation: %w", err)
	}
	if len(in.Trees) != p.Trees {
		return fmt.Errorf("iforest: model json: %d trees, params.n_estimators is %d", len(in.Trees), p.Trees)
	}
	out := &Model{
		numFeatures: in.NumFeatures, params: p, samples: psi, norm: AveragePathLength(psi), maxDepth: in.MaxDepth,
		offset: in.Offset, threshold: in.Threshold, validation: in.Validation,
		trees: make([]tree, len(in.Trees)),
	}
	var depth []int
	for t, tj := range in.Trees {
		first := uint32(len(out.nodes))
		if depth, err = tj.append(out, depth, kept, psi, in.MaxDepth); err != nil {
			return fmt.Errorf("iforest: model json: tree %d: %w", t, err)
		}
		out.trees[t] = tree{first: first, end: uint32(len(out.nodes))}
	}
	out.setExpect(depth)
	*m = *out
	return nil
}

// checkValidation checks a decoded validation report against the model's
// shape and returns its kept features as a set.
func checkValidation(v ValidationReport, numFeatures int, minRatio float64) ([]bool, error) {
	if v.Features != numFeatures {
		return nil, fmt.Errorf("features %d, num_features is %d", v.Features, numFeatures)
	}
	if v.MinRatio != minRatio {
		return nil, fmt.Errorf("min_ratio %v, params.min_valid_feature_ratio is %v", v.MinRatio, minRatio)
	}
	if len(v.Kept) == 0 {
		return nil, errors.New("no kept features")
	}
	if len(v.Kept)+len(v.Dropped) != numFeatures {
		return nil, fmt.Errorf("%d kept and %d dropped features, want %d in all", len(v.Kept), len(v.Dropped), numFeatures)
	}
	if v.Ratio() < minRatio {
		return nil, fmt.Errorf("%d of %d features kept, below min_ratio %v", len(v.Kept), numFeatures, minRatio)
	}
	kept := make([]bool, numFeatures)
	seen := make([]bool, numFeatures)
	for i, f := range v.Kept {
		if f < 0 || f >= numFeatures || (i > 0 && f <= v.Kept[i-1]) {
			return nil, fmt.Errorf("kept[%d] = %d: want ascending features in 0..%d", i, f, numFeatures-1)
		}
		kept[f], seen[f] = true, true
	}
	for i, d := range v.Dropped {
		f := d.Feature
		if f < 0 || f >= numFeatures || (i > 0 && f <= v.Dropped[i-1].Feature) || seen[f] {
			return nil, fmt.Errorf("dropped[%d] is feature %d: want ascending features in 0..%d, none kept", i, f, numFeatures-1)
		}
		seen[f] = true
		switch {
		case d.Reason == ReasonMissing && d.Value == 0:
		case d.Reason == ReasonConstant && !math.IsNaN(float64(d.Value)) && !math.IsInf(float64(d.Value), 0):
		default:
			return nil, fmt.Errorf("dropped[%d]: reason %q with value %v, want %q (value 0) or %q (a finite value)",
				i, d.Reason, d.Value, ReasonMissing, ReasonConstant)
		}
	}
	return kept, nil
}

// append validates one encoded tree and appends its nodes and sizes to m,
// and their depths to depth.
func (tj *treeJSON) append(m *Model, depth []int, kept []bool, psi, maxDepth int) ([]int, error) {
	n := len(tj.Left)
	for _, a := range []struct {
		name string
		n    int
	}{{"feature", len(tj.Feature)}, {"threshold", len(tj.Threshold)}, {"size", len(tj.Size)}} {
		if a.n != n {
			return nil, fmt.Errorf("%s has %d entries, left has %d", a.name, a.n, n)
		}
	}
	if n < 1 || n > 2*psi-1 {
		return nil, fmt.Errorf("%d nodes, want 1..%d for %d samples per tree", n, 2*psi-1, psi)
	}
	if s := tj.Size[0]; s < 1 || int64(s) > int64(psi) {
		return nil, fmt.Errorf("root size %d, want 1..%d", s, psi)
	}
	first := uint32(len(m.nodes))
	d := make([]int, n)
	parent := make([]bool, n)
	for j := range n {
		if j > 0 && !parent[j] {
			return nil, fmt.Errorf("node %d is no node's child", j)
		}
		size, l := tj.Size[j], tj.Left[j]
		if l == -1 {
			if tj.Feature[j] != 0 || tj.Threshold[j] != 0 {
				return nil, fmt.Errorf("leaf %d: feature %d and threshold %v, want 0 and 0", j, tj.Feature[j], tj.Threshold[j])
			}
			if size < 1 {
				return nil, fmt.Errorf("leaf %d: size %d, want at least 1", j, size)
			}
			m.nodes = append(m.nodes, node{threshold: leafInf, child: first + uint32(j)})
			m.size = append(m.size, size)
			continue
		}
		if l <= int64(j) || l+1 >= int64(n) {
			return nil, fmt.Errorf("node %d: left %d, want -1 (leaf) or %d..%d", j, l, j+1, n-2)
		}
		if parent[l] || parent[l+1] {
			return nil, fmt.Errorf("node %d: child %d or %d is already another node's child", j, l, l+1)
		}
		parent[l], parent[l+1] = true, true
		if d[l] = d[j] + 1; d[l] > maxDepth {
			return nil, fmt.Errorf("node %d: depth %d, above max_depth %d", l, d[l], maxDepth)
		}
		d[l+1] = d[l]
		f, thr := tj.Feature[j], tj.Threshold[j]
		if int64(f) >= int64(len(kept)) || !kept[f] {
			return nil, fmt.Errorf("node %d: feature %d is not a kept feature", j, f)
		}
		if math.IsNaN(float64(thr)) || math.IsInf(float64(thr), 0) {
			return nil, fmt.Errorf("node %d: threshold %v is not finite", j, thr)
		}
		if ls, rs := tj.Size[l], tj.Size[l+1]; ls < 1 || rs < 1 || uint64(ls)+uint64(rs) != uint64(size) {
			return nil, fmt.Errorf("node %d: size %d, children %d and %d: want children of at least 1 adding up", j, size, ls, rs)
		}
		m.nodes = append(m.nodes, node{threshold: thr, feature: f, child: first + uint32(l)})
		m.size = append(m.size, size)
	}
	return append(depth, d...), nil
}
