package evaluation

import (
	"fmt"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/prefilter"
)

// Prefilter leaves out, when sc scores domain names (a dga model), the
// rows whose names the default prefilter rejects (features/prefilter: the
// built-in rules, no internal suffixes or allowlist), as serving never
// scores them either. It returns the rows kept and how many were left out
// by reason (nil when none was). TXT, flow and tabular rows are kept.
func Prefilter(sc *artifact.Scorer, rows []datasets.Row) ([]datasets.Row, map[string]int) {
	if sc.TakesVectors() || sc.Kind() != "dga" {
		return rows, nil
	}
	return PrefilterNames(rows)
}

// PrefilterNames leaves out the rows of domain names the default
// prefilter rejects, as Prefilter does for a dga model.
func PrefilterNames(rows []datasets.Row) ([]datasets.Row, map[string]int) {
	p := prefilter.Default()
	var left map[string]int
	kept := rows[:0:0]
	for i, r := range rows {
		reason, ok := p.Check(r.Name)
		if !ok {
			if left != nil {
				kept = append(kept, r)
			}
			continue
		}
		if left == nil {
			left = map[string]int{}
			kept = append(make([]datasets.Row, 0, len(rows)), rows[:i]...)
		}
		left[reason.String()]++
	}
	if left == nil {
		return rows, nil
	}
	return kept, left
}

// prefilteredNote is " (N prefiltered)" when rows were left out, else "".
func prefilteredNote(left map[string]int) string {
	n := 0
	for _, c := range left {
		n += c
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (%d prefiltered)", n)
}
