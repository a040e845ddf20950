package artifact

import (
	"fmt"

	"github.com/mlctl/mlctl/training"
)

// classifier returns the artifact's vector model behind the scorer's
// interface: the model itself, or an anomaly model's classifier.
func (a *Artifact) classifier() (training.Classifier, error) {
	switch m := a.Model.(type) {
	case training.Anomaly:
		return m.Classifier(), nil
	case training.Classifier:
		return m, nil
	}
	return nil, fmt.Errorf("artifact: a %s model does not score vectors", a.Algo)
}

// AdaptiveThreshold is an anomaly model's own threshold on the scorer's
// scale, for when no labeled rows choose one; ok is false for other models.
func (a *Artifact) AdaptiveThreshold() (threshold float64, ok bool) {
	if m, ok := a.Model.(training.Anomaly); ok {
		return m.AdaptiveThreshold(), true
	}
	return 0, false
}
