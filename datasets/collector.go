package datasets

import (
	"fmt"
	"sort"
)

// collector de-duplicates the rows of one file as they are parsed.
type collector struct {
	read *Read
	// seen maps a name to the index of its first row.
	seen map[string]int
	// conflicts holds, per row index, the first line that gave the name
	// another label.
	conflicts map[int][]conflict
	// keepAll keeps every row in file order, duplicates included (scoring).
	keepAll bool
	// input cleans the values (nil: domain names).
	input *Input
}

// conflict is a later line that gave a name a different label.
type conflict struct{ line, label int }

// add records one parsed row found on line n.
func (c *collector) add(row Row, n int) {
	if c.keepAll {
		c.read.Rows = append(c.read.Rows, row)
		c.read.lines = append(c.read.lines, n)
		return
	}
	i, ok := c.seen[row.Name]
	if !ok {
		c.seen[row.Name] = len(c.read.Rows)
		c.read.Rows = append(c.read.Rows, row)
		c.read.lines = append(c.read.lines, n)
		return
	}
	first := c.read.Rows[i]
	if first.Label == row.Label {
		c.read.Duplicates++
		return
	}
	if c.conflicts == nil {
		c.conflicts = make(map[int][]conflict)
	}
	c.conflicts[i] = append(c.conflicts[i], conflict{line: n, label: row.Label})
	c.bad(n, "label", fmt.Sprintf("label %d conflicts with label %d on line %d", row.Label, first.Label, c.read.lines[i]), row.Name)
}

// bad records a bad row on line n.
func (c *collector) bad(n int, field, reason, value string) {
	c.read.Bad = append(c.read.Bad, BadRow{File: c.read.File, Line: n, Field: field, Reason: reason, Value: shorten(value)})
}

// finish drops names seen with both labels, reporting their first line
// too, and puts bad rows in line order.
func (c *collector) finish() {
	if len(c.conflicts) == 0 {
		return
	}
	rows, lines := c.read.Rows[:0], c.read.lines[:0]
	for i, row := range c.read.Rows {
		cs, ok := c.conflicts[i]
		if !ok {
			rows = append(rows, row)
			lines = append(lines, c.read.lines[i])
			continue
		}
		c.bad(c.read.lines[i], "label", fmt.Sprintf("label %d conflicts with label %d on line %d", row.Label, cs[0].label, cs[0].line), row.Name)
	}
	c.read.Rows, c.read.lines = rows, lines
	sort.SliceStable(c.read.Bad, func(a, b int) bool { return c.read.Bad[a].Line < c.read.Bad[b].Line })
}
