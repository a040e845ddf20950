package tokens

import (
	"encoding/json"
	"errors"
	"fmt"
)

// TXTVersion changes whenever TXT gives different ids for the same stored
// tokenizer; a stored tokenizer of another version does not load.
const TXTVersion = 1

// txtJSON is the stored form of a TXT tokenizer, kept in model artifacts.
type txtJSON struct {
	Tokenizer  string      `json:"tokenizer"`
	Version    int         `json:"version"`
	Options    TXTOptions  `json:"options"`
	Vocabulary *Vocabulary `json:"vocabulary"`
}

// MarshalJSON writes the tokenizer canonically: the same training records
// and options always give the same bytes.
func (t *TXT) MarshalJSON() ([]byte, error) {
	return json.Marshal(txtJSON{Tokenizer: TXTName, Version: TXTVersion, Options: t.opts, Vocabulary: t.vocab})
}

// UnmarshalJSON reads what MarshalJSON writes. The options must be stored
// in full (no defaults are filled in on load) and the vocabulary must fit
// them.
func (t *TXT) UnmarshalJSON(data []byte) error {
	var j txtJSON
	if err := decodeStrict(data, &j); err != nil {
		return fmt.Errorf("txt tokenizer: %w", err)
	}
	switch {
	case j.Tokenizer != TXTName:
		return fmt.Errorf("txt tokenizer: stored tokenizer is %q, want %q", j.Tokenizer, TXTName)
	case j.Version != TXTVersion:
		return fmt.Errorf("txt tokenizer: stored version %d, this build reads version %d", j.Version, TXTVersion)
	case j.Vocabulary == nil:
		return errors.New("txt tokenizer: no vocabulary")
	}
	full, err := j.Options.withDefaults()
	if err != nil {
		return err
	}
	if full != j.Options {
		return fmt.Errorf("txt tokenizer: stored options %+v are incomplete", j.Options)
	}
	if n := j.Vocabulary.Size() - 2; n > j.Options.MaxTerms {
		return fmt.Errorf("txt tokenizer: vocabulary holds %d terms, more than max terms %d", n, j.Options.MaxTerms)
	}
	t.opts, t.vocab = j.Options, j.Vocabulary
	return nil
}
