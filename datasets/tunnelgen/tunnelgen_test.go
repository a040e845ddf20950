package tunnelgen

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/features/dnsdomain"
)

var start = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// validName checks the DNS limits: labels of 1..63 bytes, at most 253 in all.
func validName(t *testing.T, who, name string) {
	t.Helper()
	if len(name) > 253 {
		t.Fatalf("%s: name of %d bytes: %s", who, len(name), name)
	}
	for _, l := range strings.Split(name, ".") {
		if len(l) == 0 || len(l) > 63 {
			t.Fatalf("%s: label of %d bytes in %s", who, len(l), name)
		}
	}
}

func TestToolsMakeValidNamesAtTheirRate(t *testing.T) {
	for _, tool := range Tools() {
		for _, rate := range []float64{5, 500} {
			rng := rand.New(rand.NewPCG(1, 2))
			recs, err := Generate(tool, Session{Start: start, Duration: 10 * time.Minute, Rate: rate, Domain: "exfil-test.com"}, rng)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) == 0 {
				t.Fatalf("%s at %v B/s: no queries", tool, rate)
			}
			up := 0
			for _, r := range recs {
				validName(t, tool, r.Name)
				if r.Label != 1 || r.Family != tool || !strings.HasSuffix(r.Name, ".exfil-test.com") && r.Name != "exfil-test.com" {
					t.Fatalf("%s: record %+v", tool, r)
				}
				_, sub, _ := dnsdomain.Split(r.Name)
				up += len(sub)
			}
			// Encoded, the names carry more than the payload (hex 2x, base32 1.6x), never less.
			if got := float64(up) / 600; got < rate*0.8 {
				t.Errorf("%s at %v B/s: %.1f bytes of names a second", tool, rate, got)
			}
		}
	}
	if _, err := Generate("nope", Session{}, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Fatal("unknown tool: no error")
	}
}

func TestBenignLookAlikes(t *testing.T) {
	for _, kind := range BenignKinds() {
		recs, err := BenignTraffic(kind, Session{Start: start, Duration: 2 * time.Minute}, nil, rand.New(rand.NewPCG(3, 4)))
		if err != nil || len(recs) == 0 {
			t.Fatalf("%s: %d records, %v", kind, len(recs), err)
		}
		for _, r := range recs {
			validName(t, kind, r.Name)
			if r.Label != 0 || r.Family != kind {
				t.Fatalf("%s: %+v", kind, r)
			}
		}
	}
}

func TestNetworkIsDeterministic(t *testing.T) {
	gen := func() []byte {
		recs, err := Network{Duration: 10 * time.Minute, SessionsPerTool: 1}.Generate(rand.New(rand.NewPCG(7, 8)))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := datasets.WriteZeekDNS(&b, recs, true); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b := gen(), gen()
	if !bytes.Equal(a, b) || len(a) < 1000 {
		t.Fatalf("two runs of one seed differ (%d and %d bytes)", len(a), len(b))
	}
}
