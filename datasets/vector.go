package datasets

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// VectorRow is one row of a flow or tabular dataset: a key (a flow
// window's "<src_ip>@<window_start>", a tabular row's key), a label (1
// malicious, 0 benign, -1 unknown), an optional family, and a vector of
// numbers in the order of the dataset's columns (NaN is missing).
type VectorRow struct {
	Key    string    `json:"key"`
	Label  int       `json:"label"`
	Family string    `json:"family,omitempty"`
	Values []float64 `json:"values"`
}

// VectorHash is the canonical content hash of a vector dataset: the hex
// SHA-256 of a "#columns\tc1\tc2...\n" line, then one
// "key\tlabel\tfamily\tv1\tv2...\n" line per row (values in Go's shortest
// 'g' form), rows sorted by key, label, family and values. It does not
// depend on the input order.
func VectorHash(columns []string, rows []VectorRow) string {
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, compareVectorRows)
	h := sha256.New()
	h.Write([]byte("#columns\t" + strings.Join(columns, "\t") + "\n"))
	buf := make([]byte, 0, 256)
	for _, r := range sorted {
		buf = append(buf[:0], r.Key...)
		buf = append(buf, '\t')
		buf = strconv.AppendInt(buf, int64(r.Label), 10)
		buf = append(buf, '\t')
		buf = append(buf, r.Family...)
		for _, v := range r.Values {
			buf = append(buf, '\t')
			buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
		}
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// VectorCounts returns how many rows carry each label and each family.
func VectorCounts(rows []VectorRow) (byLabel map[int]int, byFamily map[string]int) {
	byLabel = make(map[int]int)
	byFamily = make(map[string]int)
	for _, r := range rows {
		byLabel[r.Label]++
		byFamily[r.Family]++
	}
	return byLabel, byFamily
}

func compareVectorRows(a, b VectorRow) int {
	if c := strings.Compare(a.Key, b.Key); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Label, b.Label); c != 0 {
		return c
	}
	if c := strings.Compare(a.Family, b.Family); c != 0 {
		return c
	}
	for i := range min(len(a.Values), len(b.Values)) {
		if c := cmp.Compare(a.Values[i], b.Values[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.Values), len(b.Values))
}
