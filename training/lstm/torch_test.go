package lstm

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// torchGolden is testdata/torch_golden.json, written by torch_golden.py
// with torch 1.13.1.
type torchGolden struct {
	Vocab, Embed, Hidden, Width int
	IDs, Lengths                []int32
	Labels                      []float32
	Initial                     map[string][]float32
	Probabilities               []float64
	Loss                        float64
	Gradients                   map[string][]float32
	AfterTwoSteps               map[string][]float32 `json:"after_two_steps"`
}

func loadTorchGolden(t *testing.T) (torchGolden, Params) {
	t.Helper()
	b, err := os.ReadFile("testdata/torch_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g torchGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	p := DefaultParams()
	p.Vocab, p.Embed, p.Hidden = g.Vocab, g.Embed, g.Hidden
	p.Dropout, p.LearningRate = 0, 0.01
	return g, p
}

// fromTorch lays a torch state_dict (or its gradients, with add set to
// false for the bias: torch's two bias gradients are each the bias's)
// out as weights: the gate matrices transposed, the two biases summed.
func fromTorch(p Params, sd map[string][]float32, sumBias bool) weights {
	w := newWeights(p)
	g := gates * p.Hidden
	copy(w.embedding, sd["embedding.weight"])
	transpose(w.inputT, sd["lstm.weight_ih_l0"], g, p.Embed)
	transpose(w.recurrentT, sd["lstm.weight_hh_l0"], g, p.Hidden)
	for i := range w.bias {
		w.bias[i] = sd["lstm.bias_ih_l0"][i]
		if sumBias {
			w.bias[i] += sd["lstm.bias_hh_l0"][i]
		}
	}
	copy(w.out, sd["fc.weight"])
	w.outBias[0] = sd["fc.bias"][0]
	return w
}

func compareWeights(t *testing.T, what string, got, want *weights, abs, rel float64) {
	t.Helper()
	names := []string{"embedding", "input_weights", "recurrent_weights", "bias", "out_weights", "out_bias"}
	wt := want.tensors()
	for ti, tg := range got.tensors() {
		for i, v := range tg {
			if d := math.Abs(float64(v - wt[ti][i])); d > abs+rel*math.Abs(float64(wt[ti][i])) {
				t.Errorf("%s: %s[%d] = %v, torch %v", what, names[ti], i, v, wt[ti][i])
			}
		}
	}
}

// TestMatchesTorch checks the model against torch 1.13.1 on the TXT notebook's
// architecture (packed sequences): probabilities, loss, every gradient,
// and the weights after two Adam steps.
func TestMatchesTorch(t *testing.T) {
	g, p := loadTorchGolden(t)
	m := &Model{params: p, weights: fromTorch(p, g.Initial, true)}
	m.buildTable()
	x := Examples{Sequences: Sequences{IDs: g.IDs, Lengths: g.Lengths, Width: g.Width}, Labels: g.Labels}
	probs := make([]float32, x.Rows())
	if err := m.Predict(probs, x.Sequences); err != nil {
		t.Fatal(err)
	}
	for i, want := range g.Probabilities {
		if math.Abs(float64(probs[i])-want) > 1e-6 {
			t.Errorf("row %d: probability %v, torch %v", i, probs[i], want)
		}
	}
	ps := newPass(p)
	ps.setup(x.Sequences, allRows(x.Rows()))
	ps.setDropout(nil, 0)
	ps.forward(&m.weights)
	if loss := ps.loss(x.Labels) / float64(x.Rows()); math.Abs(loss-g.Loss) > 1e-6 {
		t.Errorf("loss %v, torch %v", loss, g.Loss)
	}
	grad := newWeights(p)
	ps.backward(&m.weights, x.Labels, &grad)
	want := fromTorch(p, g.Gradients, false)
	compareWeights(t, "gradient", &grad, &want, 1e-7, 1e-4)

	tr := newTrainer(p)
	for range 2 {
		tr.step(&m.weights, x, allRows(x.Rows()))
	}
	after := fromTorch(p, g.AfterTwoSteps, true)
	compareWeights(t, "after two Adam steps", &m.weights, &after, 2e-6, 1e-5)
}
