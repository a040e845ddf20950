package datasets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// DefaultKeyColumns are the column names a table's key is taken from when
// TabularOptions.KeyColumns is empty: the first of them in the header.
var DefaultKeyColumns = []string{"key", "ip", "src_ip", "client"}

// TabularOptions say how to read a table of numeric columns.
type TabularOptions struct {
	// Format is "auto" (or empty), "csv", "tsv" or "jsonl". Auto reads a
	// first line starting with '{' as JSON Lines, else goes by the
	// extension (.jsonl, .ndjson, .json, .tsv, .tab, .csv), else a first
	// line with a tab as TSV and anything else as CSV.
	Format string
	// LabelColumn names the label column; default "label" when the header
	// has one. Labels read as ParseLabel reads them (0, benign, legit …
	// are 0, other text is 1); numbers must be 0 or 1; an empty cell,
	// "-", "nan" or null is -1, unknown.
	LabelColumn string
	// Label is the label of every row of a file without a label column;
	// nil leaves them -1.
	Label *int
	// KeyColumns name the columns that identify a row (an IP, a window
	// start), joined with "@" in that order; default the first of
	// DefaultKeyColumns the header has. They are not features.
	KeyColumns []string
	// BaselineColumn names the column (0/1, true/false; empty is 0) that
	// marks the rows an isolation forest trains on, as the bot detector's human
	// baseline; default "baseline" when the header has one.
	BaselineColumn string
	// FamilyColumn names the family column (free text, kept lower case);
	// default "family" when the header has one.
	FamilyColumn string
	// IgnoreColumns are columns that are neither features nor any of the
	// above (the bot detector's ja4, host, asn_label).
	IgnoreColumns []string
}

// BaselineColumn is the name a tabular dataset gives its baseline marks
// (1 or 0, whatever the file called the column): models never take it as a
// feature, and isolation forests train on the rows it marks.
const BaselineColumn = "baseline"

// Table is a file of numeric feature columns, one row per usable line.
type Table struct {
	// File is the path read; Format the format it was read as.
	File, Format string
	// Columns name the feature columns, in file order, as written.
	Columns []string
	// KeyColumns name the key columns used, in key order; nil without.
	KeyColumns []string
	// Keys are the rows' keys: the key cells joined with "@"; nil without
	// key columns.
	Keys []string
	// Values are the rows' features, len(Columns) each: NaN for an empty
	// cell, "-", "nan", "na", "n/a", "none", "null" (any case), JSON null
	// or a missing JSON key; true and false are 1 and 0; infinities are
	// bad values.
	Values [][]float64
	// Labels are the rows' labels: 0, 1, or -1 unknown.
	Labels []int
	// Baseline marks the rows of the baseline; nil without a baseline
	// column.
	Baseline []bool
	// Families are the rows' families; nil without a family column.
	Families []string
	// Lines are the rows' line numbers in File.
	Lines []int
	// Bad are the lines that did not become rows, in line order: each
	// names its first bad column.
	Bad []BadRow
}

// ReadTabular reads a CSV, TSV or JSON Lines file of numeric columns with
// optional label, key, baseline and family columns (see TabularOptions).
// A line with a value that is not a number in a feature column, or a bad
// label or baseline, becomes a BadRow naming file, line and column, and
// reading goes on. An error means the file as a whole is unusable (see
// FormatError): no header, an option naming a column the file lacks, no
// feature column, or a column that is not numeric in most lines (it names
// the column: make it a key or ignore it).
func ReadTabular(path string, opt TabularOptions) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read table: %w", err)
	}
	defer f.Close()
	return ReadTabularFrom(f, path, opt)
}

// cellKind says what a cell held: text (CSV, or a JSON string), a JSON
// number, bool or null, or a JSON object or array.
type cellKind uint8

const (
	cellText cellKind = iota
	cellNumber
	cellBool
	cellNull
	cellComposite
)

// cell is one value of a row, before it is read by its column's role.
type cell struct {
	text string
	kind cellKind
}

// ReadTabularFrom is ReadTabular on an open stream; file names it in
// reports and its extension guides format detection.
func ReadTabularFrom(r io.Reader, file string, opt TabularOptions) (*Table, error) {
	switch opt.Format {
	case "", FormatAuto, FormatCSV, FormatTSV, FormatJSONL:
	default:
		return nil, &FormatError{File: file, Reason: fmt.Sprintf("unknown table format %q (want auto, csv, tsv or jsonl)", opt.Format)}
	}
	lr := newLineReader(r)
	var tr *tableReader
	var jl *jsonlTable
	var bad []BadRow
	for {
		raw, tooLong, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fileError("read", file, err)
		}
		if tooLong {
			bad = append(bad, BadRow{File: file, Line: lr.n, Field: "line", Reason: fmt.Sprintf("line over %d bytes", MaxLineBytes), Value: shorten(string(raw))})
			continue
		}
		line := string(raw)
		if strings.TrimSpace(line) == "" {
			continue
		}
		switch {
		case tr == nil && jl == nil:
			format, sep := tabularFormat(opt.Format, file, line)
			if format == FormatJSONL {
				jl = &jsonlTable{index: make(map[string]int)}
				jl.line(line, lr.n, file, &bad)
				continue
			}
			cols, err := splitFields(line, sep, nil)
			if err != nil {
				return nil, &FormatError{File: file, Reason: fmt.Sprintf("header: %v", err)}
			}
			if tr, err = newTableReader(file, format, cols, opt); err != nil {
				return nil, err
			}
			tr.sep = sep
			tr.bad = bad
		case jl != nil:
			jl.line(line, lr.n, file, &bad)
		default:
			tr.csvLine(line, lr.n)
		}
	}
	if jl != nil {
		var err error
		if tr, err = newTableReader(file, FormatJSONL, jl.names, opt); err != nil {
			return nil, err
		}
		tr.bad = bad
		for _, row := range jl.rows {
			cells := make([]cell, len(jl.names))
			for i := range cells {
				cells[i].kind = cellNull
			}
			for _, kv := range row.cells {
				cells[kv.col] = kv.cell
			}
			tr.row(cells, row.line)
		}
		// The lines that were not JSON objects were reported while
		// reading; keep Bad in line order.
		slices.SortStableFunc(tr.bad, func(a, b BadRow) int { return a.Line - b.Line })
	}
	if tr == nil {
		return nil, &FormatError{File: file, Reason: "empty: no header line"}
	}
	return tr.finish()
}

// tabularFormat picks the format of a table whose first line is first.
func tabularFormat(format, file, first string) (string, byte) {
	switch format {
	case FormatCSV:
		return FormatCSV, ','
	case FormatTSV:
		return FormatTSV, '\t'
	case FormatJSONL:
		return FormatJSONL, 0
	}
	if strings.HasPrefix(strings.TrimSpace(first), "{") {
		return FormatJSONL, 0
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, 0
	case ".tsv", ".tab":
		return FormatTSV, '\t'
	case ".csv":
		return FormatCSV, ','
	}
	if strings.ContainsRune(first, '\t') {
		return FormatTSV, '\t'
	}
	return FormatCSV, ','
}

// column roles in a tableReader.
const (
	roleFeature = iota
	roleKey
	roleLabel
	roleBaseline
	roleFamily
	roleIgnore
)

// tableReader turns rows of cells into a Table.
type tableReader struct {
	t       *Table
	sep     byte
	names   []string
	role    []int
	feature []int // feature index of each column, -1 for others
	keyCols []int // columns of the key, in key order
	label   int   // column of the label, -1 without
	// defaultLabel is the label of every row without a label column.
	defaultLabel int
	baseline     int
	family       int
	// lines counts the data lines split into the header's columns, and
	// notNumeric per feature the cells that were not numbers; example
	// keeps one such cell.
	lines      int
	notNumeric []int
	example    []string
	bad        []BadRow
	scratch    []string
	keyParts   []string
}

func newTableReader(file, format string, names []string, opt TabularOptions) (*tableReader, error) {
	tr := &tableReader{
		t:     &Table{File: file, Format: format},
		names: make([]string, len(names)), role: make([]int, len(names)), feature: make([]int, len(names)),
		label: -1, baseline: -1, family: -1, defaultLabel: -1,
	}
	if opt.Label != nil {
		tr.defaultLabel = *opt.Label
	}
	lower := make([]string, len(names))
	seen := make(map[string]int)
	for i, n := range names {
		n = strings.TrimSpace(n)
		tr.names[i], lower[i] = n, strings.ToLower(n)
		if n == "" {
			return nil, &FormatError{File: file, Reason: fmt.Sprintf("header: column %d has no name", i+1)}
		}
		if j, dup := seen[lower[i]]; dup {
			return nil, &FormatError{File: file, Reason: fmt.Sprintf("header: column %q appears twice (columns %d and %d)", n, j+1, i+1)}
		}
		seen[lower[i]] = i
	}
	find := func(name string) int {
		if i, ok := seen[strings.ToLower(strings.TrimSpace(name))]; ok {
			return i
		}
		return -1
	}
	missing := func(what, name string) error {
		return &FormatError{File: file, Reason: fmt.Sprintf("no %s column %q in header (header has %s)", what, name, quoteList(tr.names))}
	}
	assign := func(i, role int, what string) error {
		if tr.role[i] != roleFeature {
			return &FormatError{File: file, Reason: fmt.Sprintf("column %q given two roles (%s and another)", tr.names[i], what)}
		}
		tr.role[i] = role
		return nil
	}
	if len(opt.KeyColumns) > 0 {
		for _, k := range opt.KeyColumns {
			i := find(k)
			if i < 0 {
				return nil, missing("key", k)
			}
			if err := assign(i, roleKey, "key"); err != nil {
				return nil, err
			}
			tr.keyCols = append(tr.keyCols, i)
		}
	} else {
		for _, k := range DefaultKeyColumns {
			if i := find(k); i >= 0 {
				tr.role[i] = roleKey
				tr.keyCols = []int{i}
				break
			}
		}
	}
	optional := []struct {
		name, def, what string
		role            int
		dst             *int
	}{
		{opt.LabelColumn, "label", "label", roleLabel, &tr.label},
		{opt.BaselineColumn, "baseline", "baseline", roleBaseline, &tr.baseline},
		{opt.FamilyColumn, "family", "family", roleFamily, &tr.family},
	}
	for _, o := range optional {
		i := find(or(o.name, o.def))
		if i < 0 {
			if o.name != "" {
				return nil, missing(o.what, o.name)
			}
			continue
		}
		if err := assign(i, o.role, o.what); err != nil {
			return nil, err
		}
		*o.dst = i
	}
	for _, c := range opt.IgnoreColumns {
		i := find(c)
		if i < 0 {
			return nil, missing("ignored", c)
		}
		if err := assign(i, roleIgnore, "ignored"); err != nil {
			return nil, err
		}
	}
	for i, r := range tr.role {
		tr.feature[i] = -1
		if r == roleFeature {
			tr.feature[i] = len(tr.t.Columns)
			tr.t.Columns = append(tr.t.Columns, tr.names[i])
		}
	}
	if len(tr.t.Columns) == 0 {
		return nil, &FormatError{File: file, Reason: fmt.Sprintf("no feature columns (header has %s)", quoteList(tr.names))}
	}
	for _, i := range tr.keyCols {
		tr.t.KeyColumns = append(tr.t.KeyColumns, tr.names[i])
	}
	tr.notNumeric = make([]int, len(tr.t.Columns))
	tr.example = make([]string, len(tr.t.Columns))
	return tr, nil
}

// csvLine reads one CSV or TSV data line.
func (tr *tableReader) csvLine(line string, n int) {
	f, err := splitFields(line, tr.sep, tr.scratch[:0])
	tr.scratch = f
	if err != nil {
		tr.badRow(n, "line", err.Error(), line)
		return
	}
	if len(f) != len(tr.names) {
		tr.badRow(n, "line", fmt.Sprintf("%d fields, header has %d", len(f), len(tr.names)), line)
		return
	}
	cells := make([]cell, len(f))
	for i, v := range f {
		cells[i] = cell{text: v}
	}
	tr.row(cells, n)
}

func (tr *tableReader) badRow(n int, field, reason, value string) {
	tr.bad = append(tr.bad, BadRow{File: tr.t.File, Line: n, Field: field, Reason: reason, Value: shorten(value)})
}

// row reads one line's cells, one per header column.
func (tr *tableReader) row(cells []cell, n int) {
	tr.lines++
	values := make([]float64, len(tr.t.Columns))
	var first *BadRow
	fail := func(col int, reason string, c cell) {
		if first == nil {
			first = &BadRow{File: tr.t.File, Line: n, Field: tr.names[col], Reason: reason, Value: shorten(c.text)}
		}
	}
	for i, c := range cells {
		j := tr.feature[i]
		if j < 0 {
			continue
		}
		v, reason := parseCellNumber(c)
		if reason != "" {
			tr.notNumeric[j]++
			if tr.example[j] == "" {
				tr.example[j] = shorten(c.text)
			}
			fail(i, reason, c)
			continue
		}
		values[j] = v
	}
	label := tr.defaultLabel
	if tr.label >= 0 {
		l, reason := parseCellLabel(cells[tr.label])
		if reason != "" {
			fail(tr.label, reason, cells[tr.label])
		}
		label = l
	}
	var base bool
	if tr.baseline >= 0 {
		b, reason := parseCellBaseline(cells[tr.baseline])
		if reason != "" {
			fail(tr.baseline, reason, cells[tr.baseline])
		}
		base = b
	}
	var family string
	if tr.family >= 0 {
		c := cells[tr.family]
		switch c.kind {
		case cellText:
			family = normaliseFamily(c.text)
		case cellNumber, cellBool:
			family = c.text
		case cellComposite:
			fail(tr.family, "not a single value", c)
		}
	}
	var key string
	if len(tr.keyCols) > 0 {
		tr.keyParts = tr.keyParts[:0]
		for _, i := range tr.keyCols {
			c := cells[i]
			v := strings.TrimSpace(c.text)
			switch {
			case c.kind == cellComposite:
				fail(i, "not a single value", c)
			case c.kind == cellNull || v == "":
				fail(i, "empty key", c)
			}
			tr.keyParts = append(tr.keyParts, v)
		}
		key = strings.Join(tr.keyParts, "@")
	}
	if first != nil {
		tr.bad = append(tr.bad, *first)
		return
	}
	t := tr.t
	t.Values = append(t.Values, values)
	t.Labels = append(t.Labels, label)
	t.Lines = append(t.Lines, n)
	if tr.baseline >= 0 {
		t.Baseline = append(t.Baseline, base)
	}
	if tr.family >= 0 {
		t.Families = append(t.Families, family)
	}
	if len(tr.keyCols) > 0 {
		t.Keys = append(t.Keys, key)
	}
}

// finish refuses columns that are not numeric in most lines and returns
// the table.
func (tr *tableReader) finish() (*Table, error) {
	var bad []string
	for j, n := range tr.notNumeric {
		if n > 0 && 2*n > tr.lines {
			bad = append(bad, fmt.Sprintf("%s (%d of %d lines, e.g. %q)", quoteCut(tr.t.Columns[j]), n, tr.lines, tr.example[j]))
		}
	}
	if len(bad) > 0 {
		return nil, &FormatError{File: tr.t.File, Reason: fmt.Sprintf("not numeric in most lines: %s; make it a key column or ignore it", strings.Join(bad, ", "))}
	}
	tr.t.Bad = tr.bad
	return tr.t, nil
}

// isNaNText reports whether s (trimmed) stands for a missing number.
func isNaNText(s string) bool {
	switch strings.ToLower(s) {
	case "", "-", "nan", "na", "n/a", "none", "null":
		return true
	}
	return false
}

// parseCellNumber reads a feature cell; reason is empty when it is a number.
func parseCellNumber(c cell) (float64, string) {
	switch c.kind {
	case cellNull:
		return math.NaN(), ""
	case cellBool:
		if c.text == "true" {
			return 1, ""
		}
		return 0, ""
	case cellComposite:
		return 0, "not a number"
	}
	s := strings.TrimSpace(c.text)
	if c.kind == cellText {
		if isNaNText(s) {
			return math.NaN(), ""
		}
		switch strings.ToLower(s) {
		case "true":
			return 1, ""
		case "false":
			return 0, ""
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	var ne *strconv.NumError
	switch {
	case err != nil && !(errors.As(err, &ne) && ne.Err == strconv.ErrRange):
		return 0, "not a number"
	case math.IsInf(v, 0) || math.IsNaN(v):
		return 0, "not a finite number"
	}
	return v, ""
}

// parseCellLabel reads a label cell: -1 when empty or null, numbers 0 or 1,
// bools, and text as ParseLabel reads it.
func parseCellLabel(c cell) (int, string) {
	switch c.kind {
	case cellNull:
		return -1, ""
	case cellBool:
		if c.text == "true" {
			return 1, ""
		}
		return 0, ""
	case cellComposite:
		return -1, "not a label"
	}
	s := strings.TrimSpace(c.text)
	if isNaNText(s) {
		return -1, ""
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		switch v {
		case 0:
			return 0, ""
		case 1:
			return 1, ""
		}
		return -1, "number not 0 or 1"
	}
	if c.kind == cellNumber {
		return -1, "not a label"
	}
	l, _ := ParseLabel(s)
	return l, ""
}

// parseCellBaseline reads a baseline cell: 1/true/yes or 0/false/no; empty or
// null is false.
func parseCellBaseline(c cell) (bool, string) {
	switch c.kind {
	case cellNull:
		return false, ""
	case cellComposite:
		return false, "not 0 or 1"
	}
	s := strings.ToLower(strings.TrimSpace(c.text))
	switch s {
	case "", "-", "0", "false", "f", "no", "n":
		return false, ""
	case "1", "true", "t", "yes", "y":
		return true, ""
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil && (v == 0 || v == 1) {
		return v == 1, ""
	}
	return false, "not 0 or 1"
}

// jsonlTable collects the objects of a JSON Lines table; its columns are
// the keys of all objects, in the order they first appear.
type jsonlTable struct {
	names []string
	index map[string]int
	rows  []jsonlRow
}

type jsonlRow struct {
	line  int
	cells []jsonlCell
}

type jsonlCell struct {
	col int
	cell
}

// line reads one JSON object, or records a bad row.
func (j *jsonlTable) line(line string, n int, file string, bad *[]BadRow) {
	fail := func(reason string) {
		*bad = append(*bad, BadRow{File: file, Line: n, Field: "line", Reason: reason, Value: shorten(line)})
	}
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		fail("not a json object")
		return
	}
	row := jsonlRow{line: n}
	seen := make(map[int]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			fail("invalid json: " + err.Error())
			return
		}
		key := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			fail("invalid json: " + err.Error())
			return
		}
		lk := strings.ToLower(strings.TrimSpace(key))
		col, ok := j.index[lk]
		if !ok {
			col = len(j.names)
			j.index[lk] = col
			j.names = append(j.names, strings.TrimSpace(key))
		}
		if seen[col] {
			fail(fmt.Sprintf("key %q appears twice", key))
			return
		}
		seen[col] = true
		row.cells = append(row.cells, jsonlCell{col, jsonCell(raw)})
	}
	if _, err := dec.Token(); err != nil {
		fail("invalid json: " + err.Error())
		return
	}
	if dec.More() {
		fail("text after the json object")
		return
	}
	j.rows = append(j.rows, row)
}

// jsonCell reads one JSON value as a cell.
func jsonCell(raw json.RawMessage) cell {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || isNull(raw):
		return cell{kind: cellNull}
	case raw[0] == '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return cell{text: string(raw), kind: cellComposite}
		}
		return cell{text: s}
	case raw[0] == '{' || raw[0] == '[':
		return cell{text: string(raw), kind: cellComposite}
	case string(raw) == "true" || string(raw) == "false":
		return cell{text: string(raw), kind: cellBool}
	}
	return cell{text: string(raw), kind: cellNumber}
}
