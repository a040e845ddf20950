package artifact_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/published/publishedtest"
	"github.com/mlctl/mlctl/training/learners"
)

// seedArtifacts are the bytes of small valid artifacts: a gbdt name model
// and the forest and iforest models of training/*/testdata/tiny.good.json.
func seedArtifacts(tb testing.TB) [][]byte {
	tb.Helper()
	arts := []*artifact.Artifact{publishedtest.NameModel(tb, 1, 200, 2, false)}
	for _, algo := range []mlctl.Algo{mlctl.AlgoRF, mlctl.AlgoIForest} {
		l, err := learners.Lookup(algo)
		if err != nil {
			tb.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join("..", "training", l.ModelKey(), "testdata", "tiny.good.json"))
		if err != nil {
			tb.Fatal(err)
		}
		m, err := l.DecodeModel(b)
		if err != nil {
			tb.Fatal(err)
		}
		names := make([]string, m.NumFeatures())
		for i := range names {
			names[i] = fmt.Sprintf("f%d", i)
		}
		arts = append(arts, &artifact.Artifact{Algo: algo, Params: map[string]string{}, Model: m,
			FeatureSet: artifact.FeatureSet{Name: "test", Version: 1, Names: names}})
	}
	var out [][]byte
	for _, a := range arts {
		data, _, err := artifact.Encode(a)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// FuzzDecode: Decode of any bytes, checked against their own SHA-256,
// never panics and either refuses them or gives an artifact that encodes
// to bytes which decode to the same artifact and encode to the same bytes
// again; against any other SHA-256, the bytes are always refused with a
// *ChecksumError, before they are parsed.
func FuzzDecode(f *testing.F) {
	for _, b := range seedArtifacts(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"format":"mlctl-model","format_version":1,"algo":"gbdt","feature_set":{"name":"x","version":1,"names":[]},"params":{},"gbdt":null,"forest":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sha := artifact.SHA256(data)
		wrong := []byte(sha)
		wrong[len(wrong)-1] ^= 1 // '0'..'9' and 'a'..'f' stay hex
		for _, want := range []string{string(wrong), "", sha[:63]} {
			var ce *artifact.ChecksumError
			if a, err := artifact.Decode(data, want); a != nil || !errors.As(err, &ce) || ce.Want != want || ce.Got != sha {
				t.Fatalf("checked against %q: %v, %v", want, a, err)
			}
		}
		a, err := artifact.Decode(data, sha)
		if err != nil {
			return
		}
		if a.Format != artifact.Format || a.FormatVersion != artifact.FormatVersion || a.Model == nil || a.Model.NumFeatures() != len(a.FeatureSet.Names) {
			t.Fatalf("decoded %+v", a)
		}
		again, sha2, err := artifact.Encode(a)
		if err != nil {
			t.Fatalf("a decoded artifact does not encode: %v", err)
		}
		b, err := artifact.Decode(again, sha2)
		if err != nil {
			t.Fatalf("its encoding does not decode: %v\n%.300s", err, again)
		}
		if b.Algo != a.Algo || !reflect.DeepEqual(b.FeatureSet, a.FeatureSet) || !reflect.DeepEqual(b.Params, a.Params) && (len(a.Params) > 0 || len(b.Params) > 0) {
			t.Fatalf("decodes to another artifact: %+v, was %+v", b, a)
		}
		third, sha3, err := artifact.Encode(b)
		if err != nil || sha3 != sha2 || !bytes.Equal(third, again) {
			t.Fatalf("encoding is not stable (%v)", err)
		}
	})
}
