package dnsdomain

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/mlctl/mlctl/datasets"
)

// BenchmarkStream is the aggregation cost per query: a resolver's mix of
// 5,000 domains (a few names each, asked again and again) and one tunnel.
func BenchmarkStream(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	recs := make([]datasets.DNSRecord, 1<<16)
	tun := tunnel(len(recs)/10, rng)
	for i := range recs {
		if i%5 == 0 {
			r := tun[(i/5)%len(tun)]
			r.Time = t0.Add(time.Duration(i) * 50 * time.Microsecond)
			recs[i] = r
			continue
		}
		d := rng.IntN(5000)
		recs[i] = datasets.DNSRecord{Time: t0.Add(time.Duration(i) * 50 * time.Microsecond), Client: fmt.Sprintf("10.1.%d.%d", d%7, i%200),
			Name: fmt.Sprintf("%s.d%d.example%d.com", []string{"www", "api", "cdn", "img"}[i%4], d%3, d), QType: "A", RCode: "NOERROR"}
	}
	s, _ := NewStream(Config{})
	b.ReportAllocs()
	b.ResetTimer()
	span := recs[len(recs)-1].Time.Sub(recs[0].Time) + 50*time.Microsecond
	for i := range b.N {
		r := recs[i%len(recs)]
		r.Time = r.Time.Add(time.Duration(i/len(recs)) * span)
		s.Add(r)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}
