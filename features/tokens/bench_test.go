package tokens

import (
	"strings"
	"testing"
)

// benchTXT fits the default tokenizer on the fixture.
func benchTXT(b *testing.B) (*TXT, []string) {
	records := readFixture(b)
	tok, err := FitTXT(records, TXTOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return tok, records
}

// BenchmarkTXTEncode encodes the fixture's records in turn: one op is one
// record (168 n-grams on average, from none to 1,536).
func BenchmarkTXTEncode(b *testing.B) {
	tok, records := benchTXT(b)
	dst := make([]int32, 0, tok.MaxLen())
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dst = tok.Encode(records[i%len(records)], dst[:0])
		i++
	}
}

// BenchmarkTXTEncodeSPF encodes one typical SPF record (174 n-grams).
func BenchmarkTXTEncodeSPF(b *testing.B) {
	tok, _ := benchTXT(b)
	dst := make([]int32, 0, tok.MaxLen())
	b.ReportAllocs()
	for b.Loop() {
		dst = tok.Encode("v=spf1 include:_spf.example.net include:mail.example.org ~all", dst[:0])
	}
}

// BenchmarkTXTEncodeParallel is BenchmarkTXTEncode on every core.
func BenchmarkTXTEncodeParallel(b *testing.B) {
	tok, records := benchTXT(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		dst := make([]int32, 0, tok.MaxLen())
		i := 0
		for pb.Next() {
			dst = tok.Encode(records[i%len(records)], dst[:0])
			i++
		}
	})
}

// BenchmarkFitTXT fits the default vocabulary on the fixture (45 records).
func BenchmarkFitTXT(b *testing.B) {
	records := readFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FitTXT(records, TXTOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDomainEncode encodes one 24-character name.
func BenchmarkDomainEncode(b *testing.B) {
	d, _ := NewDomain(0)
	dst := make([]int32, 0, d.MaxLen())
	b.ReportAllocs()
	for b.Loop() {
		dst = d.Encode("r3---sn-4g5e6nzz.example.com.", dst[:0])
	}
}

// BenchmarkDomainEncodeLong encodes a name past MaxLen, which is cut.
func BenchmarkDomainEncodeLong(b *testing.B) {
	d, _ := NewDomain(0)
	name := strings.Repeat("abcdefgh.", 40)
	dst := make([]int32, 0, d.MaxLen())
	b.ReportAllocs()
	for b.Loop() {
		dst = d.Encode(name, dst[:0])
	}
}
