package gbdt

import "github.com/mlctl/mlctl/training/parallel"

// rowPartition keeps the sampled rows of the tree being grown, grouped by
// node: every node owns the contiguous segment rows[lo:hi], in ascending row
// order. Splitting a node partitions its segment stably into left | right.
type rowPartition struct {
	rows     []int32
	scratchL []int32
	scratchR []int32
	// per partition block: rows sent left, where its lefts and rights go
	blockLeft, leftStart, rightStart []int
}

func newRowPartition(n int) *rowPartition {
	return &rowPartition{
		rows:     make([]int32, 0, n),
		scratchL: make([]int32, n),
		scratchR: make([]int32, n),
	}
}

// partitionBlock is the number of rows per partition task.
const partitionBlock = 16384

// partitionJob splits one node's segment on one feature: a row goes left
// when goLeft[its code] is 1.
type partitionJob struct {
	lo, hi  int
	feature int
	goLeft  [256]uint8
	// nLeft is set by partition: the left child owns rows[lo:lo+nLeft].
	nLeft int
}

// newPartitionJob builds the routing table of a split: codes 0..bin go left,
// the missing code goes left when defaultLeft, every other code goes right.
func newPartitionJob(lo, hi int, bm *binnedMatrix, s split) partitionJob {
	j := partitionJob{lo: lo, hi: hi, feature: s.feature}
	for c := 0; c <= s.bin; c++ {
		j.goLeft[c] = 1
	}
	if s.defaultLeft {
		j.goLeft[bm.missingCode(s.feature)] = 1
	}
	return j
}

// partition applies every job (disjoint segments), in parallel over blocks
// of rows. The result is the stable partition, whatever threads is.
func (p *rowPartition) partition(bm *binnedMatrix, jobs []partitionJob, threads int) {
	type block struct{ job, lo, hi int }
	var blocks []block
	for i, j := range jobs {
		for lo := j.lo; lo < j.hi; lo += partitionBlock {
			blocks = append(blocks, block{i, lo, min(lo+partitionBlock, j.hi)})
		}
	}
	if cap(p.blockLeft) < len(blocks) {
		p.blockLeft = make([]int, len(blocks))
		p.leftStart = make([]int, len(blocks))
		p.rightStart = make([]int, len(blocks))
	}
	nLeft := p.blockLeft[:len(blocks)]
	F := bm.cols
	parallel.ForEach(threads, len(blocks), func(_, k int) {
		b := blocks[k]
		j := &jobs[b.job]
		col := bm.rowCodes[j.feature:]
		lut := &j.goLeft
		L := p.scratchL[b.lo:b.hi]
		R := p.scratchR[b.lo:b.hi]
		nl, nr := 0, 0
		for _, r := range p.rows[b.lo:b.hi] {
			l := int(lut[col[int(r)*F]])
			L[nl] = r
			R[nr] = r
			nl += l
			nr += 1 - l
		}
		nLeft[k] = nl
	})
	// Destinations: each job's lefts in block order, then its rights.
	lstart, rstart := p.leftStart[:len(blocks)], p.rightStart[:len(blocks)]
	for k := 0; k < len(blocks); {
		j := &jobs[blocks[k].job]
		total := 0
		e := k
		for ; e < len(blocks) && blocks[e].job == blocks[k].job; e++ {
			total += nLeft[e]
		}
		j.nLeft = total
		l, r := j.lo, j.lo+total
		for i := k; i < e; i++ {
			lstart[i], rstart[i] = l, r
			l += nLeft[i]
			r += blocks[i].hi - blocks[i].lo - nLeft[i]
		}
		k = e
	}
	parallel.ForEach(threads, len(blocks), func(_, k int) {
		b := blocks[k]
		nl := nLeft[k]
		l, r := lstart[k], rstart[k]
		copy(p.rows[l:l+nl], p.scratchL[b.lo:b.lo+nl])
		nr := b.hi - b.lo - nl
		copy(p.rows[r:r+nr], p.scratchR[b.lo:b.lo+nr])
	})
}
