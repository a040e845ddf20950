package dgagen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/mlctl/mlctl/datasets"
)

// Options shape a generated DGA corpus.
type Options struct {
	// Schemes restricts the schemes (by name); empty means all.
	Schemes []string
	// FamilySize is how many names each parameterisation makes (default 50).
	FamilySize int
}

// Family is the family name generated rows of a scheme's k-th
// parameterisation carry: "gen-<scheme>-<k>".
func Family(scheme string, k int) string { return fmt.Sprintf("gen-%s-%d", scheme, k) }

// SchemeOf returns the scheme of a generated family name, or "" for any
// other family.
func SchemeOf(family string) string {
	for _, s := range schemes {
		p := "gen-" + s.Name + "-"
		if len(family) > len(p) && family[:len(p)] == p {
			return s.Name
		}
	}
	return ""
}

// Generate returns n unique DGA names (label 1), spread evenly over the
// schemes, each scheme over as many parameterisations (families) as n
// allows, FamilySize names each. The same seed, n and options give the same
// rows, sorted like datasets.Merge sorts.
func Generate(seed uint64, n int, o Options) ([]datasets.Row, error) {
	if n <= 0 {
		return nil, nil
	}
	if o.FamilySize <= 0 {
		o.FamilySize = 50
	}
	use := schemes
	if len(o.Schemes) > 0 {
		use = nil
		for _, name := range o.Schemes {
			i := slices.IndexFunc(schemes, func(s Scheme) bool { return s.Name == name })
			if i < 0 {
				return nil, fmt.Errorf("dga generator: unknown scheme %q (have %v)", name, SchemeNames())
			}
			use = append(use, schemes[i])
		}
	}
	rows := make([]datasets.Row, 0, n)
	seen := make(map[string]bool, n)
	for si, s := range use {
		want := n / len(use)
		if si < n%len(use) {
			want++
		}
		r := rand.New(rand.NewPCG(seed, uint64(schemeIndex(s.Name))))
		for k, got := 0, 0; got < want; k++ {
			if k > 10*(want/o.FamilySize+1)+100 {
				break // the scheme cannot make more unique names
			}
			label := s.draw(r)
			tlds := newTLDSet(r)
			fam := Family(s.Name, k)
			for i, made := 0, 0; made < o.FamilySize && got < want && i < 4*o.FamilySize; i++ {
				l := label(r)
				if !validLabel(l) {
					continue
				}
				name := l + "." + tlds.pick(r)
				if seen[name] {
					continue
				}
				seen[name] = true
				rows = append(rows, datasets.Row{Name: name, Label: 1, Family: fam})
				made++
				got++
			}
		}
	}
	sortRows(rows)
	return rows, nil
}

func schemeIndex(name string) int {
	return slices.IndexFunc(schemes, func(s Scheme) bool { return s.Name == name })
}

// validLabel is a label DNS accepts: 1-63 of a-z, 0-9 and inner hyphens.
func validLabel(l string) bool {
	if len(l) == 0 || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func sortRows(rows []datasets.Row) {
	slices.SortFunc(rows, func(a, b datasets.Row) int { return strings.Compare(a.Name, b.Name) })
}
