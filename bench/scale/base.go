package scale

import (
	"fmt"
	"strings"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/bench/corpora"
	"github.com/mlctl/mlctl/features"
)

// Base is the real feature vectors the generated rows are drawn from, one
// row-major float32 row per labeled input.
type Base struct {
	Columns  []string
	Values   []float32 // len(Labels) × len(Columns)
	Labels   []int
	Families []string
}

// Rows is the number of base rows.
func (b *Base) Rows() int { return len(b.Labels) }

// Validate checks the base's shape.
func (b *Base) Validate() error {
	if len(b.Columns) == 0 || len(b.Labels) == 0 {
		return fmt.Errorf("scale base: %d rows of %d columns; need at least one of each", len(b.Labels), len(b.Columns))
	}
	if len(b.Values) != len(b.Labels)*len(b.Columns) || len(b.Families) != len(b.Labels) {
		return fmt.Errorf("scale base: %d values and %d families for %d rows of %d columns", len(b.Values), len(b.Families), len(b.Labels), len(b.Columns))
	}
	for i, f := range b.Families {
		if strings.ContainsAny(f, ",\"\r\n") {
			return fmt.Errorf("scale base: row %d's family %q needs CSV quoting", i, f)
		}
	}
	return nil
}

// LoadBase computes heiDGAF's 44 features (heidgaf44, stateless) of the
// shared corpora under dir: every DGA name of dga/*.csv (label 1, its
// family) and the Umbrella top 100k (label 0, family umbrella).
func LoadBase(dir string) (*Base, error) {
	rows, err := corpora.DGA(dir)
	if err != nil {
		return nil, fmt.Errorf("scale base: %w", err)
	}
	set, err := features.Lookup("heidgaf44", nil)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(rows))
	b := &Base{Columns: set.Names(), Labels: make([]int, len(rows)), Families: make([]string, len(rows))}
	for i, r := range rows {
		names[i], b.Labels[i], b.Families[i] = r.Name, r.Label, r.Family
		if b.Families[i] == "" {
			b.Families[i] = "dga"
		}
	}
	b.Values = artifact.FeatureMatrix(set, names).Values
	return b, b.Validate()
}
