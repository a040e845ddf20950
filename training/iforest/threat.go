package iforest

import "math"

// Threat levels of the bot detector, by normalised score.
const (
	LevelCritical = "CRITICAL" // normalised score < -0.30
	LevelHigh     = "HIGH"     // < -0.15
	LevelMedium   = "MEDIUM"   // < -0.05
	LevelLow      = "LOW"      // otherwise
)

// Level cut-offs on the normalised scale (the bot detector's table).
const (
	criticalBelow = -0.30
	highBelow     = -0.15
	mediumBelow   = -0.05
)

// Normalise maps a score_samples value s to the bot detector's normalised scale
// [-1, 0]: clamp(s - Offset(), -1, 0). s - Offset() is sklearn's
// decision_function (negative for the Contamination share of the baseline
// that isolates fastest, positive for the rest), and the clamp keeps only
// its anomalous side: every row at least as normal as the offset is 0,
// and the more anomalous a row, the closer to -1. NaN stays NaN.
//
// The bot detector states the range ("Normalize scores to [-1, 0]") and the cut-offs
// that act on it (ANOMALY_THRESHOLD -0.03, levels at -0.05, -0.15, -0.30)
// but not the formula; decision_function is the scale sklearn's
// IsolationForest gives with the contamination the seed configures, and the
// only one of its scales on which those cut-offs fall among anomalous rows
// (score_samples itself sits near -0.5 for normal rows). The map is fixed
// at training, so a row's normalised score never depends on the batch it
// is scored with.
func (m *Model) Normalise(s float64) float64 {
	if s != s {
		return s
	}
	return min(0, max(-1, s-m.offset))
}

// IsAnomaly reports whether a normalised score is below the model's
// adaptive threshold (the bot detector reports the rows whose score falls below
// it).
func (m *Model) IsAnomaly(normalised float64) bool {
	return normalised < m.threshold
}

// Level returns the bot detector's threat level of a normalised score: CRITICAL
// below -0.30, HIGH below -0.15, MEDIUM below -0.05, LOW otherwise (NaN
// included).
func Level(normalised float64) string {
	switch {
	case normalised < criticalBelow:
		return LevelCritical
	case normalised < highBelow:
		return LevelHigh
	case normalised < mediumBelow:
		return LevelMedium
	}
	return LevelLow
}

// AdaptiveThreshold is the bot detector's A2 threshold: min(the percentile-th
// percentile of the normalised scores, configured), the percentile as
// numpy computes it (see Percentile). Train applies it to the baseline's
// scores; the bot detector applies it to each batch it scores, which a caller can
// do with this function. NaN scores are ignored; with none left it returns
// configured.
func AdaptiveThreshold(normalised []float64, percentile, configured float64) float64 {
	v := normalised
	for _, s := range normalised {
		if s != s {
			v = make([]float64, 0, len(normalised))
			for _, s := range normalised {
				if s == s {
					v = append(v, s)
				}
			}
			break
		}
	}
	if len(v) == 0 {
		return configured
	}
	return math.Min(Percentile(v, percentile), configured)
}
