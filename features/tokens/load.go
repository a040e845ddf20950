package tokens

import (
	"encoding/json"
	"fmt"
)

// Load reads a tokenizer stored by MarshalJSON (as a model artifact keeps
// it), whichever kind it is.
func Load(data []byte) (Tokenizer, error) {
	var head struct {
		Tokenizer string `json:"tokenizer"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	switch head.Tokenizer {
	case TXTName:
		t := new(TXT)
		if err := t.UnmarshalJSON(data); err != nil {
			return nil, err
		}
		return t, nil
	case DomainName:
		d := new(Domain)
		if err := d.UnmarshalJSON(data); err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, fmt.Errorf("tokenizer: unknown tokenizer %q (want %q or %q)", head.Tokenizer, TXTName, DomainName)
}
