package txtbench

import (
	"fmt"
	"math/rand/v2"

	"github.com/mlctl/mlctl/datasets/txtgen"
)

// Sizes are how many records a study draws.
type Sizes struct {
	// ToolTrain and ToolTest are the generated answers of each tool in
	// training (when the tool is not held out) and in its own test.
	ToolTrain, ToolTest int
	// BenignTrain and BenignTest are the generated records of each benign
	// family in training (when its group is not held out) and in test.
	BenignTrain, BenignTest int
	// Dns2tcp is the number of real dns2tcp answers drawn, for training,
	// or for the test of the fold that holds dns2tcp out.
	Dns2tcp int
}

// Fold is one split of the leave-one-source-out protocol: one tunnel tool
// and one benign group held out of training entirely, and tested on.
type Fold struct {
	// Tool is the held-out tunnel tool: a txtgen family, or SourceDns2tcp
	// for the real tunnel.
	Tool string
	// Group is the held-out benign group under UnseenKind: its generated
	// families and the real zone records of its kind are test records
	// only; "" under UnseenRecords.
	Group       string
	Train, Test []Example
}

// Protocol is how a fold chooses its benign test records; the tunnel side
// is the same in both: one tool held out of training entirely.
type Protocol int

const (
	// UnseenKind holds out, with each tool, one benign group (fold i
	// holds out txtgen.BenignGroups()[i mod 4]): its generated families
	// and the real zone records of its kind are test records only, so
	// the test asks whether a model knows a kind of record it never saw
	// from a tunnel it never saw.
	UnseenKind Protocol = iota
	// UnseenRecords keeps every benign kind in training and tests on
	// benign records never seen: a seeded half of the real zone records
	// and fresh records of every generated family — the situation of
	// another zone's records, which are SPF, DKIM and verification
	// records too.
	UnseenRecords
)

// String names the protocol in results.
func (p Protocol) String() string {
	if p == UnseenKind {
		return "unseen tool, unseen benign kind"
	}
	return "unseen tool, unseen benign records"
}

// Folds builds one fold per generated tool and one for the real dns2tcp
// answers. Training has every other tool's generated answers, the real
// dns2tcp answers (but in their own fold), and the benign records p
// leaves to training: real zone records and generated benign families.
// Generated records are drawn once for the study (from seed), so a tool's
// test answers are the same in every recipe and never appear in any
// training set.
func Folds(c Corpus, p Protocol, seed uint64, s Sizes) ([]Fold, error) {
	if len(c.Zone) == 0 || len(c.Dns2tcp) == 0 {
		return nil, fmt.Errorf("txtbench: the corpus has %d zone records and %d dns2tcp answers", len(c.Zone), len(c.Dns2tcp))
	}
	train, test := generated(seed, s)
	dns2tcp := sample(c.Dns2tcp, s.Dns2tcp, seed)
	zoneTest := map[string]bool{} // UnseenRecords: the zone records held out
	for _, z := range sample(c.Zone, len(c.Zone)/2, seed) {
		zoneTest[z.Text] = true
	}
	groups := txtgen.BenignGroups()
	tools := append(names(txtgen.Tunnels()), SourceDns2tcp)
	folds := make([]Fold, len(tools))
	for i, tool := range tools {
		fd := Fold{Tool: tool}
		if p == UnseenKind {
			fd.Group = groups[i%len(groups)]
		}
		heldOut := func(benignGroup string) bool { return benignGroup == fd.Group }
		for _, z := range c.Zone {
			if heldOut(z.Group) || (p == UnseenRecords && zoneTest[z.Text]) {
				fd.Test = append(fd.Test, z)
			} else {
				fd.Train = append(fd.Train, z)
			}
		}
		if tool == SourceDns2tcp {
			fd.Test = append(fd.Test, dns2tcp...)
		} else {
			fd.Train = append(fd.Train, dns2tcp...)
		}
		for _, f := range txtgen.All() {
			switch {
			case f.Name == tool:
				fd.Test = append(fd.Test, test[f.Name]...)
			case f.Label == txtgen.Tunnel:
				fd.Train = append(fd.Train, train[f.Name]...)
			case heldOut(f.Group):
				fd.Test = append(fd.Test, test[f.Name]...)
			default:
				fd.Train = append(fd.Train, train[f.Name]...)
				if p == UnseenRecords {
					fd.Test = append(fd.Test, test[f.Name]...)
				}
			}
		}
		folds[i] = fd
	}
	return folds, nil
}

// generated draws every txtgen family's records once: s's training and
// test counts, split in the order Generate gives them.
func generated(seed uint64, s Sizes) (train, test map[string][]Example) {
	train, test = map[string][]Example{}, map[string][]Example{}
	for _, f := range txtgen.All() {
		nTrain, nTest := s.ToolTrain, s.ToolTest
		if f.Label == txtgen.Benign {
			nTrain, nTest = s.BenignTrain, s.BenignTest
		}
		recs := f.Generate(seed, nTrain+nTest)
		xs := make([]Example, len(recs))
		for i, r := range recs {
			xs[i] = Example{Text: r.Text, Label: r.Label, Source: r.Family, Group: r.Group}
		}
		cut := len(xs) * nTrain / (nTrain + nTest)
		train[f.Name], test[f.Name] = xs[:cut], xs[cut:]
	}
	return train, test
}

// sample returns n of xs, drawn without replacement in a seeded order.
func sample(xs []Example, n int, seed uint64) []Example {
	if n >= len(xs) {
		return xs
	}
	perm := rand.New(rand.NewPCG(seed, 0x7478742d73616d70)).Perm(len(xs))
	out := make([]Example, n)
	for i := range out {
		out[i] = xs[perm[i]]
	}
	return out
}

// names returns the families' names.
func names(fs []txtgen.Family) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}
