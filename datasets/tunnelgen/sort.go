package tunnelgen

import (
	"slices"

	"github.com/mlctl/mlctl/datasets"
)

// sortByTime orders records by time, stably.
func sortByTime(recs []datasets.DNSRecord) {
	slices.SortStableFunc(recs, func(a, b datasets.DNSRecord) int { return a.Time.Compare(b.Time) })
}
