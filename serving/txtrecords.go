package serving

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"github.com/mlctl/mlctl/datasets"
)

// This file reads the TXT records a source saw answered: from the answer
// section of a DNS message (dnstap responses) and from the answers column of
// a Zeek dns.log. What one record's text is differs between the two for a
// TXT record of several character-strings (RFC 1035 §3.3.14):
//
//   - from a DNS message it is the character-strings concatenated without
//     anything between them, as RFC 7208 §3.3 (SPF) and RFC 6376 §3.6.2.2
//     (DKIM) read TXT records, and as the txt corpora hold long records (a
//     420-byte DKIM key is one record; features/tokens sizes MaxLen for two
//     255-byte strings). dig's quoted `"a" "b"` is a presentation form, and
//     miekg/dns's TXT.Txt escapes bytes (\DDD), so the message is read here
//     byte for byte;
//   - Zeek writes each string as "TXT <len> <string>" and joins them with a
//     space (dns_TXT_reply in scripts/base/protocols/dns/main.zeek), so a
//     two-string record is "TXT 3 abc TXT 2 de". datasets.ZeekTXT undoes
//     that form (strings concatenated), the same for a dns.log ingested for
//     training and one followed here; text from elsewhere is never read as
//     Zeek's form.
//
// A record of one string, nearly every record there is (each is at most 255
// bytes), is the same text from both.

// dnsAnswerTXT returns the text of each TXT record in the answer section of
// a DNS message, its character-strings concatenated, in message order; nil
// when there is none. Other records are skipped by their length, never
// decoded, so a record type miekg/dns cannot unpack costs nothing. It fails
// only on a message whose question or answer section runs past its end or
// holds a malformed name, or a TXT record whose strings overrun it.
func dnsAnswerTXT(wire []byte) ([]string, error) {
	const header = 12
	if len(wire) < header {
		return nil, fmt.Errorf("%d bytes, shorter than a header", len(wire))
	}
	questions := int(binary.BigEndian.Uint16(wire[4:6]))
	answers := int(binary.BigEndian.Uint16(wire[6:8]))
	if answers == 0 {
		return nil, nil
	}
	off := header
	var err error
	for i := range questions {
		if off, err = skipDNSName(wire, off); err != nil {
			return nil, fmt.Errorf("question %d: %w", i+1, err)
		}
		if off += 4; off > len(wire) {
			return nil, fmt.Errorf("question %d cut short", i+1)
		}
	}
	var out []string
	for i := range answers {
		if off, err = skipDNSName(wire, off); err != nil {
			return nil, fmt.Errorf("answer %d: %w", i+1, err)
		}
		if off+10 > len(wire) {
			return nil, fmt.Errorf("answer %d cut short", i+1)
		}
		typ := binary.BigEndian.Uint16(wire[off:])
		size := int(binary.BigEndian.Uint16(wire[off+8:]))
		off += 10
		if off+size > len(wire) {
			return nil, fmt.Errorf("answer %d: rdata of %d bytes runs past the message", i+1, size)
		}
		if typ == dns.TypeTXT {
			text, err := txtRdata(wire[off : off+size])
			if err != nil {
				return nil, fmt.Errorf("answer %d: TXT %w", i+1, err)
			}
			out = append(out, text)
		}
		off += size
	}
	return out, nil
}

// txtRdata concatenates the character-strings of a TXT record's rdata.
func txtRdata(rdata []byte) (string, error) {
	var b strings.Builder
	b.Grow(len(rdata))
	for off := 0; off < len(rdata); {
		n := int(rdata[off])
		off++
		if off+n > len(rdata) {
			return "", fmt.Errorf("string of %d bytes runs past its rdata", n)
		}
		b.Write(rdata[off : off+n])
		off += n
	}
	return b.String(), nil
}

var errNameCutShort = errors.New("name cut short")

// skipDNSName returns the offset after the (possibly compressed) name at
// off, without reading it: a pointer ends a name, wherever it points.
func skipDNSName(wire []byte, off int) (int, error) {
	for {
		if off >= len(wire) {
			return 0, errNameCutShort
		}
		c := int(wire[off])
		switch c & 0xC0 {
		case 0x00:
			if c == 0 {
				return off + 1, nil
			}
			off += 1 + c
		case 0xC0:
			if off+2 > len(wire) {
				return 0, errNameCutShort
			}
			return off + 2, nil
		default:
			return 0, fmt.Errorf("label type 0x%02x is not in use", c&0xC0)
		}
	}
}

// zeekTXTAnswers splits a dns.log TSV answers field at the set separator
// and undoes Zeek's \xHH escapes (Zeek escapes the separator inside an
// answer), as datasets reads the answers of a TXT query for training, and
// keeps the TXT records (see zeekTXTRecords).
func zeekTXTAnswers(field, setSep string) []string {
	parts := strings.Split(field, setSep)
	for i, a := range parts {
		parts[i] = datasets.UnescapeZeek(a)
	}
	return zeekTXTRecords(parts)
}

// zeekTXTRecords keeps, in place, the answers of a TXT query that Zeek
// wrote as TXT records ("TXT <n> ..."), as the records' text
// (datasets.ZeekTXT): a TXT query answered through a CNAME also lists the
// alias's target, a name and no TXT record. Nil when none is left.
func zeekTXTRecords(answers []string) []string {
	out := answers[:0]
	for _, a := range answers {
		if datasets.IsZeekTXT(a) {
			out = append(out, datasets.ZeekTXT(a))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
