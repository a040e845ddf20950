package datasets

import "strings"

// ParseLabel reads a label cell: "0", "benign", "legit" and "legitimate"
// (any case) are 0, anything else is 1. An empty cell is not a label.
func ParseLabel(s string) (label int, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return 0, false
	case "0", "benign", "legit", "legitimate":
		return 0, true
	default:
		return 1, true
	}
}
