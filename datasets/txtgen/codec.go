package txtgen

import (
	"encoding/base32"
	"encoding/base64"
	"strings"
)

// The tools' own alphabets. Each encodes most significant bits first, as
// RFC 4648 does, and none pads.
var (
	// iodineBase32 is iodine's src/base32.c cb32.
	iodineBase32 = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz012345").WithPadding(base32.NoPadding)
	// iodineBase64 is iodine's src/base64.c cb64.
	iodineBase64 = base64.NewEncoding("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789+").WithPadding(base64.NoPadding)
	// iodineBase64u is cb64 with '_' for '+' (src/Makefile makes
	// base64u.c from base64.c with that sed).
	iodineBase64u = base64.NewEncoding("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789_").WithPadding(base64.NoPadding)
	// sliverBase64 is Sliver's util/encoders/base64.go alphabet.
	sliverBase64 = base64.NewEncoding("a0b2c5def6hijklmnopqr_st-uvwxyzA1B3C4DEFGHIJKLM7NO9PQR8ST+UVWXYZ").WithPadding(base64.NoPadding)
)

// iodineBase128Alphabet is iodine's src/base128.c cb128: letters, digits
// and the Latin-1 bytes 0xbc–0xfd, so a Base128 answer is not UTF-8.
var iodineBase128Alphabet = func() []byte {
	a := []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
	for c := 0xbc; c <= 0xfd; c++ {
		a = append(a, byte(c))
	}
	return a
}()

// iodineBase128 encodes data 7 bits a character, most significant first,
// as src/base128.c does (7 input bytes give 8 characters; a last partial
// group gives one character more than its bytes).
func iodineBase128(data []byte) string {
	var out []byte
	var acc uint32
	bits := 0
	for _, b := range data {
		acc = acc<<8 | uint32(b)
		bits += 8
		for bits >= 7 {
			bits -= 7
			out = append(out, iodineBase128Alphabet[(acc>>bits)&0x7f])
		}
	}
	if bits > 0 {
		out = append(out, iodineBase128Alphabet[(acc<<(7-bits))&0x7f])
	}
	return string(out)
}

// perlBase64 is MIME::Base64's encode_base64 with its default end of
// line: standard base64 with "\n" after every 76 characters and at the
// end; empty input gives "".
func perlBase64(data []byte) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteByte('\n')
		s = s[76:]
	}
	if s != "" {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	return b.String()
}

// chunks splits s into pieces of at most n bytes.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}
