package txtgen

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"regexp"
	"strings"
	"testing"
)

// Each tunnel answer decodes as its tool's client would decode it.

func TestIodineAnswersDecodeInTheirCodec(t *testing.T) {
	codecs := map[byte]int{}
	for _, r := range iodineFamily.Generate(1, 500) {
		body := r.Text[1:]
		var err error
		var data []byte
		switch c := r.Text[0]; c {
		case 't':
			data, err = iodineBase32.DecodeString(body)
		case 's':
			data, err = iodineBase64.DecodeString(body)
		case 'u':
			data, err = iodineBase64u.DecodeString(body)
		case 'v':
			for i := 0; i < len(body); i++ {
				if bytes.IndexByte(iodineBase128Alphabet, body[i]) < 0 {
					t.Fatalf("%q: byte %#x is not in cb128", r.Text, body[i])
				}
			}
		case 'r':
		default:
			t.Fatalf("%q: codec %q", r.Text, c)
		}
		if err != nil || (r.Text[0] != 'v' && r.Text[0] != 'r' && len(data) < 2) {
			t.Fatalf("%q: %d bytes, %v", r.Text, len(data), err)
		}
		codecs[r.Text[0]]++
	}
	if len(codecs) != 5 {
		t.Fatalf("codecs %v, want t, s, u, v and r", codecs)
	}
}

func TestIodineBase128MatchesIodine(t *testing.T) {
	// src/base128.c: the first character is the top 7 bits of the first
	// byte; 7 bytes give 8 characters.
	got := iodineBase128([]byte{0xff, 0, 0, 0, 0, 0, 0x01})
	if len(got) != 8 || got[0] != iodineBase128Alphabet[0x7f] || got[1] != iodineBase128Alphabet[0x40] || got[7] != iodineBase128Alphabet[1] {
		t.Fatalf("%q", got)
	}
}

func TestDnscat2AnswersAreHexPackets(t *testing.T) {
	for _, r := range dnscat2Family.Generate(1, 300) {
		p, err := hex.DecodeString(r.Text)
		if err != nil || len(r.Text) > 241 || len(p) < 7 || r.Text != strings.ToLower(r.Text) {
			t.Fatalf("%q: %v", r.Text, err)
		}
		if typ := p[2]; typ > 0x03 {
			t.Fatalf("%q: packet type %#x", r.Text, typ)
		}
	}
}

func TestSliverAnswersDecodeInItsAlphabet(t *testing.T) {
	for _, r := range sliverFamily.Generate(1, 300) {
		if _, err := sliverBase64.DecodeString(r.Text); err != nil {
			t.Fatalf("%q: %v", r.Text, err)
		}
	}
}

func TestCobaltStrikeAnswersFitItsLimits(t *testing.T) {
	for _, r := range cobaltStrikeFamily.Generate(1, 300) {
		if len(r.Text) > 255 {
			t.Fatalf("%d characters", len(r.Text))
		}
	}
}

func TestShortFormatAnswers(t *testing.T) {
	for _, c := range []struct {
		f  Family
		re string
	}{
		{godohFamily, `^v=(B2B3FE1C|D31CFAA4|A9F466E8,p=[0-9a-f]+)$`},
		{chashellFamily, `^(-|[0-9a-f]{130,240})$`},
		{dnscapyFamily, `^([0-4])(\.[0-9]+)*(\.[A-Za-z0-9+/=]{1,63})*$`},
		{dnsExfiltratorFamily, `^(OK|[0-9]+)$`},
		{ozymanFamily, `^(Hi:  .*|([A-Za-z0-9+/=]{1,76}\n)+)$`},
	} {
		re := regexp.MustCompile(c.re)
		for _, r := range c.f.Generate(1, 300) {
			if !re.MatchString(r.Text) {
				t.Fatalf("%s: %q does not match %s", c.f.Name, r.Text, c.re)
			}
		}
	}
}

func TestDKIMKeysAreSubjectPublicKeyInfo(t *testing.T) {
	keys := 0
	for _, r := range dkimFamily.Generate(1, 300) {
		i := strings.Index(r.Text, "p=")
		if i < 0 || i+2 == len(r.Text) {
			continue
		}
		key, _, _ := strings.Cut(r.Text[i+2:], ";")
		der, err := base64.StdEncoding.DecodeString(key)
		if err != nil || (der[0] != 0x30 && len(der) != 32) {
			t.Fatalf("%q: %v", r.Text, err)
		}
		keys++
	}
	if keys < 250 {
		t.Fatalf("%d keys in 300 records", keys)
	}
}
