// Package learners lists the learning algorithms mlctl trains: adding one
// is its own package under training/ and one line here.
package learners

import (
	"fmt"
	"strings"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/forest"
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/iforest"
	"github.com/mlctl/mlctl/training/lstm"
)

// all are the learners, in the order help text lists them.
var all = []training.Learner{gbdt.Learner{}, forest.Learner{}, iforest.Learner{}, lstm.Learner{}}

// Lookup returns the learner of an algorithm.
func Lookup(algo mlctl.Algo) (training.Learner, error) {
	for _, l := range all {
		if l.Algo() == algo {
			return l, nil
		}
	}
	return nil, mlctl.Errorf(mlctl.EINVALID, "algo %s is not available (have: %s)", algo, Names())
}

// All returns every learner.
func All() []training.Learner { return append([]training.Learner(nil), all...) }

// Names lists the algorithms, comma-separated.
func Names() string {
	s := make([]string, len(all))
	for i, l := range all {
		s[i] = string(l.Algo())
	}
	return strings.Join(s, ", ")
}

// Usage describes every algorithm for help text: "gbdt (…), rf (…) or lstm (…)".
func Usage() string {
	var b strings.Builder
	for i, l := range all {
		switch {
		case i == len(all)-1 && i > 0:
			b.WriteString(" or ")
		case i > 0:
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", l.Algo(), l.Summary())
	}
	return b.String()
}
