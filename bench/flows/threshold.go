package flowsbench

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mlctl/mlctl/training/eval"
	"github.com/mlctl/mlctl/training/matrix"
)

// deployedThreshold picks the threshold a deployed model would use, from
// the training rows alone: each of blocks time blocks (block[i] is row
// i's) is scored by a model fitted on the other blocks, and on those
// out-of-fold scores the threshold is pickThreshold's. Blocks are
// contiguous in time within each capture, so a window is not scored by a
// model trained on its neighbours of a few seconds before and after.
func deployedThreshold(ctx context.Context, l learner, x *matrix.Matrix, y []float32, block []int, blocks int) (float64, error) {
	oof := make([]float64, x.Rows)
	for b := range blocks {
		var in, out []int
		for i, k := range block {
			if k == b {
				out = append(out, i)
			} else {
				in = append(in, i)
			}
		}
		if len(out) == 0 {
			continue
		}
		xin, yin := rows(x, y, in)
		xout, _ := rows(x, y, out)
		if !slices.Contains(yin, 0) || !slices.Contains(yin, 1) {
			return 0, errors.New("flowsbench: a threshold fold's training rows lack a class")
		}
		s, _, err := l.fit(ctx, xin, yin, xout)
		if err != nil {
			return 0, fmt.Errorf("threshold fold %d: %w", b, err)
		}
		for j, i := range out {
			oof[i] = s[j]
		}
	}
	return pickThreshold(oof, labelsOf(y)), nil
}

// pickThreshold is the highest threshold that reaches the best recall at a
// false-positive rate of at most TargetFPR on scores (eval.RecallAtFPR,
// as `train --param threshold_fpr` picks it).
func pickThreshold(scores []float64, labels []int) float64 {
	_, th := eval.RecallAtFPR(scores, labels, TargetFPR)
	return th
}
