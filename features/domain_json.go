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
	Folds   []foldState   `json:"folds"`
	Options DomainOptions `json:"options"`
	// Pinned are the folds of training DGA names cross-fitted with their
	// family, as little-endian uint64 entries (base64 in JSON).
	Pinned  []byte `json:"pinned,omitempty"`
	Set     string `json:"set"`
	Version int    `json:"version"`
}

// foldState is the JSON form of what one fold learned.
type foldState struct {
	Ngram ngramState `json:"ngram"`
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
	st := domainState{Options: d.opts, Set: d.Name(), Version: d.Version()}
	if len(d.pinned) > 0 {
		st.Pinned = make([]byte, 0, 8*len(d.pinned))
		for _, v := range d.pinned {
			st.Pinned = binary.LittleEndian.AppendUint64(st.Pinned, v)
		}
	}
	for _, f := range d.folds {
		w := make([]byte, len(f.ngram.weights))
		for i, v := range f.ngram.weights {
			w[i] = byte(v)
		}
		st.Folds = append(st.Folds, foldState{
			Ngram:    ngramState{Bias: f.ngram.bias, Bits: f.ngram.bits, Scale: f.ngram.scale, Weights: w},
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
		if fs.Ngram.Bits != opts.NgramBits || len(fs.Ngram.Weights) != 1<<opts.NgramBits {
			return fmt.Errorf("domain state: fold %d: %d n-gram weights of %d bits, want %d bits", k, len(fs.Ngram.Weights), fs.Ngram.Bits, opts.NgramBits)
		}
		if !finite(fs.Ngram.Bias) || !finite(fs.Ngram.Scale) || fs.Ngram.Scale <= 0 {
			return fmt.Errorf("domain state: fold %d: bad n-gram bias %v or scale %v", k, fs.Ngram.Bias, fs.Ngram.Scale)
		}
		counts, err := unpackCounts(fs.Trigrams, trigramSize)
		if err != nil {
			return fmt.Errorf("domain state: fold %d: %w", k, err)
		}
		words, err := unpackCounts(fs.Words, englishTrie().words)
		if err != nil {
			return fmt.Errorf("domain state: fold %d: words: %w", k, err)
		}
		w := make([]int8, len(fs.Ngram.Weights))
		for i, v := range fs.Ngram.Weights {
			w[i] = int8(v)
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
			ngram:         &ngramModel{bits: fs.Ngram.Bits, weights: w, scale: fs.Ngram.Scale, bias: fs.Ngram.Bias},
			trainedOnRows: fs.Rows,
		}
		if err := folds[k].derive(); err != nil {
			return fmt.Errorf("domain state: fold %d: %w", k, err)
		}
	}
	d.opts = opts
	d.folds = folds
	d.pinned = pinned
	return nil
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
