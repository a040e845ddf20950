// Package tokens turns one input (a DNS TXT record, a domain name) into a
// sequence of integer token ids for a sequence model such as an LSTM.
// Training and serving call the same Encode, so there is no train/serve skew.
//
// Two tokenizers satisfy Tokenizer:
//
//   - TXT reproduces the TXT notebook's TXT-record preprocessing and its
//     scikit-learn char_wb 2–4-gram analyzer, with a vocabulary of the most
//     frequent training n-grams (FitTXT) that serialises to canonical JSON.
//   - Domain reads a domain name character by character over a fixed DNS
//     alphabet.
//
// Both reserve id 0 for Pad and id 1 for Unk.
package tokens
