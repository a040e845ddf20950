package flowsbench

import "github.com/mlctl/mlctl/training/eval"

// maxListed bounds Score.Missed and Score.FalseAlarms.
const maxListed = 12

// outcome is one model's scores of held-out windows, with whether the
// deployed threshold flags each.
type outcome struct {
	scores  []float64
	labels  []int
	flagged []bool
	inputs  []string
	secs    float64
}

func newOutcome(held matrixOf, scores []float64, threshold, secs float64) outcome {
	o := outcome{scores: scores, labels: labelsOf(held.y), secs: secs}
	for i, u := range held.w.Units {
		o.flagged = append(o.flagged, scores[i] >= threshold)
		o.inputs = append(o.inputs, held.w.Capture.Name+" "+u.Input())
	}
	return o
}

// add appends p's windows and fit time.
func (o *outcome) add(p outcome) {
	o.scores = append(o.scores, p.scores...)
	o.labels = append(o.labels, p.labels...)
	o.flagged = append(o.flagged, p.flagged...)
	o.inputs = append(o.inputs, p.inputs...)
	o.secs += p.secs
}

// score computes the figures; threshold is recorded as given.
func (o outcome) score(model string, threshold float64) Score {
	s := Score{Model: model, Threshold: threshold, FitSecs: o.secs}
	for i, l := range o.labels {
		switch {
		case l == 1 && o.flagged[i]:
			s.Confusion.TP++
		case l == 1:
			s.Confusion.FN++
			if len(s.Missed) < maxListed {
				s.Missed = append(s.Missed, o.inputs[i])
			}
		case o.flagged[i]:
			s.Confusion.FP++
			if len(s.FalseAlarms) < maxListed {
				s.FalseAlarms = append(s.FalseAlarms, o.inputs[i])
			}
		default:
			s.Confusion.TN++
		}
	}
	pos, neg := s.Confusion.TP+s.Confusion.FN, s.Confusion.FP+s.Confusion.TN
	if pos > 0 {
		s.Recall = float64(s.Confusion.TP) / float64(pos)
	}
	if neg > 0 {
		fpr := float64(s.Confusion.FP) / float64(neg)
		s.FPR = &fpr
	}
	if pos > 0 && neg > 0 {
		auc := eval.ROCAUC(o.scores, o.labels)
		r, _ := eval.RecallAtFPR(o.scores, o.labels, TargetFPR)
		s.AUC, s.RecallAtFPR = &auc, &r
	}
	return s
}
