package datasets

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
)

// demoFamily makes the i-th name of one synthetic family.
type demoFamily struct {
	name  string
	label int
	make  func(g *familyGen, i int) string
}

// familyGen is the per-family state: its own random stream and LCG state.
type familyGen struct {
	rng   *rand.Rand
	state uint32
	key   uint64
}

// demoFamilies imitate the style of real DGA families (not their exact
// algorithms) and of two benign sources: registered domains as popularity
// lists give them and full hostnames as resolvers see them.
var demoFamilies = []demoFamily{
	{name: "conficker", label: 1, make: genConficker},
	{name: "ramnit", label: 1, make: genRamnit},
	{name: "murofet", label: 1, make: genMurofet},
	{name: "newgoz", label: 1, make: genNewGoz},
	{name: "suppobox", label: 1, make: genSuppobox},
	{name: "matsnu", label: 1, make: genMatsnu},
	{name: "popular", label: 0, make: genPopular},
	{name: "hostnames", label: 0, make: genHostname},
}

// GenerateDemo returns n synthetic labeled names, about half DGA-style
// (families conficker, ramnit, murofet, newgoz, suppobox, matsnu) and half
// benign-looking (families popular and hostnames), sorted by name, label and
// family. Names are unique; the same seed gives the same rows. Fewer than n
// rows come back only when n is beyond what the built-in word lists can
// make unique (millions).
func GenerateDemo(seed uint64, n int) []Row {
	if n <= 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x6d6c63746c64656d))
	var dga, benign []demoFamily
	for _, f := range demoFamilies {
		if f.label == 1 {
			dga = append(dga, f)
		} else {
			benign = append(benign, f)
		}
	}
	nDGA := n / 2
	seen := make(map[string]bool, n)
	rows := make([]Row, 0, n)
	for _, group := range []struct {
		fams  []demoFamily
		total int
	}{{dga, nDGA}, {benign, n - nDGA}} {
		for k, f := range group.fams {
			want := group.total / len(group.fams)
			if k < group.total%len(group.fams) {
				want++
			}
			g := &familyGen{rng: rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64())), state: rng.Uint32() | 1, key: rng.Uint64()}
			for i, got := 0, 0; got < want && i < 50*want+1000; i++ {
				name := f.make(g, i)
				if seen[name] {
					continue
				}
				seen[name] = true
				rows = append(rows, Row{Name: name, Label: f.label, Family: f.name})
				got++
			}
		}
	}
	slices.SortFunc(rows, compareRows)
	return rows
}

// letters turns a stream of numbers into lower-case letters.
func letters(n int, next func() uint32) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(next()%26)
	}
	return string(b)
}

// genConficker: short random letters from a linear congruential generator,
// under many top-level domains.
func genConficker(g *familyGen, _ int) string {
	next := func() uint32 { g.state = g.state*1103515245 + 12345; return g.state >> 16 }
	tlds := []string{"com", "net", "org", "info", "biz", "ws", "cc", "cn"}
	return letters(4+int(next()%7), next) + "." + tlds[next()%uint32(len(tlds))]
}

// genRamnit: longer names from a Park–Miller generator, always .com.
func genRamnit(g *familyGen, _ int) string {
	next := func() uint32 {
		g.state = uint32(uint64(g.state) * 16807 % 2147483647)
		if g.state == 0 {
			g.state = 1
		}
		return g.state
	}
	return letters(8+int(next()%12), next) + ".com"
}

// genMurofet: letters taken from an MD5 of a key and counter.
func genMurofet(g *familyGen, i int) string {
	sum := md5.Sum(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, g.key), uint64(i)))
	b := make([]byte, 0, 16)
	for _, c := range sum[:8+int(sum[15]%8)] {
		b = append(b, 'a'+(c&0x0f)+(c>>4&0x07))
	}
	tlds := []string{"biz", "info", "org", "net", "com"}
	return string(b) + "." + tlds[int(sum[14])%len(tlds)]
}

// genNewGoz: an MD5 written in base 36, letters and digits.
func genNewGoz(g *familyGen, i int) string {
	sum := md5.Sum([]byte(fmt.Sprintf("%x-%d", g.key, i)))
	hi, lo := binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])
	s := strconv.FormatUint(hi, 36) + strconv.FormatUint(lo, 36)
	if len(s) > 28 {
		s = s[:28]
	}
	tlds := []string{"com", "net", "org", "biz"}
	return s + "." + tlds[int(sum[0])%len(tlds)]
}

// genSuppobox: two words run together, .net or .ru.
func genSuppobox(g *familyGen, _ int) string {
	tlds := []string{"net", "net", "ru"}
	return word(g.rng) + word(g.rng) + "." + tlds[g.rng.IntN(len(tlds))]
}

// genMatsnu: three words, sometimes hyphenated, .com.
func genMatsnu(g *familyGen, _ int) string {
	sep := ""
	if g.rng.IntN(3) == 0 {
		sep = "-"
	}
	return word(g.rng) + sep + word(g.rng) + sep + word(g.rng) + ".com"
}

// genPopular: a registered domain such as a popularity list holds.
func genPopular(g *familyGen, _ int) string {
	var base string
	switch r := g.rng.IntN(10); {
	case r < 4:
		base = word(g.rng)
	case r < 7:
		base = word(g.rng) + word(g.rng)
	case r < 9:
		base = word(g.rng) + "-" + word(g.rng)
	default:
		base = word(g.rng) + strconv.Itoa(g.rng.IntN(100))
	}
	return base + "." + tld(g.rng)
}

// genHostname: a full hostname under a registered domain, as resolvers see.
func genHostname(g *familyGen, i int) string {
	domain := genPopular(g, i)
	switch r := g.rng.IntN(10); {
	case r < 5:
		return benignHosts[g.rng.IntN(len(benignHosts))] + "." + domain
	case r < 7:
		return "cdn-" + word(g.rng) + "." + domain
	case r < 9:
		regions := []string{"us-east-1", "eu-west-1", "ap-south-1", "eu-central-1"}
		return benignHosts[g.rng.IntN(len(benignHosts))] + "." + regions[g.rng.IntN(len(regions))] + "." + domain
	default:
		return word(g.rng) + strconv.Itoa(1+g.rng.IntN(20)) + "." + benignHosts[g.rng.IntN(len(benignHosts))] + "." + domain
	}
}

// word picks one demo word.
func word(rng *rand.Rand) string { return demoWords[rng.IntN(len(demoWords))] }

// tld picks a top-level domain with benignTLDs' weights.
func tld(rng *rand.Rand) string {
	total := 0
	for _, t := range benignTLDs {
		total += t.weight
	}
	r := rng.IntN(total)
	for _, t := range benignTLDs {
		if r < t.weight {
			return t.tld
		}
		r -= t.weight
	}
	return benignTLDs[0].tld
}

// WriteCSV writes rows as CSV with the header domain,label,family, the
// shape ReadDGA reads back.
func WriteCSV(w io.Writer, rows []Row) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"domain", "label", "family"}); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	for _, r := range rows {
		if err := cw.Write([]string{r.Name, strconv.Itoa(r.Label), r.Family}); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}
