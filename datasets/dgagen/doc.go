// Package dgagen generates domain names the way domain generation
// algorithms (DGAs) make them, by generation scheme rather than by family,
// and benign names of the kinds real networks resolve but popularity lists
// miss. Training on many parameterisations of each scheme teaches a model
// what a scheme looks like, so it recognises families it never saw.
//
// The schemes follow the taxonomy of Plohmann et al., "A Comprehensive
// Measurement Study of Domain Generating Malware" (USENIX Security 2016),
// and DGArchive's descriptions of the families it tracks:
//
//   - arithmetic (A): characters drawn from an alphabet by a pseudo-random
//     generator (conficker, necurs, ramnit, tinba, ranbyus, corebot…), with
//     letter, letter-and-digit, consonant-vowel (pronounceable: pykspa,
//     simda, kraken, proslikefan) and skewed alphabets, fixed or ranged
//     lengths;
//   - hash (H): a hash digest of a date and a seed written in hex, base32,
//     base36 or mapped onto letters (bamital, murofet/gameover, newgoz,
//     dyre);
//   - wordlist (W): 2–6 words from one or several dictionaries (English
//     words, verbs and nouns, first and last names, function words, the
//     words of a text) run together, with optional separators and digits
//     (suppobox, matsnu, rovnix, gozi, nymaim2, bigviktor, pizd);
//   - permutation (P): a seed string whose characters are rotated,
//     replaced or shuffled per day (banjori, dnschanger-like, zloader-like).
//
// Seed and date handling (a counter, the date, a fixed seed) only changes
// which names come out, not what they look like, so every scheme here draws
// from a seeded stream; what varies per parameterisation is what a model
// can see: the alphabet, the length distribution, the dictionaries and how
// words are joined, the digits, and the TLD set (generic TLDs, the ccTLDs
// and new gTLDs DGAs favour, and dynamic-DNS suffixes such as ddns.net and
// duckdns.org, from DGArchive's per-family TLD lists).
//
// Benign names (benign.go) cover what popularity lists lack and real
// networks query all day: enterprise and internal hostnames, CDN and cloud
// hostnames whose labels are hashes, mail and service names.
//
// Everything is seeded: the same seed and count give the same rows.
// The word lists are in words.go: function words and common English verbs,
// nouns and adjectives chosen here, and common US first and last names
// (after the US Census Bureau's frequency lists).
package dgagen

// Version is the version of what the generators make; a change to any
// scheme, word list or benign kind that changes the names for a seed
// comes with a new version.
const Version = 1
