package dga

import (
	"context"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/tokens"
	"github.com/mlctl/mlctl/training/lstm"
)

// lstmGenParams are the LSTM's settings in the generalisation runs: seed
// 002's sizes, at most 6 epochs with early stopping after 2 without a
// better validation loss (the bench trains ten models).
func lstmGenParams(vocab int) lstm.Params {
	p := lstm.DefaultParams()
	p.Vocab, p.Epochs, p.Patience, p.Seed = vocab, 6, 2, 1
	return p
}

// LSTMRecipe is the TXT notebook's character LSTM (`train --algo lstm` on a dga
// dataset) on the real rows, stopping early on a tenth of them (by name
// hash).
func LSTMRecipe() Recipe {
	return Recipe{Name: "lstm", Train: func(ctx context.Context, rows []datasets.Row, test []string, _ uint64) ([]float64, error) {
		var train, valid []datasets.Row
		for _, r := range rows {
			if inTest(r.Name) {
				valid = append(valid, r)
			} else {
				train = append(train, r)
			}
		}
		return lstmScores(ctx, train, valid, test)
	}}
}

// lstmScores trains a character LSTM on train, stopping early on valid,
// and scores test.
func lstmScores(ctx context.Context, train, valid []datasets.Row, test []string) ([]float64, error) {
	tok, err := tokens.NewDomain(0)
	if err != nil {
		return nil, err
	}
	examples := func(rows []datasets.Row) lstm.Examples {
		names := make([]string, len(rows))
		labels := make([]float32, len(rows))
		for i, r := range rows {
			names[i], labels[i] = r.Name, float32(r.Label)
		}
		var b tokens.Batch
		b.Encode(tok, names)
		return lstm.Examples{Sequences: lstm.Sequences{IDs: b.IDs, Lengths: b.Lengths, Width: b.Width}, Labels: labels}
	}
	m, err := lstm.Train(ctx, examples(train), examples(valid), lstmGenParams(tok.VocabSize()), lstm.Options{})
	if err != nil {
		return nil, err
	}
	var b tokens.Batch
	b.Encode(tok, test)
	probs := make([]float32, len(test))
	if err := m.Predict(probs, lstm.Sequences{IDs: b.IDs, Lengths: b.Lengths, Width: b.Width}); err != nil {
		return nil, err
	}
	scores := make([]float64, len(test))
	for i, p := range probs {
		scores[i] = float64(p)
	}
	return scores, nil
}
