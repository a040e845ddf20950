// Package publishedtest makes small real models and publishes them to a
// test registry, for the tests of the packages that load published
// versions (serving, cli).
package publishedtest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features"
	"github.com/mlctl/mlctl/registry"
	"github.com/mlctl/mlctl/training/gbdt"
)

// NameModel trains a small real domain-name model: gbdt (rounds trees of
// depth 3, seeded) on the heidgaf44 features of GenerateDemo(seed, rows);
// flip trains on inverted labels, a model that disagrees with the others
// on nearly every name.
func NameModel(t testing.TB, seed uint64, rows, rounds int, flip bool) *artifact.Artifact {
	t.Helper()
	set, err := features.Lookup("heidgaf44", nil)
	if err != nil {
		t.Fatal(err)
	}
	demo := datasets.GenerateDemo(seed, rows)
	in := make([]string, len(demo))
	y := make([]float32, len(demo))
	for i, r := range demo {
		in[i], y[i] = r.Name, float32(r.Label)
		if flip {
			y[i] = 1 - y[i]
		}
	}
	p := gbdt.DefaultParams()
	p.Rounds, p.MaxDepth, p.Seed = rounds, 3, seed
	m, err := gbdt.Train(context.Background(), artifact.FeatureMatrix(set, in), y, p, gbdt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &artifact.Artifact{Algo: "gbdt", Params: map[string]string{}, Model: m,
		FeatureSet: artifact.FeatureSet{Name: set.Name(), Version: set.Version(), Names: set.Names()}}
}

// Publish encodes art and publishes it as name@next with threshold in its
// manifest. Publishing the same bytes under the same name again returns
// the version already published.
func Publish(t testing.TB, db *registry.DB, name string, art *artifact.Artifact, threshold float64) *registry.Model {
	t.Helper()
	data, sha, err := artifact.Encode(art)
	if err != nil {
		t.Fatal(err)
	}
	man, err := json.Marshal(artifact.Manifest{Algo: string(art.Algo), FeatureSet: art.FeatureSet.Name, FeatureVersion: art.FeatureSet.Version,
		Threshold: threshold, SHA256: sha, Params: art.Params})
	if err != nil {
		t.Fatal(err)
	}
	pub, _, err := db.PublishModel(context.Background(), registry.NewModel{Name: name, Algo: string(art.Algo), Artifact: data, SHA256: sha,
		Manifest: man, DatasetVersions: []string{}, WorkflowID: "test-" + name + "-" + sha[:16]})
	if err != nil {
		t.Fatal(err)
	}
	return pub
}
