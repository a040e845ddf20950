package tokens

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// vocabularyJSON is the stored form of a Vocabulary: the reserved terms,
// then the kept terms in id order with their training counts.
type vocabularyJSON struct {
	Reserved []string `json:"reserved"`
	Terms    []string `json:"terms"`
	Counts   []int64  `json:"counts"`
}

// MarshalJSON writes the vocabulary in its canonical form: the same
// vocabulary always gives the same bytes. It escapes <, > and & as
// json.Marshal does, so the bytes are the same however it is called.
func (v *Vocabulary) MarshalJSON() ([]byte, error) {
	return json.Marshal(vocabularyJSON{
		Reserved: []string{PadTerm, UnkTerm},
		Terms:    v.terms,
		Counts:   v.counts,
	})
}

// UnmarshalJSON reads what MarshalJSON writes; unknown keys, terms out of
// canonical order, duplicates and reserved terms are errors.
func (v *Vocabulary) UnmarshalJSON(data []byte) error {
	var j vocabularyJSON
	if err := decodeStrict(data, &j); err != nil {
		return fmt.Errorf("vocabulary: %w", err)
	}
	if len(j.Reserved) != 2 || j.Reserved[Pad] != PadTerm || j.Reserved[Unk] != UnkTerm {
		return fmt.Errorf("vocabulary: reserved terms %q, want [%q %q]", j.Reserved, PadTerm, UnkTerm)
	}
	if j.Terms == nil {
		j.Terms = []string{}
	}
	if j.Counts == nil {
		j.Counts = []int64{}
	}
	parsed, err := vocabularyOf(j.Terms, j.Counts)
	if err != nil {
		return err
	}
	*v = *parsed
	return nil
}

// decodeStrict decodes one JSON value into v; unknown keys and trailing
// data are errors.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data after the JSON value")
	}
	return nil
}
