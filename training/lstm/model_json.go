package lstm

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/mlctl/mlctl/training/modeljson"
)

// Native model format, version 1: one JSON object
//
//	{"format":"mlctl-lstm","format_version":1,
//	 "params":{"vocab":10002,"embed":64,"hidden":64,"dropout":0.5,"learning_rate":0.001,
//	           "beta1":0.9,"beta2":0.999,"epsilon":1e-8,"batch_size":64,"epochs":20,
//	           "patience":3,"seed":"0"},
//	 "embedding":[...],"input_weights":[...],"recurrent_weights":[...],
//	 "bias":[...],"out_weights":[...],"out_bias":B,
//	 "history":[{"train_loss":L,"valid_loss":L|null},...]}
//
// With V = vocab, E = embed, H = hidden and the gates in torch's order
// (input, forget, candidate, output), all arrays row-major:
//
//   - embedding is V×E; row 0 (Pad) is all zeros (torch's padding_idx=0);
//   - input_weights is E×4H, the transpose of torch's lstm.weight_ih_l0:
//     element [k][q·H+j] weighs input k in unit j of gate q;
//   - recurrent_weights is H×4H, the transpose of lstm.weight_hh_l0;
//   - bias is 4H, lstm.bias_ih_l0 + lstm.bias_hh_l0;
//   - out_weights is H and out_bias a number: the linear layer, fc.weight[0]
//     and fc.bias[0];
//   - history has one entry per epoch trained (valid_loss null without a
//     validation set).
//
// Weights are float32 written in their shortest form that reads back to
// the same float32 (encoding/json's float32 encoding), losses float64
// likewise, and the seed a decimal string (64 bits do not fit every JSON
// reader's numbers). Field order is fixed, so equal models have equal
// bytes and equal SHA-256 sums.
const (
	formatName    = "mlctl-lstm"
	formatVersion = 1
)

type modelJSON struct {
	modeljson.Header
	Params       paramsJSON  `json:"params"`
	Embedding    []float32   `json:"embedding"`
	InputWeights []float32   `json:"input_weights"`
	Recurrent    []float32   `json:"recurrent_weights"`
	Bias         []float32   `json:"bias"`
	OutWeights   []float32   `json:"out_weights"`
	OutBias      float32     `json:"out_bias"`
	History      []epochJSON `json:"history"`
}

type paramsJSON struct {
	Vocab        int     `json:"vocab"`
	Embed        int     `json:"embed"`
	Hidden       int     `json:"hidden"`
	Dropout      float64 `json:"dropout"`
	LearningRate float64 `json:"learning_rate"`
	Beta1        float64 `json:"beta1"`
	Beta2        float64 `json:"beta2"`
	Epsilon      float64 `json:"epsilon"`
	BatchSize    int     `json:"batch_size"`
	Epochs       int     `json:"epochs"`
	Patience     int     `json:"patience"`
	Seed         uint64  `json:"seed,string"`
}

type epochJSON struct {
	TrainLoss float64  `json:"train_loss"`
	ValidLoss *float64 `json:"valid_loss"`
}

// MarshalJSON encodes the model in the native format.
func (m *Model) MarshalJSON() ([]byte, error) {
	p := m.params
	out := modelJSON{
		Header: modeljson.Header{Format: formatName, FormatVersion: formatVersion},
		Params: paramsJSON{
			Vocab: p.Vocab, Embed: p.Embed, Hidden: p.Hidden, Dropout: p.Dropout,
			LearningRate: p.LearningRate, Beta1: p.Beta1, Beta2: p.Beta2, Epsilon: p.Epsilon,
			BatchSize: p.BatchSize, Epochs: p.Epochs, Patience: p.Patience, Seed: p.Seed,
		},
		Embedding: m.embedding, InputWeights: m.inputT, Recurrent: m.recurrentT,
		Bias: m.bias, OutWeights: m.out, OutBias: m.outBias[0],
		History: make([]epochJSON, len(m.history)),
	}
	for i, e := range m.history {
		out.History[i].TrainLoss = e.TrainLoss
		if !math.IsNaN(e.ValidLoss) {
			v := e.ValidLoss
			out.History[i].ValidLoss = &v
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("lstm: encode model: %w", err)
	}
	return b, nil
}

// UnmarshalJSON decodes and validates a model in the native format.
// Unknown fields, a wrong format or version, invalid parameters, arrays of
// the wrong length, non-finite weights or losses and a non-zero Pad
// embedding are errors that say where.
func (m *Model) UnmarshalJSON(data []byte) error {
	var in modelJSON
	if err := modeljson.Decode("lstm", data, &in, &in.Header, formatName, formatVersion); err != nil {
		return err
	}
	pj := in.Params
	p := Params{
		Vocab: pj.Vocab, Embed: pj.Embed, Hidden: pj.Hidden, Dropout: pj.Dropout,
		LearningRate: pj.LearningRate, Beta1: pj.Beta1, Beta2: pj.Beta2, Epsilon: pj.Epsilon,
		BatchSize: pj.BatchSize, Epochs: pj.Epochs, Patience: pj.Patience, Seed: pj.Seed,
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("lstm: model json: params: %w", err)
	}
	out := &Model{params: p, weights: weights{
		embedding: in.Embedding, inputT: in.InputWeights, recurrentT: in.Recurrent,
		bias: in.Bias, out: in.OutWeights, outBias: []float32{in.OutBias},
	}}
	if err := out.checkSizes(p); err != nil {
		return fmt.Errorf("lstm: model json: %w", err)
	}
	names := []string{"embedding", "input_weights", "recurrent_weights", "bias", "out_weights", "out_bias"}
	for i, t := range out.tensors() {
		for j, v := range t {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return fmt.Errorf("lstm: model json: %s[%d] is %v, want a finite number", names[i], j, v)
			}
		}
	}
	for k, v := range out.embedding[:p.Embed] {
		if v != 0 {
			return fmt.Errorf("lstm: model json: embedding[%d] is %v: the Pad row must be zero", k, v)
		}
	}
	if len(in.History) > p.Epochs {
		return fmt.Errorf("lstm: model json: %d epochs of history, params.epochs is %d", len(in.History), p.Epochs)
	}
	for i, e := range in.History {
		ep := Epoch{TrainLoss: e.TrainLoss, ValidLoss: math.NaN()}
		if e.ValidLoss != nil {
			ep.ValidLoss = *e.ValidLoss
		}
		if !(ep.TrainLoss >= 0) || math.IsInf(ep.TrainLoss, 0) || ep.ValidLoss < 0 || math.IsInf(ep.ValidLoss, 0) {
			return fmt.Errorf("lstm: model json: history[%d] has losses %v and %v, want finite numbers >= 0", i, ep.TrainLoss, ep.ValidLoss)
		}
		out.history = append(out.history, ep)
	}
	out.buildTable()
	*m = *out
	return nil
}
