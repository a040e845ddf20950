package txtbench

import (
	"context"
	"fmt"

	"github.com/mlctl/mlctl/features/tokens"
	"github.com/mlctl/mlctl/training/gbdt"
	"github.com/mlctl/mlctl/training/lstm"
	"github.com/mlctl/mlctl/training/matrix"
)

// Recipe is one way to fit a TXT record scorer on a fold's training set.
type Recipe struct {
	// Name labels the recipe's column in the results.
	Name string
	// RealOnly fits on the shared corpora's records alone (the TXT notebook's
	// data); the fold holding dns2tcp out then has no tunnel answers to
	// train on and is left out.
	RealOnly bool
	fit      func(ctx context.Context, train []Example, seed uint64) (scorer, error)
}

// scorer returns the probability that each record is a tunnel answer.
type scorer func(records []string) ([]float64, error)

// LSTMSize are the sequence models' sizes and training settings.
type LSTMSize struct {
	Embed, Hidden, Epochs, BatchSize int
	// LearningRate is Adam's step size (the TXT notebook: torch's default 0.001).
	LearningRate float64
	// MaxLen is the most ids of one record: char_wb n-grams (three per
	// character) or bytes.
	MaxLen int
	// MaxTerms is the char_wb vocabulary (the TXT notebook: 10,000).
	MaxTerms int
}

// Recipe names.
const (
	RecipeSeed002Real  = "seed002-real"  // char_wb LSTM, shared corpora only: the baseline
	RecipeSeed002      = "seed002+gen"   // char_wb LSTM with the generated variety
	RecipeShapeCharWB  = "shape-charwb"  // Shape, then char_wb LSTM
	RecipeChars        = "chars"         // byte-level LSTM
	RecipeFeatures     = "features-gbdt" // ShapeFeatures + gradient-boosted trees
	RecipeFeaturesReal = "features-real" // the same, shared corpora only
	RecipeLength       = "length-gbdt"   // length, entropy and distinct bytes only + trees
)

// Recipes returns the study's recipes: the baseline, the TXT notebook's recipe
// with the generated variety, and the design changes; withChars adds the
// byte-level LSTM.
func Recipes(size LSTMSize, rounds int, withChars bool) []Recipe {
	charWB := func(train []string) (tokens.Tokenizer, error) {
		return tokens.FitTXT(train, tokens.TXTOptions{MaxTerms: size.MaxTerms, MaxLen: size.MaxLen})
	}
	chars := func([]string) (tokens.Tokenizer, error) { return NewChars(size.MaxLen) }
	rs := []Recipe{
		{Name: RecipeSeed002Real, RealOnly: true, fit: lstmRecipe(size, charWB, nil)},
		{Name: RecipeSeed002, fit: lstmRecipe(size, charWB, nil)},
		{Name: RecipeShapeCharWB, fit: lstmRecipe(size, charWB, Shape)},
	}
	if withChars {
		rs = append(rs, Recipe{Name: RecipeChars, fit: lstmRecipe(size, chars, nil)})
	}
	return append(rs,
		Recipe{Name: RecipeFeaturesReal, RealOnly: true, fit: gbdtRecipe(rounds, nil)},
		Recipe{Name: RecipeFeatures, fit: gbdtRecipe(rounds, nil)},
		Recipe{Name: RecipeLength, fit: gbdtRecipe(rounds, lengthColumns)},
	)
}

// lstmRecipe fits the TXT notebook's model (embedding, one LSTM layer, linear,
// sigmoid) on the records as tokenize reads them, after prep when set.
func lstmRecipe(size LSTMSize, tokenize func(train []string) (tokens.Tokenizer, error), prep func(string) string) func(context.Context, []Example, uint64) (scorer, error) {
	prepare := func(records []string) []string {
		if prep == nil {
			return records
		}
		out := make([]string, len(records))
		for i, r := range records {
			out[i] = prep(r)
		}
		return out
	}
	return func(ctx context.Context, train []Example, seed uint64) (scorer, error) {
		records := prepare(texts(train))
		tok, err := tokenize(records)
		if err != nil {
			return nil, err
		}
		p := lstm.DefaultParams()
		p.Vocab, p.Embed, p.Hidden = tok.VocabSize(), size.Embed, size.Hidden
		p.Epochs, p.Patience, p.BatchSize, p.Seed = size.Epochs, 0, size.BatchSize, seed
		if size.LearningRate > 0 {
			p.LearningRate = size.LearningRate
		}
		ys := make([]float32, len(train))
		for i, x := range train {
			ys[i] = float32(x.Label)
		}
		m, err := lstm.Train(ctx, lstm.Examples{Sequences: encode(tok, records), Labels: ys}, lstm.Examples{}, p, lstm.Options{})
		if err != nil {
			return nil, fmt.Errorf("txtbench: %w", err)
		}
		return func(records []string) ([]float64, error) {
			seqs := encode(tok, prepare(records))
			probs := make([]float32, seqs.Rows())
			if err := m.Predict(probs, seqs); err != nil {
				return nil, err
			}
			out := make([]float64, len(probs))
			for i, v := range probs {
				out[i] = float64(v)
			}
			return out, nil
		}, nil
	}
}

// encode tokenizes records into padded sequences of the tokenizer's MaxLen.
func encode(tok tokens.Tokenizer, records []string) lstm.Sequences {
	var b tokens.Batch
	b.Encode(tok, records)
	return lstm.Sequences{IDs: b.IDs, Lengths: b.Lengths, Width: b.Width}
}

// lengthColumns are the ShapeFeatures of the length-gbdt recipe: bytes,
// entropy and distinct bytes.
var lengthColumns = []int{0, 5, 6}

// gbdtRecipe fits gradient-boosted trees of depth 4 on ShapeFeatures, or
// on the given columns of them.
func gbdtRecipe(rounds int, columns []int) func(context.Context, []Example, uint64) (scorer, error) {
	return func(ctx context.Context, train []Example, seed uint64) (scorer, error) {
		p := gbdt.DefaultParams()
		p.Rounds, p.MaxDepth, p.Eta, p.Seed, p.Threads = rounds, 4, 0.1, seed, 1
		ys := make([]float32, len(train))
		for i, x := range train {
			ys[i] = float32(x.Label)
		}
		m, err := gbdt.Train(ctx, featureMatrix(texts(train), columns), ys, p, gbdt.Options{})
		if err != nil {
			return nil, fmt.Errorf("txtbench: %w", err)
		}
		return func(records []string) ([]float64, error) {
			out := make([]float64, len(records))
			return out, m.Predict(featureMatrix(records, columns), out)
		}, nil
	}
}

// featureMatrix is the ShapeFeatures of records, a row each; only the
// given columns when columns is not nil.
func featureMatrix(records []string, columns []int) *matrix.Matrix {
	cols := len(ShapeFeatureNames)
	if columns != nil {
		cols = len(columns)
	}
	x := matrix.New(len(records), cols)
	x.Values = x.Values[:0]
	var row []float32
	for _, r := range records {
		row = ShapeFeatures(r, row[:0])
		if columns == nil {
			x.Values = append(x.Values, row...)
			continue
		}
		for _, c := range columns {
			x.Values = append(x.Values, row[c])
		}
	}
	return x
}
