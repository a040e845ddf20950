package tokens

import (
	"encoding/json"
	"fmt"
)

// DomainVersion changes whenever Domain gives different ids for the same
// stored tokenizer; a stored tokenizer of another version does not load.
const DomainVersion = 1

// domainJSON is the stored form of a Domain tokenizer.
type domainJSON struct {
	Tokenizer string `json:"tokenizer"`
	Version   int    `json:"version"`
	Alphabet  string `json:"alphabet"`
	MaxLen    int    `json:"max_len"`
}

// MarshalJSON writes the tokenizer canonically.
func (d *Domain) MarshalJSON() ([]byte, error) {
	return json.Marshal(domainJSON{Tokenizer: DomainName, Version: DomainVersion, Alphabet: DomainAlphabet, MaxLen: d.maxLen})
}

// UnmarshalJSON reads what MarshalJSON writes; a different alphabet or a
// missing max len is an error.
func (d *Domain) UnmarshalJSON(data []byte) error {
	var j domainJSON
	if err := decodeStrict(data, &j); err != nil {
		return fmt.Errorf("domain tokenizer: %w", err)
	}
	switch {
	case j.Tokenizer != DomainName:
		return fmt.Errorf("domain tokenizer: stored tokenizer is %q, want %q", j.Tokenizer, DomainName)
	case j.Version != DomainVersion:
		return fmt.Errorf("domain tokenizer: stored version %d, this build reads version %d", j.Version, DomainVersion)
	case j.Alphabet != DomainAlphabet:
		return fmt.Errorf("domain tokenizer: stored alphabet %q, want %q", j.Alphabet, DomainAlphabet)
	case j.MaxLen == 0:
		return fmt.Errorf("domain tokenizer: no max len")
	}
	parsed, err := NewDomain(j.MaxLen)
	if err != nil {
		return err
	}
	*d = *parsed
	return nil
}
