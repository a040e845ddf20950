package lstmbench

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlctl/mlctl/features/tokens"
	"github.com/mlctl/mlctl/training/lstm"
)

// Files of the TXT corpus under the data directory.
const (
	zoneFile   = "txt/zone_txt_records.tsv"   // header source, name, txt
	tunnelFile = "txt/dns2tcp_tunnel_txt.tsv" // no header: ts, qname, txt
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
	zone, err := readTXTColumn(filepath.Join(dir, zoneFile), true)
	if err != nil {
		return corpus{}, err
	}
	tunnel, err := readTXTColumn(filepath.Join(dir, tunnelFile), false)
	if err != nil {
		return corpus{}, err
	}
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

// readTXTColumn returns the txt column of a shared TSV file: the column
// its header names txt, or the third of a headerless ts, qname, txt file.
func readTXTColumn(path string, header bool) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("lstmbench: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	col, cols := 2, 3
	var out []string
	for line := 1; sc.Scan(); line++ {
		fields := strings.Split(sc.Text(), "\t")
		if header && line == 1 {
			if col = slices.Index(fields, "txt"); col < 0 {
				return nil, fmt.Errorf("lstmbench: %s: no txt column in header %q", path, fields)
			}
			cols = len(fields)
			continue
		}
		if len(fields) != cols {
			return nil, fmt.Errorf("lstmbench: %s:%d: %d fields, want %d", path, line, len(fields), cols)
		}
		out = append(out, fields[col])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("lstmbench: %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("lstmbench: %s holds no records", path)
	}
	return out, nil
}
