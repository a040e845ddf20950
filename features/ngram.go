package features

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// The n-gram model is a logistic regression over hashed character n-grams
// (lengths ngramMin..ngramMax) of the whole name framed by start and end
// symbols, with each name's vector scaled to unit length as TF-IDF pipelines
// do. Weights are quantised to int8 to keep the state small.
const (
	ngramMin = 2
	ngramMax = 5
)

// score's loop starts at n-grams of two symbols.
const _ = uint(ngramMin-2) + uint(2-ngramMin)

// ngramModel is one trained, quantised n-gram logistic regression.
type ngramModel struct {
	bits    int     // log2 of the number of buckets
	weights []int8  // one per bucket
	scale   float64 // weight = int8 value × scale
	bias    float64
}

// ngramTrainer holds what training one ngramModel needs.
type ngramTrainer struct {
	bits   int
	epochs int
	rate   float64 // initial learning rate
	l2     float64 // L2 penalty on touched weights
}

// ngramSymbol returns symbol p of name framed as start, name, end.
func ngramSymbol(name string, p int) uint32 {
	if p == 0 || p > len(name) {
		return symBoundary
	}
	return uint32(symbolOf[name[p-1]])
}

// ngramBucketCount returns how many n-grams name has (its vector's length²).
func ngramBucketCount(name string) int {
	seq := len(name) + 2
	n := 0
	for k := ngramMin; k <= ngramMax; k++ {
		if seq >= k {
			n += seq - k + 1
		}
	}
	return n
}

// ngramBuckets appends the bucket of every n-gram of name to dst.
func ngramBuckets(name string, bits int, dst []uint32) []uint32 {
	seq := len(name) + 2
	shift := 32 - uint(bits)
	for i := 0; i < seq; i++ {
		h := uint32(2166136261)
		for j := i; j < seq && j < i+ngramMax; j++ {
			h = (h ^ (ngramSymbol(name, j) + 1)) * 16777619
			if j-i+1 >= ngramMin {
				dst = append(dst, (h*0x9E3779B1)>>shift)
			}
		}
	}
	return dst
}

// score returns the model's logit for name; it does not allocate. Names
// up to 253 bytes (every valid name) have their symbols (plus one, as the
// hash takes them) read once into a buffer; the sum is of integers, so the
// order of the n-grams does not matter.
func (m *ngramModel) score(name string) float64 {
	seq := len(name) + 2
	if seq > 255 {
		return m.scoreLong(name)
	}
	var sym [255]uint8
	sym[0], sym[seq-1] = symBoundary+1, symBoundary+1
	for i := 0; i < len(name); i++ {
		sym[i+1] = symbolOf[name[i]] + 1
	}
	shift := 32 - uint(m.bits)
	w := m.weights
	sum, n := 0, 0
	for i := 0; i+1 < seq; i++ {
		// The n-grams starting at i, of lengths ngramMin (2)..ngramMax.
		h := (uint32(2166136261) ^ uint32(sym[i])) * 16777619
		for j := i + 1; j < seq && j < i+ngramMax; j++ {
			h = (h ^ uint32(sym[j])) * 16777619
			sum += int(w[(h*0x9E3779B1)>>shift])
			n++
		}
	}
	if n == 0 {
		return m.bias
	}
	return m.bias + m.scale*float64(sum)/math.Sqrt(float64(n))
}

// scoreLong is score for names longer than 253 bytes.
func (m *ngramModel) scoreLong(name string) float64 {
	seq := len(name) + 2
	shift := 32 - uint(m.bits)
	sum, n := 0, 0
	for i := 0; i < seq; i++ {
		h := uint32(2166136261)
		for j := i; j < seq && j < i+ngramMax; j++ {
			h = (h ^ (ngramSymbol(name, j) + 1)) * 16777619
			if j-i+1 >= ngramMin {
				sum += int(m.weights[(h*0x9E3779B1)>>shift])
				n++
			}
		}
	}
	if n == 0 {
		return m.bias
	}
	return m.bias + m.scale*float64(sum)/math.Sqrt(float64(n))
}

// train fits a model on names with labels (0/1), balancing the classes. The
// order of updates comes from rng, so the same inputs and seed give the same
// weights.
func (tr ngramTrainer) train(names []string, labels []int8, rng *rand.Rand) (*ngramModel, error) {
	var pos, neg int
	for _, l := range labels {
		if l == 1 {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return nil, fmt.Errorf("n-gram model needs both labels, got %d benign and %d malicious", neg, pos)
	}
	classWeight := [2]float64{
		float64(len(labels)) / (2 * float64(neg)),
		float64(len(labels)) / (2 * float64(pos)),
	}
	w := make([]float32, 1<<tr.bits)
	bias := 0.0
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	var buckets []uint32
	for epoch := 0; epoch < tr.epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		rate := tr.rate / (1 + float64(epoch))
		for _, idx := range order {
			buckets = ngramBuckets(names[idx], tr.bits, buckets[:0])
			if len(buckets) == 0 {
				continue
			}
			x := 1 / math.Sqrt(float64(len(buckets)))
			z := bias
			for _, b := range buckets {
				z += float64(w[b]) * x
			}
			p := 1 / (1 + math.Exp(-z))
			g := (p - float64(labels[idx])) * classWeight[labels[idx]]
			bias -= rate * g * 0.1
			for _, b := range buckets {
				w[b] -= float32(rate * (g*x + tr.l2*float64(w[b])))
			}
		}
	}
	return quantise(w, bias, tr.bits), nil
}

// quantise rounds weights to int8 with one scale for the whole model.
func quantise(w []float32, bias float64, bits int) *ngramModel {
	maxAbs := 0.0
	for _, v := range w {
		maxAbs = math.Max(maxAbs, math.Abs(float64(v)))
	}
	m := &ngramModel{bits: bits, weights: make([]int8, len(w)), bias: bias, scale: 1}
	if maxAbs == 0 {
		return m
	}
	m.scale = maxAbs / 127
	for i, v := range w {
		m.weights[i] = int8(math.Round(float64(v) / m.scale))
	}
	return m
}
