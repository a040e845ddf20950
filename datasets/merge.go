package datasets

import (
	"fmt"
	"sort"
	"strings"
)

// Merge joins the rows of several reads into one de-duplicated set, sorted
// by name, label and family. A name in several files with the same label is
// kept once (with the smallest family); a name given both labels is dropped
// and each of its lines becomes a bad row. bad holds every read's bad rows
// in the order given, then the conflicts in file and line order; dups counts
// duplicates within and across files.
func Merge(reads ...*Read) (rows []Row, bad []BadRow, dups int) {
	type entry struct {
		row  Row
		file string
		line int
		src  int
	}
	total := 0
	for _, r := range reads {
		if r != nil {
			total += len(r.Rows)
		}
	}
	all := make([]entry, 0, total)
	rows = make([]Row, 0, total)
	for s, r := range reads {
		if r == nil {
			continue
		}
		bad = append(bad, r.Bad...)
		dups += r.Duplicates
		for i, row := range r.Rows {
			line := 0
			if len(r.lines) == len(r.Rows) {
				line = r.lines[i]
			}
			all = append(all, entry{row: row, file: r.File, line: line, src: s})
		}
	}
	sort.Slice(all, func(a, b int) bool {
		x, y := all[a], all[b]
		if c := compareRows(x.row, y.row); c != 0 {
			return c < 0
		}
		if x.src != y.src {
			return x.src < y.src
		}
		return x.line < y.line
	})
	var conflicts []BadRow
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].row.Name == all[i].row.Name {
			j++
		}
		group := all[i:j]
		if group[0].row.Label == group[len(group)-1].row.Label {
			rows = append(rows, group[0].row)
			dups += len(group) - 1
			i = j
			continue
		}
		// Sorted by label: the first entry has the lowest, the last the highest.
		lo, hi := group[0], group[len(group)-1]
		reason := fmt.Sprintf("conflicting labels across files: %d at %s:%d, %d at %s:%d",
			lo.row.Label, lo.file, lo.line, hi.row.Label, hi.file, hi.line)
		for _, e := range group {
			conflicts = append(conflicts, BadRow{File: e.file, Line: e.line, Field: "label", Reason: reason, Value: shorten(e.row.Name)})
		}
		i = j
	}
	sort.SliceStable(conflicts, func(a, b int) bool {
		if conflicts[a].File != conflicts[b].File {
			return conflicts[a].File < conflicts[b].File
		}
		return conflicts[a].Line < conflicts[b].Line
	})
	return rows, append(bad, conflicts...), dups
}

// compareRows orders rows by name, then label, then family.
func compareRows(a, b Row) int {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	if a.Label != b.Label {
		if a.Label < b.Label {
			return -1
		}
		return 1
	}
	return strings.Compare(a.Family, b.Family)
}
