package gbdt

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteXGBoostJSON writes the model in XGBoost's JSON model format (the
// schema of XGBoost 1.7, doc/model.schema), which xgboost.Booster().
// load_model() reads. featureNames, when not nil, must name every feature
// (unique, without '[', ']' or '<', as XGBoost requires); a DMatrix scored
// with the model must then carry the same names. Trees are written with
// nodes in breadth-first order, children in pairs, as XGBoost numbers them;
// split conditions are the exact float32 thresholds, so XGBoost routes every
// value as this package does.
func (m *Model) WriteXGBoostJSON(w io.Writer, featureNames []string) error {
	if err := checkFeatureNames(featureNames, m.numFeatures); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	e := &jsonWriter{w: bw}
	e.raw(`{"learner":{"attributes":{},"feature_names":[`)
	for i, name := range featureNames {
		e.sep(i)
		e.str(name)
	}
	e.raw(`],"feature_types":[`)
	for i := range featureNames {
		e.sep(i)
		e.str("float")
	}
	e.raw(`],"gradient_booster":{"model":{"gbtree_model_param":{"num_parallel_tree":"1","num_trees":`)
	e.str(strconv.Itoa(len(m.trees)))
	e.raw(`,"size_leaf_vector":"0"},"tree_info":[`)
	for i := range m.trees {
		e.sep(i)
		e.raw("0")
	}
	e.raw(`],"trees":[`)
	for i, t := range m.trees {
		e.sep(i)
		m.writeXGBoostTree(e, i, t)
	}
	e.raw(`]},"name":"gbtree"},"learner_model_param":{"base_score":`)
	e.str(strconv.FormatFloat(m.baseScore, 'E', -1, 32))
	e.raw(`,"boost_from_average":"1","num_class":"0","num_feature":`)
	e.str(strconv.Itoa(m.numFeatures))
	e.raw(`,"num_target":"1"},"objective":{"name":"binary:logistic","reg_loss_param":{"scale_pos_weight":`)
	e.str(strconv.FormatFloat(m.params.ScalePosWeight, 'E', -1, 32))
	e.raw(`}}},"version":[1,7,4]}`)
	e.raw("\n")
	if e.err != nil {
		return fmt.Errorf("gbdt: write xgboost json: %w", e.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("gbdt: write xgboost json: %w", err)
	}
	return nil
}

// xgbNode is one node of a tree in XGBoost's numbering.
type xgbNode struct {
	left, right, parent int32
	feature             uint32
	cond                float32 // split condition, or leaf value
	defaultLeft         bool
	gain, cover, weight float32
}

// writeXGBoostTree writes tree t as XGBoost's RegTree JSON object.
func (m *Model) writeXGBoostTree(e *jsonWriter, id int, t tree) {
	type ref struct {
		idx    uint32
		isLeaf bool
		parent int32
	}
	var out []xgbNode
	queue := []ref{{0, len(t.nodes) == 0, 2147483647}}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		me := int32(len(out))
		if r.isLeaf {
			l := t.leaves[r.idx]
			out = append(out, xgbNode{left: -1, right: -1, parent: r.parent, cond: l.value, cover: l.cover, weight: l.value})
			continue
		}
		n := t.nodes[r.idx]
		// Children get the next two free numbers after everything queued.
		first := me + int32(len(queue)) + 1
		out = append(out, xgbNode{
			left: first, right: first + 1, parent: r.parent, feature: n.feature, cond: n.threshold,
			defaultLeft: n.flags&flagDefaultLeft != 0, gain: n.gain, cover: n.cover, weight: n.weight,
		})
		queue = append(queue,
			ref{n.left, n.flags&flagLeftLeaf != 0, me},
			ref{n.right, n.flags&flagRightLeaf != 0, me})
	}
	floats := func(name string, get func(xgbNode) float32) {
		e.raw(`"` + name + `":[`)
		for i, n := range out {
			e.sep(i)
			e.float(get(n))
		}
		e.raw(`],`)
	}
	ints := func(name string, get func(xgbNode) int64) {
		e.raw(`"` + name + `":[`)
		for i, n := range out {
			e.sep(i)
			e.raw(strconv.FormatInt(get(n), 10))
		}
		e.raw(`],`)
	}
	e.raw("{")
	floats("base_weights", func(n xgbNode) float32 { return n.weight })
	e.raw(`"categories":[],"categories_nodes":[],"categories_segments":[],"categories_sizes":[],`)
	ints("default_left", func(n xgbNode) int64 {
		if n.defaultLeft {
			return 1
		}
		return 0
	})
	e.raw(`"id":` + strconv.Itoa(id) + ",")
	ints("left_children", func(n xgbNode) int64 { return int64(n.left) })
	floats("loss_changes", func(n xgbNode) float32 { return n.gain })
	ints("parents", func(n xgbNode) int64 { return int64(n.parent) })
	ints("right_children", func(n xgbNode) int64 { return int64(n.right) })
	floats("split_conditions", func(n xgbNode) float32 { return n.cond })
	ints("split_indices", func(n xgbNode) int64 { return int64(n.feature) })
	ints("split_type", func(xgbNode) int64 { return 0 })
	floats("sum_hessian", func(n xgbNode) float32 { return n.cover })
	e.raw(`"tree_param":{"num_deleted":"0","num_feature":`)
	e.str(strconv.Itoa(m.numFeatures))
	e.raw(`,"num_nodes":`)
	e.str(strconv.Itoa(len(out)))
	e.raw(`,"size_leaf_vector":"0"}}`)
}

// checkFeatureNames applies XGBoost's rules for feature names.
func checkFeatureNames(names []string, numFeatures int) error {
	if names == nil {
		return nil
	}
	if len(names) != numFeatures {
		return fmt.Errorf("gbdt: %d feature names for %d features", len(names), numFeatures)
	}
	seen := make(map[string]int, len(names))
	for i, name := range names {
		if name == "" {
			return fmt.Errorf("gbdt: feature name %d is empty", i)
		}
		if strings.ContainsAny(name, "[]<") {
			return fmt.Errorf("gbdt: feature name %d %q contains '[', ']' or '<', which XGBoost rejects", i, name)
		}
		if j, dup := seen[name]; dup {
			return fmt.Errorf("gbdt: feature names %d and %d are both %q", j, i, name)
		}
		seen[name] = i
	}
	return nil
}

// jsonWriter writes JSON tokens, keeping the first error.
type jsonWriter struct {
	w   *bufio.Writer
	err error
	buf []byte
}

func (e *jsonWriter) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

func (e *jsonWriter) sep(i int) {
	if i > 0 {
		e.raw(",")
	}
}

func (e *jsonWriter) str(s string) {
	b, err := json.Marshal(s)
	if err != nil && e.err == nil {
		e.err = err
	}
	e.raw(string(b))
}

// float writes a float32 in exponent form ("5E+00"): XGBoost parses a number
// without '.' or exponent as an integer, and the shortest form round-trips
// the exact float32.
func (e *jsonWriter) float(v float32) {
	e.buf = strconv.AppendFloat(e.buf[:0], float64(v), 'E', -1, 32)
	e.raw(string(e.buf))
}
