package features

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
)

// domainState is the JSON form of a fitted Domain. Fields are declared in
// the order of their keys, and maps marshal with sorted keys, so the same
// state always gives the same bytes.
type domainState struct {
	// BenignOnly marks a fit on benign rows only: no fold has an n-gram
	// model (omitted otherwise, so two-class states keep their bytes).
	BenignOnly bool          `json:"benign_only,omitempty"`
	Folds      []foldState   `json:"folds"`
	Options    DomainOptions `json:"options"`
	// Pinned are the folds of training DGA names cross-fitted with their
	// family, as little-endian uint64 entries (base64 in JSON).
	Pinned  []byte `json:"pinned,omitempty"`
	Set     string `json:"set"`
	Version int    `json:"version"`
}

// foldState is the JSON form of what one fold learned.
type foldState struct {
	// Ngram is the fold's n-gram model, absent in a benign-only fit.
	Ngram *ngramState `json:"ngram,omitempty"`
	// Rows is how many training rows the fold learned from.
	Rows int `json:"rows"`
	// TLDs are benign and total counts per public suffix (a TLD, co.uk,
	// ddns.net, ...; see publicSuffixLen).
	TLDs map[string]tldCounts `json:"tlds"`
	// Trigrams are benign symbol-trigram counts, packed by packCounts (base64 in JSON).
	Trigrams []byte `json:"trigrams"`
	// Words are benign main-label word counts per word of the embedded
	// list, packed by packCounts (base64 in JSON).
	Words []byte `json:"words"`
}

// ngramState is the JSON form of an ngramModel.
type ngramState struct {
	Bias  float64 `json:"bias"`
	Bits  int     `json:"bits"`
	Scale float64 `json:"scale"`
	// Weights are the int8 weights as bytes (base64 in JSON).
	Weights []byte `json:"weights"`
}

// MarshalJSON encodes the fitted state as deterministic JSON.
func (d *Domain) MarshalJSON() ([]byte, error) {
	st := domainState{BenignOnly: d.benignOnly, Options: d.opts, Set: d.Name(), Version: d.Version()}
	if len(d.pinned) > 0 {
		st.Pinned = make([]byte, 0, 8*len(d.pinned))
		for _, v := range d.pinned {
			st.Pinned = binary.LittleEndian.AppendUint64(st.Pinned, v)
		}
	}
	for _, f := range d.folds {
		var ngram *ngramState
		if f.ngram != nil {
			w := make([]byte, len(f.ngram.weights))
			for i, v := range f.ngram.weights {
				w[i] = byte(v)
			}
			ngram = &ngramState{Bias: f.ngram.bias, Bits: f.ngram.bits, Scale: f.ngram.scale, Weights: w}
		}
		st.Folds = append(st.Folds, foldState{
			Ngram:    ngram,
			Rows:     f.trainedOnRows,
			TLDs:     f.tldCounts,
			Trigrams: packCounts(f.trigram),
			Words:    packCounts(f.words),
		})
	}
	return json.Marshal(st)
}

// UnmarshalJSON restores a state written by MarshalJSON; unknown keys and
// inconsistent values are errors.
func (d *Domain) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var st domainState
	if err := dec.Decode(&st); err != nil {
		return fmt.Errorf("domain state: %w", err)
	}
	if st.Set != "domain" || st.Version != DomainVersion {
		return fmt.Errorf("domain state: set %q version %d, want %q version %d", st.Set, st.Version, "domain", DomainVersion)
	}
	opts, err := st.Options.withDefaults()
	if err != nil {
		return fmt.Errorf("domain state: %w", err)
	}
	if opts != st.Options {
		return fmt.Errorf("domain state: options %+v are incomplete", st.Options)
	}
	if len(st.Folds) != opts.Folds {
		return fmt.Errorf("domain state: %d folds, options say %d", len(st.Folds), opts.Folds)
	}
	if len(st.Pinned)%8 != 0 {
		return fmt.Errorf("domain state: pinned folds have %d bytes, not a multiple of 8", len(st.Pinned))
	}
	var pinned pinnedFolds
	for i := 0; i < len(st.Pinned); i += 8 {
		pinned = append(pinned, binary.LittleEndian.Uint64(st.Pinned[i:]))
	}
	if !pinned.valid(opts.Folds) {
		return fmt.Errorf("domain state: pinned folds are not sorted or name a fold outside 0..%d", opts.Folds-1)
	}
	folds := make([]domainFold, len(st.Folds))
	for k, fs := range st.Folds {
		ngram, err := fs.Ngram.model(opts.NgramBits, st.BenignOnly)
		if err != nil {
			return fmt.Errorf("domain state: fold %d: %w", k, err)
		}
		counts, err := unpackCounts(fs.Trigrams, trigramSize)
		if err != nil {
			return fmt.Errorf("domain state: fold %d: %w", k, err)
		}
		words, err := unpackCounts(fs.Words, englishTrie().words)
		if err != nil {
			return fmt.Errorf("domain state: fold %d: words: %w", k, err)
		}
		tlds := fs.TLDs
		if tlds == nil {
			tlds = map[string]tldCounts{}
		}
		for tld, c := range tlds {
			if c.Benign > c.Total {
				return fmt.Errorf("domain state: fold %d: TLD %q has %d benign of %d", k, tld, c.Benign, c.Total)
			}
		}
		folds[k] = domainFold{
			trigram:       counts,
			words:         words,
			tldCounts:     tlds,
			ngram:         ngram,
			trainedOnRows: fs.Rows,
		}
		if err := folds[k].derive(st.BenignOnly); err != nil {
			return fmt.Errorf("domain state: fold %d: %w", k, err)
		}
	}
	d.opts = opts
	d.folds = folds
	d.pinned = pinned
	d.pinIndex = newPinnedIndex(pinned)
	d.benignOnly = st.BenignOnly
	return nil
}

// model checks a fold's stored n-gram model against the options and
// rebuilds it: absent exactly when the fit was benign-only.
func (s *ngramState) model(bits int, benignOnly bool) (*ngramModel, error) {
	switch {
	case s == nil && benignOnly:
		return nil, nil
	case s == nil:
		return nil, fmt.Errorf("no n-gram model")
	case benignOnly:
		return nil, fmt.Errorf("an n-gram model in a benign-only fit")
	case s.Bits != bits || len(s.Weights) != 1<<bits:
		return nil, fmt.Errorf("%d n-gram weights of %d bits, want %d bits", len(s.Weights), s.Bits, bits)
	case !finite(s.Bias) || !finite(s.Scale) || s.Scale <= 0:
		return nil, fmt.Errorf("bad n-gram bias %v or scale %v", s.Bias, s.Scale)
	}
	w := make([]int8, len(s.Weights))
	for i, v := range s.Weights {
		w[i] = int8(v)
	}
	return &ngramModel{bits: s.Bits, weights: w, scale: s.Scale, bias: s.Bias}, nil
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
