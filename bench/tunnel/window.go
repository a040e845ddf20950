package tunnelbench

import (
	"hash/fnv"

	"github.com/mlctl/mlctl/features/dnsdomain"
)

// Window is one domain window of the benchmark's corpus: its unit, where
// it came from, and its label (1: a tunnel tool's, 0: benign).
type Window struct {
	Unit dnsdomain.Unit
	// Source is the tool (iodine, dnscat2, …) or the benign source
	// (umbrella, dnsbl, loopback-unbound, …) it came from.
	Source string
	Label  int
	// Real marks windows of real traffic (iodine and dns2tcp through
	// unbound, the shared corpora's capture) rather than generated.
	Real bool
}

// heldOut reports whether a benign window's domain is in the held-out
// half: benign domains are split by a hash of their name, so the test
// benign windows come from domains no model saw.
func heldOut(domain string) bool {
	h := fnv.New32a()
	h.Write([]byte(domain))
	return h.Sum32()%2 == 1
}

// validation reports whether a training window is in the validation part
// the deployed threshold is chosen on (a fifth of the domains).
func validation(domain string) bool {
	h := fnv.New64a()
	h.Write([]byte(domain))
	return (h.Sum64()>>8)%5 == 0
}
