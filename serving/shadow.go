package serving

import (
	"fmt"
	"sync"

	"github.com/mlctl/mlctl/registry"
)

// Shadow is a challenger scored beside the champion in service while the
// alias has an open shadow (registry.Shadow): every input the champion
// scores on live traffic (pipeline batches, conn.log units, HTTP requests)
// is scored by the challenger too, and the two are compared. Only the
// champion alerts and answers; the challenger's scores are only counted.
// Its totals are this scorer's registry.ShadowStats, which the Recorder
// writes.
type Shadow struct {
	// ID is the registry shadow's id.
	ID int64
	// Champion is the model in service the shadow was started beside;
	// Challenger the model scored beside it (same Kind).
	Champion, Challenger *Model

	mu    sync.Mutex
	stats registry.ShadowStats
	// dirty is set by every change not yet written.
	dirty bool
}

// newShadow returns the shadow s of champion by challenger, with no
// inputs scored yet; it is dirty, so that the scorer records it took the
// shadow even if nothing comes to score.
func newShadow(s *registry.Shadow, champion, challenger *Model) *Shadow {
	return &Shadow{ID: s.ID, Champion: champion, Challenger: challenger, dirty: true,
		stats: registry.ShadowStats{ShadowID: s.ID, ChampionHist: make([]int64, registry.ShadowBins),
			ChallengerHist: make([]int64, registry.ShadowBins)}}
}

// scoreStrings scores the names or TXT records the champion scored
// (champ[i] is its score of inputs[i]) with the challenger and counts them.
func (s *Shadow) scoreStrings(inputs []string, champ []float64) {
	if len(inputs) == 0 {
		return
	}
	chall := make([]float64, len(inputs))
	s.Challenger.Scorer.Score(inputs, chall)
	s.add(champ, chall)
}

// scoreVectors scores the vectors the champion scored (columns name their
// values; champ[i] is its score of vectors[i]) with the challenger and
// counts them.
func (s *Shadow) scoreVectors(columns []string, vectors [][]float64, champ []float64) error {
	if len(vectors) == 0 {
		return nil
	}
	chall := make([]float64, len(vectors))
	if err := s.Challenger.Scorer.ScoreVectors(columns, vectors, chall); err != nil {
		return fmt.Errorf("shadow %d: score %d vectors with challenger %s: %w", s.ID, len(vectors), s.Challenger.Ref(), err)
	}
	s.add(champ, chall)
	return nil
}

// add counts inputs scored by both: champ[i] and chall[i] are the two
// scores of input i. A batch is tallied apart and added under the lock once.
func (s *Shadow) add(champ, chall []float64) {
	var scored, disagree, champAlerts, challAlerts int64
	var champHist, challHist [registry.ShadowBins]int64
	ct, ht := s.Champion.Threshold, s.Challenger.Threshold
	for i, a := range champ {
		b := chall[i]
		ca, ha := a >= ct, b >= ht
		scored++
		if ca != ha {
			disagree++
		}
		if ca {
			champAlerts++
		}
		if ha {
			challAlerts++
		}
		champHist[ShadowBin(a)]++
		challHist[ShadowBin(b)]++
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Scored += scored
	s.stats.Disagreements += disagree
	s.stats.ChampionAlerts += champAlerts
	s.stats.ChallengerAlerts += challAlerts
	for i := range registry.ShadowBins {
		s.stats.ChampionHist[i] += champHist[i]
		s.stats.ChallengerHist[i] += challHist[i]
	}
	s.dirty = true
}

// ShadowBin is the histogram bin of a score (registry.ShadowStats): the
// ShadowBins equal bins over [0, 1], scores outside clamped into the end
// bins, NaN in bin 0.
func ShadowBin(score float64) int {
	switch {
	case !(score > 0): // 0, below, NaN
		return 0
	case score >= 1:
		return registry.ShadowBins - 1
	}
	return min(int(score*registry.ShadowBins), registry.ShadowBins-1)
}

// Stats returns the shadow's totals so far (ScorerID unset).
func (s *Shadow) Stats() registry.ShadowStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.copyStats()
}

// pending returns the totals and true if they changed since the last call
// that returned true; a write that then fails calls unwritten.
func (s *Shadow) pending() (registry.ShadowStats, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty {
		return registry.ShadowStats{}, false
	}
	s.dirty = false
	return s.copyStats(), true
}

// unwritten marks the totals as not written, for the next flush.
func (s *Shadow) unwritten() {
	s.mu.Lock()
	s.dirty = true
	s.mu.Unlock()
}

func (s *Shadow) copyStats() registry.ShadowStats {
	st := s.stats
	st.ChampionHist = append([]int64(nil), s.stats.ChampionHist...)
	st.ChallengerHist = append([]int64(nil), s.stats.ChallengerHist...)
	return st
}
