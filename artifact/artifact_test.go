package artifact_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mlctl/mlctl"
	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/learners"
	"github.com/mlctl/mlctl/training/matrix"
)

// gbdtArtifact is a small trained gbdt model in an artifact.
func gbdtArtifact(t *testing.T) *artifact.Artifact {
	t.Helper()
	l, _ := learners.Lookup(mlctl.AlgoGBDT)
	x := matrix.New(100, 1)
	y := make([]float32, 100)
	for i := range 100 {
		y[i] = float32(i % 2)
		x.Values[i] = y[i] + float32(i)/1000
	}
	p, err := l.ParseParams(map[string]string{"rounds": "3", "min_child_weight": "1"}, 1, training.Shape{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := l.Train(context.Background(), training.Data{X: x, Y: y}, p, training.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	return &artifact.Artifact{Algo: mlctl.AlgoGBDT, FeatureSet: artifact.FeatureSet{Name: "test", Version: 1, Names: []string{"f"}}, Params: p.Map(), Model: m}
}

// TestEncodeDecode: the bytes keep their documented key order with the
// model under its learner's key, decode to a model that encodes to the
// same bytes, and anything else is refused with the reason.
func TestEncodeDecode(t *testing.T) {
	art := gbdtArtifact(t)
	data, sha, err := artifact.Encode(art)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte(`{"format":"mlctl-model","format_version":1,"algo":"gbdt","feature_set":{"name":"test","version":1,"names":["f"]},"params":{`)) ||
		!bytes.Contains(data, []byte(`},"gbdt":{`)) || !bytes.HasSuffix(data, []byte("}\n")) {
		t.Fatalf("layout of the bytes:\n%.300s", data)
	}
	back, err := artifact.Decode(data, sha)
	if err != nil {
		t.Fatal(err)
	}
	again, sha2, err := artifact.Encode(back)
	if err != nil || sha2 != sha || !bytes.Equal(again, data) {
		t.Fatalf("decoded artifact encodes to other bytes (%v)", err)
	}
	for _, c := range []struct {
		name, edit, want string
	}{
		{"unknown field", `"params":` + "\x00" + `"extra":1,"params":`, "unknown field"},
		{"no model", `"gbdt":` + "\x00" + `"gbdt_old":`, "unknown field"},
		{"model of another algo", `"gbdt":` + "\x00" + `"forest":`, "without its model"},
		{"two models", `"gbdt":{` + "\x00" + `"lstm":null,"iforest":{},"gbdt":{`, "2 models"},
		{"other format", `"mlctl-model"` + "\x00" + `"pickle"`, "format"},
	} {
		from, to, _ := strings.Cut(c.edit, "\x00")
		bad := bytes.Replace(data, []byte(from), []byte(to), 1)
		if _, err := artifact.Decode(bad, artifact.SHA256(bad)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
	if _, err := artifact.Decode(data[1:], sha); err == nil || !strings.Contains(err.Error(), "checksum mismatch") {
		t.Errorf("tampered bytes: %v", err)
	}
}
