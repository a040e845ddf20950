package dga

import (
	"context"
	"fmt"
	"regexp"

	"github.com/mlctl/mlctl/datasets"
)

// confickerShape is the shape of Conficker A/B's names: 5–11 random
// lower-case letters under the TLDs it used.
var confickerShape = regexp.MustCompile(`^[a-z]{5,11}\.(com|net|org|info|biz|ws|cn|cc)$`)

// RemoveOpenDNSNoise drops the DGA names the OpenDNS 2014 list holds
// (about 1.5% of it: Conficker-like names that were popular when the list
// was made, in its tail). Left in, they cap recall at 1% FPR for every
// model, since the list is the test negatives of UnseenSource. A name is
// dropped when it has Conficker's shape and the recipe before the generator
// (mlctl-noaug, trained on the DGA families and Umbrella only, never on
// OpenDNS) scores it at least NoiseScore: both, so neither the shape nor a
// model alone decides. It returns the names dropped.
func RemoveOpenDNSNoise(ctx context.Context, c *Corpus, seed uint64) ([]string, error) {
	rc, err := NamedRecipe("mlctl-noaug")
	if err != nil {
		return nil, err
	}
	train := append(append([]datasets.Row(nil), c.DGA...), c.Umbrella...)
	names := make([]string, len(c.OpenDNS))
	for i, r := range c.OpenDNS {
		names[i] = r.Name
	}
	scores, err := rc.Train(ctx, train, names, seed)
	if err != nil {
		return nil, fmt.Errorf("opendns noise: %w", err)
	}
	var kept []datasets.Row
	var dropped []string
	for i, r := range c.OpenDNS {
		if scores[i] >= NoiseScore && confickerShape.MatchString(r.Name) {
			dropped = append(dropped, r.Name)
			continue
		}
		kept = append(kept, r)
	}
	c.OpenDNS = kept
	return dropped, nil
}

// NoiseScore is the baseline score from which a Conficker-shaped OpenDNS
// name counts as noise.
const NoiseScore = 0.99
