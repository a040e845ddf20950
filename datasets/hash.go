package datasets

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
)

// Hash is the canonical content hash of a set of rows: the hex SHA-256 of
// one "name\tlabel\tfamily\n" line per row, rows sorted by name, label and
// family. It does not depend on the input order or the files rows came from.
func Hash(rows []Row) string {
	sorted := slices.Clone(rows)
	slices.SortFunc(sorted, compareRows)
	h := sha256.New()
	buf := make([]byte, 0, 128)
	for _, r := range sorted {
		buf = append(buf[:0], r.Name...)
		buf = append(buf, '\t')
		buf = strconv.AppendInt(buf, int64(r.Label), 10)
		buf = append(buf, '\t')
		buf = append(buf, r.Family...)
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Counts returns how many rows carry each label and each family (rows
// without a family are counted under "").
func Counts(rows []Row) (byLabel map[int]int, byFamily map[string]int) {
	byLabel = make(map[int]int)
	byFamily = make(map[string]int)
	for _, r := range rows {
		byLabel[r.Label]++
		byFamily[r.Family]++
	}
	return byLabel, byFamily
}
