package lstm

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

func trainedSmall(t *testing.T) (*Model, Examples) {
	t.Helper()
	src := rand.New(rand.NewPCG(81, 81))
	train, valid := markerExamples(src, 100), markerExamples(src, 40)
	p := markerParams()
	p.Epochs = 2
	m, err := Train(context.Background(), train, valid, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m, valid
}

func TestModelJSONRoundTrip(t *testing.T) {
	m, x := trainedSmall(t)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(`{"format":"mlctl-lstm","format_version":1,"params":{"vocab":40,"embed":8,"hidden":16,"dropout":0.5,`)) {
		t.Errorf("unexpected head: %.120s", b)
	}
	var back Model
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, err := json.Marshal(&back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Error("decoding and encoding again changed the bytes")
	}
	want, got := make([]float32, x.Rows()), make([]float32, x.Rows())
	if err := m.Predict(want, x.Sequences); err != nil {
		t.Fatal(err)
	}
	if err := back.Predict(got, x.Sequences); err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("row %d: loaded model scores %v, original %v", i, got[i], want[i])
		}
	}
	if len(back.History()) != 2 || back.Params() != m.Params() {
		t.Errorf("history %+v and params %+v did not survive", back.History(), back.Params())
	}
}

func TestModelJSONRefusesBadModels(t *testing.T) {
	m, _ := trainedSmall(t)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(map[string]any)) string {
		var d map[string]any
		_ = json.Unmarshal(b, &d)
		f(d)
		out, _ := json.Marshal(d)
		return string(out)
	}
	cases := map[string]string{
		"unknown field":    edit(func(d map[string]any) { d["extra"] = 1 }),
		"wrong format":     edit(func(d map[string]any) { d["format"] = "mlctl-gbdt" }),
		"wrong version":    edit(func(d map[string]any) { d["format_version"] = 2 }),
		"short bias":       edit(func(d map[string]any) { d["bias"] = d["bias"].([]any)[1:] }),
		"no embedding":     edit(func(d map[string]any) { delete(d, "embedding") }),
		"pad row not zero": edit(func(d map[string]any) { d["embedding"].([]any)[0] = 0.5 }),
		"bad params":       edit(func(d map[string]any) { d["params"].(map[string]any)["hidden"] = 0 }),
		"float32 overflow": edit(func(d map[string]any) { d["out_bias"] = 1e39 }),
		"long history":     edit(func(d map[string]any) { d["params"].(map[string]any)["epochs"] = 1 }),
		"trailing data":    string(b) + "{}",
	}
	for name, in := range cases {
		var got Model
		err := got.UnmarshalJSON([]byte(in))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), "lstm: model json") {
			t.Errorf("%s: error %q does not say where", name, err)
		}
	}
}

func TestWeightsTensorOrder(t *testing.T) {
	w := newWeights(smallParams())
	if &w.tensors()[biasTensor][0] != &w.bias[0] {
		t.Fatal("biasTensor does not index the gate bias in weights.tensors")
	}
}
