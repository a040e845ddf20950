package gbdt

import (
	"github.com/mlctl/mlctl/training/parallel"
	"github.com/mlctl/mlctl/training/rng"
	"math"
	"slices"
)

// grower grows the trees of one training run and owns the buffers reused
// from tree to tree.
type grower struct {
	bm       *binnedMatrix
	reg      regularization
	sc       fixedScale
	eta      float32
	maxDepth int
	p        Params
	threads  int
	part     *rowPartition
	pool     histPool
	allFeats []int32
	// sampled marks the rows of the current tree (only with subsample < 1).
	sampled []bool
}

func newGrower(bm *binnedMatrix, p Params, threads int) *grower {
	g := &grower{
		bm:       bm,
		reg:      newRegularization(p),
		sc:       newFixedScale(p.ScalePosWeight),
		eta:      float32(p.Eta),
		maxDepth: p.MaxDepth,
		p:        p,
		threads:  threads,
		part:     newRowPartition(bm.rows),
		pool:     histPool{slots: bm.bins.slots},
		allFeats: make([]int32, bm.cols),
	}
	for f := range g.allFeats {
		g.allFeats[f] = int32(f)
	}
	if p.Subsample < 1 {
		g.sampled = make([]bool, bm.rows)
	}
	return g
}

// buildNode is a node of the tree being grown, numbered in creation order
// (root, then children in pairs) as XGBoost numbers them.
type buildNode struct {
	lo, hi      int // segment of grower.part.rows
	depth       int
	sum         gradSum
	score       float64 // regularization.nodeGain of sum
	hist        histogram
	split       split
	isLeaf      bool
	left, right int
	value       float32 // leaf value, scaled by eta
}

// grow grows tree t from the rows' fixed-point gradients. It returns the
// tree and its nodes (for the leaves' row segments).
func (g *grower) grow(t int, gp []gradPair) (tree, []buildNode) {
	src := rng.Tree(g.p.Seed, t)
	rows := g.part.rows[:0]
	if g.sampled != nil {
		keep := uint64(math.Ldexp(g.p.Subsample, 64))
		for r := range g.bm.rows {
			s := src.Uint64() < keep
			g.sampled[r] = s
			if s {
				rows = append(rows, int32(r))
			}
		}
	} else {
		for r := range g.bm.rows {
			rows = append(rows, int32(r))
		}
	}
	g.part.rows = rows
	feats := g.allFeats
	if g.p.ColsampleByTree < 1 {
		feats = slices.Clone(g.allFeats)
		for i := len(feats) - 1; i > 0; i-- {
			j := rng.Uniform(src, i+1)
			feats[i], feats[j] = feats[j], feats[i]
		}
		feats = feats[:max(1, int(g.p.ColsampleByTree*float64(len(feats))))]
		slices.Sort(feats)
	}

	root := buildNode{lo: 0, hi: len(rows), sum: g.sumRows(rows, gp)}
	root.score = g.reg.nodeGain(g.sc.float(root.sum))
	nodes := []buildNode{root}
	var level []int
	if g.maxDepth > 0 && g.canSplit(&nodes[0]) {
		g.buildHists(nodes, []int{0}, gp, feats)
		level = []int{0}
	} else {
		nodes[0].isLeaf = true
	}
	for len(level) > 0 {
		level, nodes = g.growLevel(nodes, level, gp, feats)
	}
	for i := range nodes {
		if nodes[i].isLeaf {
			gs, hs := g.sc.float(nodes[i].sum)
			nodes[i].value = float32(g.reg.weight(gs, hs)) * g.eta
		}
	}
	return g.toTree(nodes), nodes
}

// growLevel finds and applies the splits of the nodes in level (each with a
// histogram) and returns the children to split next.
func (g *grower) growLevel(nodes []buildNode, level []int, gp []gradPair, feats []int32) ([]int, []buildNode) {
	parallel.ForEach(g.threads, len(level), func(_, i int) {
		n := &nodes[level[i]]
		s, ok := findSplit(n.hist, g.bm, feats, n.sum, n.score, g.reg, g.sc)
		n.split = s
		n.isLeaf = !ok || !s.expandable(g.reg)
	})
	var jobs []partitionJob
	var parents []int
	for _, id := range level {
		n := &nodes[id]
		if n.isLeaf {
			g.pool.put(n.hist)
			n.hist = nil
			continue
		}
		jobs = append(jobs, newPartitionJob(n.lo, n.hi, g.bm, n.split))
		parents = append(parents, id)
	}
	g.part.partition(g.bm, jobs, g.threads)

	var build, next []int
	type subtraction struct{ parent, larger, smaller int }
	var subs []subtraction
	for k, id := range parents {
		j := jobs[k]
		s := nodes[id].split
		d := nodes[id].depth + 1
		l := buildNode{lo: j.lo, hi: j.lo + j.nLeft, depth: d, sum: s.left}
		r := buildNode{lo: j.lo + j.nLeft, hi: j.hi, depth: d, sum: s.right}
		l.score = g.reg.nodeGain(g.sc.float(l.sum))
		r.score = g.reg.nodeGain(g.sc.float(r.sum))
		li := len(nodes)
		nodes = append(nodes, l, r)
		nodes[id].left, nodes[id].right = li, li+1
		needL := d < g.maxDepth && g.canSplit(&nodes[li])
		needR := d < g.maxDepth && g.canSplit(&nodes[li+1])
		nodes[li].isLeaf, nodes[li+1].isLeaf = !needL, !needR
		if !needL && !needR {
			g.pool.put(nodes[id].hist)
			nodes[id].hist = nil
			continue
		}
		smaller, larger := li, li+1
		if nodes[li+1].hi-nodes[li+1].lo < nodes[li].hi-nodes[li].lo {
			smaller, larger = li+1, li
		}
		build = append(build, smaller)
		if nodes[larger].isLeaf {
			g.pool.put(nodes[id].hist)
			nodes[id].hist = nil
		} else {
			subs = append(subs, subtraction{id, larger, smaller})
		}
		if needL {
			next = append(next, li)
		}
		if needR {
			next = append(next, li+1)
		}
	}
	g.buildHists(nodes, build, gp, feats)
	parallel.ForEach(g.threads, len(subs), func(_, i int) {
		s := subs[i]
		h := nodes[s.parent].hist
		h.subtract(nodes[s.smaller].hist)
		nodes[s.larger].hist = h
		nodes[s.parent].hist = nil
	})
	for _, id := range build {
		if nodes[id].isLeaf {
			g.pool.put(nodes[id].hist)
			nodes[id].hist = nil
		}
	}
	return next, nodes
}

// canSplit reports whether a node could have a valid split at all: two
// non-empty sides each with a hessian of at least min_child_weight.
func (g *grower) canSplit(n *buildNode) bool {
	if n.hi-n.lo < 2 || n.sum.h <= 0 {
		return false
	}
	_, h := g.sc.float(n.sum)
	return h >= 2*g.reg.minChildWeight*(1-1e-9)
}

// sumRows returns the exact sum of the rows' gradient pairs.
func (g *grower) sumRows(rows []int32, gp []gradPair) gradSum {
	parts := make([]gradSum, max(1, min(g.threads, len(rows)/8192)))
	parallel.ForEach(g.threads, len(parts), func(_, k int) {
		var s gradSum
		for _, r := range rows[k*len(rows)/len(parts) : (k+1)*len(rows)/len(parts)] {
			s.g += int64(gp[r].g)
			s.h += int64(gp[r].h)
		}
		parts[k] = s
	})
	var s gradSum
	for _, p := range parts {
		s = s.add(p)
	}
	return s
}

// histTaskRows is the smallest number of rows worth a separate histogram.
const histTaskRows = 4096

// buildHists gives each node in ids a histogram of its rows, building large
// nodes in parts on separate histograms that are then added (exactly).
func (g *grower) buildHists(nodes []buildNode, ids []int, gp []gradPair, feats []int32) {
	if len(ids) == 0 {
		return
	}
	total := 0
	for _, id := range ids {
		total += nodes[id].hi - nodes[id].lo
	}
	target := max(histTaskRows, total/(g.threads*4))
	type task struct {
		node, lo, hi int
		h            histogram
	}
	var tasks []task
	for _, id := range ids {
		n := &nodes[id]
		rows := n.hi - n.lo
		parts := min(g.threads, max(1, (rows+target-1)/target))
		n.hist = g.pool.get()
		for k := 0; k < parts; k++ {
			t := task{node: id, lo: n.lo + k*rows/parts, hi: n.lo + (k+1)*rows/parts, h: n.hist}
			if k > 0 {
				t.h = g.pool.get()
			}
			tasks = append(tasks, t)
		}
	}
	all := len(feats) == g.bm.cols
	parallel.ForEach(g.threads, len(tasks), func(_, i int) {
		t := tasks[i]
		t.h.clear()
		rows := g.part.rows[t.lo:t.hi]
		if all {
			t.h.accumulate(g.bm, rows, gp)
		} else {
			t.h.accumulateFeatures(g.bm, rows, gp, feats)
		}
	})
	// Add each node's extra parts (consecutive in tasks) into its histogram.
	type reduction struct {
		node  int
		parts []histogram
	}
	var reds []reduction
	for _, t := range tasks {
		if &t.h[0] == &nodes[t.node].hist[0] {
			continue
		}
		if k := len(reds) - 1; k >= 0 && reds[k].node == t.node {
			reds[k].parts = append(reds[k].parts, t.h)
		} else {
			reds = append(reds, reduction{t.node, []histogram{t.h}})
		}
	}
	parallel.ForEach(g.threads, len(reds), func(_, i int) {
		for _, h := range reds[i].parts {
			nodes[reds[i].node].hist.add(h)
			g.pool.put(h)
		}
	})
}

// toTree converts the grown nodes to the compact depth-first layout.
func (g *grower) toTree(nodes []buildNode) tree {
	var t tree
	addLeaf := func(n *buildNode) uint32 {
		_, h := g.sc.float(n.sum)
		t.leaves = append(t.leaves, leaf{value: n.value, cover: float32(h)})
		return uint32(len(t.leaves) - 1)
	}
	if nodes[0].isLeaf {
		addLeaf(&nodes[0])
		return t
	}
	var emit func(id int) uint32
	emit = func(id int) uint32 {
		n := &nodes[id]
		gs, hs := g.sc.float(n.sum)
		idx := uint32(len(t.nodes))
		nd := node{
			threshold: g.bm.threshold(n.split.feature, n.split.bin),
			feature:   uint32(n.split.feature),
			gain:      float32(n.split.lossChange),
			cover:     float32(hs),
			weight:    float32(g.reg.weight(gs, hs)),
		}
		if n.split.defaultLeft {
			nd.flags |= flagDefaultLeft
		}
		t.nodes = append(t.nodes, nd)
		var l, r uint32
		var flags uint8
		if nodes[n.left].isLeaf {
			l, flags = addLeaf(&nodes[n.left]), flags|flagLeftLeaf
		} else {
			l = emit(n.left)
		}
		if nodes[n.right].isLeaf {
			r, flags = addLeaf(&nodes[n.right]), flags|flagRightLeaf
		} else {
			r = emit(n.right)
		}
		t.nodes[idx].left, t.nodes[idx].right = l, r
		t.nodes[idx].flags |= flags
		return idx
	}
	emit(0)
	return t
}
