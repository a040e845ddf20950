package dgagen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/features/prefilter"
)

// Augment says what a training part gains beside its real rows. Its
// fields are the `train --param` values of the recipe (see Params).
type Augment struct {
	// DGA is how many scheme-generated DGA names to add (0: none; -1: as
	// many as the real DGA rows, at least 5,000 and at most 60,000).
	DGA int
	// Benign is how many generated benign names (enterprise, cloud,
	// service) to add (0: none; -1: a tenth of the real benign rows, at
	// least 1,000 and at most 20,000).
	Benign int
	// Registrable adds the registrable domain of every benign name that
	// has labels left of it (www.example.co.uk → example.co.uk), so a model
	// sees bare registered domains as benign too, not only the full
	// hostnames popularity lists such as Umbrella hold.
	Registrable bool
	// Prefilter leaves out of training the names the built-in prefilter
	// rejects (features/prefilter: .arpa, .local, single labels, _service
	// labels…): a model never scores them, so they only skew what it
	// learns (Umbrella's top 100k holds 8,148 reverse lookups).
	Prefilter bool
	// ExcludeSchemes leaves schemes out of the generated DGA names (the
	// leave-one-scheme-out benchmark).
	ExcludeSchemes []string
}

// DefaultAugment is the default recipe's augmentation for name models.
func DefaultAugment() Augment {
	return Augment{DGA: -1, Benign: -1, Registrable: true, Prefilter: true}
}

// Added is what Apply added, by source.
type Added struct {
	DGA, Benign, Registrable int
	// Prefiltered counts the real rows left out by the prefilter.
	Prefiltered int
}

// Apply returns train (less what the prefilter leaves out) followed by
// the rows the augmentation adds, and how many of each. Generated names that are already in train are left out, and
// so is a registrable domain that train holds with any label. Same rows,
// seed and options, same result.
func (a Augment) Apply(train []datasets.Row, seed uint64) ([]datasets.Row, Added, error) {
	var added Added
	if a.Prefilter {
		kept := make([]datasets.Row, 0, len(train))
		for _, r := range train {
			if _, out := prefilter.Default().Check(r.Name); !out {
				kept = append(kept, r)
			}
		}
		added.Prefiltered = len(train) - len(kept)
		train = kept
	}
	have := make(map[string]bool, len(train))
	var pos, neg int
	for _, r := range train {
		have[r.Name] = true
		if r.Label == 1 {
			pos++
		} else if r.Label == 0 {
			neg++
		}
	}
	out := append([]datasets.Row(nil), train...)
	if a.Registrable {
		var extra []datasets.Row
		for _, r := range train {
			if r.Label != 0 {
				continue
			}
			d := features.RegistrableDomain(r.Name)
			if d == r.Name || have[d] || !strings.Contains(d, ".") {
				continue
			}
			have[d] = true
			extra = append(extra, datasets.Row{Name: d, Label: 0, Family: r.Family})
		}
		sortRows(extra)
		out = append(out, extra...)
		added.Registrable = len(extra)
	}
	if n := autoCount(a.DGA, pos, 1, 5000, 60000); n > 0 {
		var use []string
		if len(a.ExcludeSchemes) > 0 {
			for _, s := range SchemeNames() {
				if !slices.Contains(a.ExcludeSchemes, s) {
					use = append(use, s)
				}
			}
		}
		gen, err := Generate(seed, n, Options{Schemes: use})
		if err != nil {
			return nil, Added{}, err
		}
		for _, r := range gen {
			if !have[r.Name] {
				have[r.Name] = true
				out = append(out, r)
				added.DGA++
			}
		}
	}
	if n := autoCount(a.Benign, neg, 0.1, 1000, 20000); n > 0 {
		for _, r := range GenerateBenign(seed, n) {
			if !have[r.Name] {
				have[r.Name] = true
				out = append(out, r)
				added.Benign++
			}
		}
	}
	return out, added, nil
}

// autoCount resolves a count: -1 is share×real within [lo, hi].
func autoCount(n, real int, share float64, lo, hi int) int {
	if n >= 0 {
		return n
	}
	v := int(share * float64(real))
	return max(lo, min(hi, v))
}

// Resolved is what a manifest records of a training run's augmentation:
// the names each part added, the registrable switch, the generator's
// version and the real rows the prefilter left out. The same parameters
// reproduce the run.
func (a Augment) Resolved(added Added) map[string]string {
	return map[string]string{
		"gen_dga":            strconv.Itoa(added.DGA),
		"gen_benign":         strconv.Itoa(added.Benign),
		"benign_registrable": strconv.FormatBool(a.Registrable),
		"generator_version":  strconv.Itoa(Version),
		"train_prefiltered":  strconv.Itoa(added.Prefiltered),
	}
}

// ParseAugment reads the recipe parameters over DefaultAugment (see With).
func ParseAugment(kv map[string]string) (Augment, error) { return DefaultAugment().With(kv) }

// With returns a with the recipe parameters in kv applied: gen_dga and
// gen_benign (a count, "auto" or -1 for the default size, 0 for none) and
// benign_registrable (true/false). Other keys are left alone.
func (a Augment) With(kv map[string]string) (Augment, error) {
	for _, k := range []string{"gen_dga", "gen_benign"} {
		v, ok := kv[k]
		if !ok {
			continue
		}
		n := -1
		if v != "auto" {
			var err error
			if n, err = strconv.Atoi(v); err != nil || n < -1 || n > 1000000 {
				return a, fmt.Errorf("%s=%s: want a count of names 0..1000000, or auto", k, v)
			}
		}
		if k == "gen_dga" {
			a.DGA = n
		} else {
			a.Benign = n
		}
	}
	if v, ok := kv["benign_registrable"]; ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return a, fmt.Errorf("benign_registrable=%s: want true or false", v)
		}
		a.Registrable = b
	}
	return a, nil
}
