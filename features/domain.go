package features

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/mlctl/mlctl/datasets"
)

// DomainVersion is the version of the values the domain set computes.
const DomainVersion = 1

// domainExtraNames are the features the domain set adds after heidgaf44's.
var domainExtraNames = [...]string{
	"main_length",                // length of the registered label (left of the public suffix: com, co.uk, ddns.net, ...)
	"main_vowel_ratio",           // a, e, i, o, u ÷ length of the main label
	"main_digit_ratio",           // digits ÷ length of the main label
	"main_consonant_run",         // longest run of consonants in the main label
	"main_unique_ratio",          // distinct characters ÷ length of the main label
	"main_hex",                   // 1 when the main label is hex digits with at least one digit
	"main_letter_digit_switches", // changes between letters and digits in the main label
	"main_hyphens",               // hyphens in the main label
	"main_trigram_ll",            // mean log-probability of the main label under the benign trigram model
	"label_trigram_ll_min",       // lowest such mean over all labels but the TLD
	"tld_benign_ratio",           // smoothed share of benign training names under the public suffix
	"word_coverage",              // share of the main label covered by English words (best split)
	"word_count",                 // words in that split
	"word_longest",               // longest English word inside the main label
	"word_coverage4",             // like word_coverage with words of four or more letters
	"main_english_ll",            // mean log-probability of the main label under a trigram model of English words
	"ngram_score",                // logit of the cross-fitted character 2-5-gram logistic regression (0 in a benign-only fit)
	"word_benign_unseen",         // share of the main label in split words that no benign training main label's split holds
}

// DomainLen is the number of features of the domain set.
const DomainLen = Heidgaf44Len + len(domainExtraNames)

// DomainOptions configure FitDomain; zero fields take the defaults below.
// Fields are declared in the order of their JSON keys, so the state's JSON
// has sorted keys.
type DomainOptions struct {
	// Folds is the number of cross-fitting folds (default 5, 2..16). Every
	// learned part is fitted once per fold without that fold's names, and a
	// name is always scored by the parts of its own fold, so the values a
	// training name gets are out-of-fold values. A name's fold is its hash,
	// except that training DGA names are kept in one fold per family (see
	// folds.go).
	Folds int `json:"folds"`
	// NgramBits is log2 of the n-gram model's hash buckets (default 18, 12..22).
	NgramBits int `json:"ngram_bits"`
	// NgramEpochs is the number of passes over the rows (default 4, 1..50).
	NgramEpochs int `json:"ngram_epochs"`
	// Seed orders the n-gram model's updates; same rows and seed, same state.
	Seed uint64 `json:"seed"`
}

// withDefaults fills zero fields and checks the ranges.
func (o DomainOptions) withDefaults() (DomainOptions, error) {
	if o.Folds == 0 {
		o.Folds = 5
	}
	if o.NgramBits == 0 {
		o.NgramBits = 18
	}
	if o.NgramEpochs == 0 {
		o.NgramEpochs = 4
	}
	switch {
	case o.Folds < 2 || o.Folds > 16:
		return o, fmt.Errorf("domain options: folds %d outside 2..16", o.Folds)
	case o.NgramBits < 12 || o.NgramBits > 22:
		return o, fmt.Errorf("domain options: ngram bits %d outside 12..22", o.NgramBits)
	case o.NgramEpochs < 1 || o.NgramEpochs > 50:
		return o, fmt.Errorf("domain options: ngram epochs %d outside 1..50", o.NgramEpochs)
	}
	return o, nil
}

// Domain is the default domain-name feature set: heidgaf44 followed by
// features that generalise to unseen DGA families and benign sources. Part of
// it is learned from training rows by FitDomain.
//
// Every learned part exists once per cross-fitting fold, fitted without the
// names of that fold, and Extract always uses the parts of the name's own
// fold. A name's fold is its hash, but a training DGA name's fold is the one
// that held out its whole family (folds.go), so its values are those a name
// of an unseen family gets. So the vectors a trainer extracts for its
// training rows are out-of-fold (a row never sees a model that learned from
// it), while a new name gets the same kind of value, with no train/serve
// difference and no special call for training. A Domain is safe for concurrent use; the
// zero Domain is not usable (Extract panics): make one with FitDomain or
// Lookup.
//
// A Domain fitted on benign rows only (BenignOnly) learned everything that
// benign names teach (the trigram model, public-suffix counts, benign
// words) but has no n-gram model, which needs both classes: its
// ngram_score is 0, the neutral logit (even odds), for every name, and its
// tld_benign_ratio is 1 for every name, since every counted name is benign.
type Domain struct {
	opts       DomainOptions
	folds      []domainFold
	pinned     pinnedFolds // training DGA names held out with their family (see folds.go)
	pinIndex   pinnedIndex // derived from pinned
	benignOnly bool
}

// domainFold holds the parts learned without one fold's names.
type domainFold struct {
	trigram       trigramCounts
	tldCounts     map[string]tldCounts
	lm            *trigramModel
	tlds          *tldTable
	ngram         *ngramModel // nil in a benign-only fit
	words         wordCounts  // cross-fitted benign main-label word counts (wordfreq.go)
	trainedOnRows int
}

// FitDomain learns the domain set's state from TRAINING rows only (never
// validation or test rows): benign character trigrams, public-suffix benign
// ratios, the words benign main labels use and the n-gram model, each cross-fitted over opts.Folds folds. When
// the malicious rows name at least opts.Folds families, each family falls
// into one fold as a whole. Rows with no malicious row among them (the
// baseline of an isolation forest) give a benign-only fit: everything but
// the n-gram model (see Domain).
func FitDomain(rows []datasets.Row, opts DomainOptions) (*Domain, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	var benign, malicious int
	for i, r := range rows {
		switch r.Label {
		case 0:
			benign++
		case 1:
			malicious++
		default:
			return nil, fmt.Errorf("fit domain: row %d (%q) has label %d, want 0 or 1", i, r.Name, r.Label)
		}
	}
	if benign == 0 {
		return nil, fmt.Errorf("fit domain: need benign rows (and malicious ones for the n-gram model), got %d benign and %d malicious", benign, malicious)
	}
	benignOnly := malicious == 0
	names := make([]string, len(rows))
	labels := make([]int8, len(rows))
	for i, r := range rows {
		names[i] = lowerASCII(strings.Trim(r.Name, "."), nil)
		labels[i] = int8(r.Label)
	}
	foldOfRow, pinned := assignFolds(rows, names, opts.Folds)
	// The distinct main labels of benign names, each split into words once
	// (wordIDs[wordAt[j]:wordAt[j+1]]), with the folds of their names: a
	// fold counts a label's words once if a benign name outside the fold
	// has that main label, so the counts are how many distinct benign
	// labels use a word, not how many names (a brand's many hosts count once).
	mainIndex := map[string]int{}
	var mainFolds []uint16
	wordAt := []int{0}
	var wordIDs []int32
	for i, name := range names {
		if labels[i] != 0 {
			continue
		}
		main := splitDomain(name).main
		j, ok := mainIndex[main]
		if !ok {
			j = len(mainFolds)
			mainIndex[main] = j
			mainFolds = append(mainFolds, 0)
			wordIDs = benignWordIDs(main, wordIDs)
			wordAt = append(wordAt, len(wordIDs))
		}
		mainFolds[j] |= 1 << foldOfRow[i]
	}
	d := &Domain{opts: opts, folds: make([]domainFold, opts.Folds), pinned: pinned, pinIndex: newPinnedIndex(pinned), benignOnly: benignOnly}
	trainer := ngramTrainer{bits: opts.NgramBits, epochs: opts.NgramEpochs, rate: 2, l2: 1e-6}
	var g errgroup.Group
	g.SetLimit(2) // folds are independent; each writes only d.folds[k]
	for k := range d.folds {
		g.Go(func() error {
			var foldNames []string
			var foldLabels []int8
			f := domainFold{trigram: newTrigramCounts(), tldCounts: map[string]tldCounts{}, words: newWordCounts()}
			for i, name := range names {
				if foldOfRow[i] == k {
					continue
				}
				foldNames = append(foldNames, name)
				foldLabels = append(foldLabels, labels[i])
				tld := splitDomain(name).suffix // the "TLD" of tld_benign_ratio
				c := f.tldCounts[tld]
				c.Total++
				if labels[i] == 0 {
					c.Benign++
					f.trigram.addLabels(name)
				}
				f.tldCounts[tld] = c
			}
			f.trainedOnRows = len(foldNames)
			for j, folds := range mainFolds {
				if folds&^(1<<k) != 0 {
					for _, id := range wordIDs[wordAt[j]:wordAt[j+1]] {
						f.words[id]++
					}
				}
			}
			if !benignOnly {
				rng := rand.New(rand.NewPCG(opts.Seed, uint64(k)))
				texts := make([]string, len(foldNames))
				for i, n := range foldNames {
					texts[i] = ngramText(n)
				}
				m, err := trainer.train(texts, foldLabels, rng)
				if err != nil {
					return fmt.Errorf("fit domain: fold %d: %w", k, err)
				}
				f.ngram = m
			}
			if err := f.derive(benignOnly); err != nil {
				return fmt.Errorf("fit domain: fold %d: %w", k, err)
			}
			d.folds[k] = f
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return d, nil
}

// derive builds the lookup structures of a fold from its counts; a fold of
// a benign-only fit has no n-gram model, any other fold must have one.
func (f *domainFold) derive(benignOnly bool) error {
	lm, err := newTrigramModel(f.trigram)
	if err != nil {
		return err
	}
	switch {
	case f.ngram == nil && !benignOnly:
		return errors.New("fold has no n-gram model")
	case f.ngram != nil && benignOnly:
		return errors.New("fold of a benign-only fit has an n-gram model")
	}
	f.lm = lm
	if err := checkWordCounts(f.words); err != nil {
		return err
	}
	f.tlds = newTLDTable(f.tldCounts)
	return nil
}

// foldOf assigns a normalised name to a cross-fitting fold by its FNV-1a hash.
func foldOf(name string, folds int) int {
	return int(nameHash(name) % uint64(folds))
}

// Name implements Set.
func (d *Domain) Name() string { return "domain" }

// Version implements Set.
func (d *Domain) Version() int { return DomainVersion }

// Names implements Set.
func (d *Domain) Names() []string {
	out := make([]string, 0, DomainLen)
	out = append(out, heidgaf44Names[:]...)
	return append(out, domainExtraNames[:]...)
}

// Options returns the options the set was fitted with, defaults filled in.
func (d *Domain) Options() DomainOptions { return d.opts }

// BenignOnly reports whether the set was fitted on benign rows only, so its
// ngram_score is always 0 and its tld_benign_ratio always 1 (see Domain).
func (d *Domain) BenignOnly() bool { return d.benignOnly }

// Extract implements Set; dst must hold at least DomainLen values. Names are
// lower-cased as they are read, so "Example.COM" and "example.com" agree on
// every feature but heidgaf44's case-sensitive ones.
func (d *Domain) Extract(name string, dst []float64) {
	dst = dst[:DomainLen]
	extractHeidgaf44(name, dst[:Heidgaf44Len])
	var buf [253]byte
	lower := lowerASCII(strings.Trim(name, "."), &buf)
	f := &d.folds[d.foldOfName(lower)]
	p := splitDomain(lower)
	x := dst[Heidgaf44Len:]
	lex := lexical(p.main)
	x[0] = float64(len(p.main))
	x[1] = lex.vowelRatio
	x[2] = lex.digitRatio
	x[3] = lex.consonantRun
	x[4] = lex.uniqueRatio
	x[5] = lex.hexOnly
	x[6] = lex.letterDigitMix
	x[7] = lex.hyphens
	x[8] = f.lm.meanLogProb(p.main)
	x[9] = f.lm.minLabelLogProb(lower)
	x[10] = f.tlds.benignRatio(p.suffix)
	var split wordSplit
	ws := segmentWordsSplit(englishTrie(), p.main, &split)
	x[11] = ws.coverage
	x[12] = ws.count
	x[13] = ws.longest
	x[14] = ws.coverage4
	x[15] = englishTrigram().meanLogProb(p.main)
	x[16] = 0 // a benign-only fit has no n-gram model: the neutral logit
	if f.ngram != nil {
		x[16] = f.ngram.score(p.main)
	}
	x[17] = f.words.unseenShare(englishTrie(), &split, len(p.main))
}

// lowerASCII lower-cases the ASCII letters of s (other bytes are kept), in
// buf when buf is not nil and s fits (the longest valid name does), else in
// a new string.
func lowerASCII(s string, buf *[253]byte) string {
	first := -1
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			first = i
			break
		}
	}
	if first < 0 {
		return s
	}
	var b []byte
	if buf != nil && len(s) <= len(buf) {
		b = buf[:len(s)]
	} else {
		b = make([]byte, len(s))
	}
	copy(b, s)
	for i := first; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return unsafeString(b)
}

// ngramText is the part of a normalised name the n-gram model reads: its
// main label. Measured on held-out families and benign sources, the main
// label alone generalises better than the whole name or the name without TLD.
func ngramText(name string) string { return splitDomain(name).main }
