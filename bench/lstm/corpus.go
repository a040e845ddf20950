package lstmbench

import (
	"fmt"
	"math"
	"math/rand/v2"

	txtbench "github.com/mlctl/mlctl/bench/txt"
	"github.com/mlctl/mlctl/features/tokens"
	"github.com/mlctl/mlctl/training/lstm"
)

// testFraction is the share of records held out for the ROC-AUC.
const testFraction = 0.2

// corpus is the TXT comparison's data: zone records (label 0) and dns2tcp
// tunnel answers (label 1), split at random into a training and a test
// part and tokenized with a vocabulary fitted on the training part.
type corpus struct {
	zone, tunnel int // records read
	empty        int // records without an n-gram, left out
	vocab        int // the tokenizer's VocabSize
	train, test  lstm.Examples
}

// loadCorpus reads the records under dir, leaves out those with no
// n-gram (torch cannot pack an empty sequence), splits the rest 80/20
// with seed and tokenizes them with FitTXT(train part, maxTerms).
func loadCorpus(dir string, seed uint64, maxTerms int) (corpus, error) {
	real, err := txtbench.ReadCorpus(dir)
	if err != nil {
		return corpus{}, err
	}
	texts := func(ex []txtbench.Example) []string {
		out := make([]string, len(ex))
		for i, e := range ex {
			out[i] = e.Text
		}
		return out
	}
	zone, tunnel := texts(real.Zone), texts(real.Dns2tcp)
	c := corpus{zone: len(zone), tunnel: len(tunnel)}
	var records []string
	var labels []float32
	for label, part := range [][]string{zone, tunnel} {
		for _, r := range part {
			if len(tokens.Analyze(r, false)) == 0 {
				c.empty++
				continue
			}
			records, labels = append(records, r), append(labels, float32(label))
		}
	}
	perm := rand.New(rand.NewPCG(seed, 0x7e57)).Perm(len(records))
	nte := int(math.Round(float64(len(records)) * testFraction))
	trainRows, testRows := perm[:len(perm)-nte], perm[len(perm)-nte:]
	if len(trainRows) == 0 || len(testRows) == 0 {
		return corpus{}, fmt.Errorf("lstmbench: %d TXT records are too few to hold out %.0f%%", len(records), 100*testFraction)
	}
	pick := func(rows []int) ([]string, []float32) {
		rs, ys := make([]string, len(rows)), make([]float32, len(rows))
		for i, r := range rows {
			rs[i], ys[i] = records[r], labels[r]
		}
		return rs, ys
	}
	trainRecords, trainLabels := pick(trainRows)
	testRecords, testLabels := pick(testRows)
	tok, err := tokens.FitTXT(trainRecords, tokens.TXTOptions{MaxTerms: maxTerms})
	if err != nil {
		return corpus{}, fmt.Errorf("lstmbench: %w", err)
	}
	c.vocab = tok.VocabSize()
	c.train, c.test = encode(tok, trainRecords, trainLabels), encode(tok, testRecords, testLabels)
	return c, nil
}

// encode tokenizes records into padded sequences of the tokenizer's
// MaxLen.
func encode(tok tokens.Tokenizer, records []string, labels []float32) lstm.Examples {
	var b tokens.Batch
	b.Encode(tok, records)
	return lstm.Examples{Sequences: lstm.Sequences{IDs: b.IDs, Lengths: b.Lengths, Width: b.Width}, Labels: labels}
}
