package datasets

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// connField names a value of a connection, whichever format it comes in:
// the conn.log columns ConnParser reads (connFieldNames) and the flow CSV
// columns FlowCSVParser reads (flowCSVNames).
type connField int

const (
	cfTS connField = iota
	cfUID
	cfOrigH
	cfOrigP
	cfRespH
	cfRespP
	cfProto
	cfService
	cfDuration
	cfOrigBytes
	cfRespBytes
	cfConnState
	cfHistory
	cfOrigPkts
	cfRespPkts
	cfOrigIPBytes
	cfRespIPBytes
	cfLabel
	cfDetailedLabel
	numConnFields
)

// connRequired are the fields without which a line is not a connection, in
// the order a line missing several reports them.
var connRequired = []connField{cfTS, cfOrigH, cfOrigP, cfRespH, cfRespP}

// connFieldsByName maps every name of each field in names (lower case) to
// the field.
func connFieldsByName(names *[numConnFields][]string) map[string]connField {
	m := make(map[string]connField)
	for f, ns := range names {
		for _, n := range ns {
			m[n] = connField(f)
		}
	}
	return m
}

// connColumns appends to cols the field of each column name, -1 for a name
// byName does not know or whose field an earlier column has, and returns
// the fields seen.
func connColumns(cols []connField, names []string, byName map[string]connField) ([]connField, [numConnFields]bool) {
	var seen [numConnFields]bool
	for _, n := range names {
		f, ok := byName[n]
		if !ok || seen[f] {
			cols = append(cols, -1)
			continue
		}
		seen[f] = true
		cols = append(cols, f)
	}
	return cols, seen
}

// missingConnField is the first of connRequired that seen lacks.
func missingConnField(seen *[numConnFields]bool) (connField, bool) {
	for _, f := range connRequired {
		if !seen[f] {
			return f, true
		}
	}
	return 0, false
}

// connFormat is what a format decides in building a ConnRecord: the names
// reports give the fields, and how ts reads.
type connFormat struct {
	names [numConnFields]string
	// parseTime reads ts; a value it rejects is reported with timeReason.
	parseTime  func(string) (time.Time, error)
	timeReason string
}

// connFields are one line's values by field, as a parser collected them;
// record turns them into a ConnRecord.
type connFields struct {
	vals [numConnFields]string
	set  [numConnFields]bool
}

// clear forgets the values of the line before.
func (c *connFields) clear() { c.set = [numConnFields]bool{} }

// put sets the value of f.
func (c *connFields) put(f connField, v string) { c.vals[f], c.set[f] = v, true }

// take sets the fields of a row's columns (cols maps each column to a
// field, -1 for columns not read) from its white-space-trimmed values,
// leaving a field unset when its value is empty, unset or the empty marker.
func (c *connFields) take(cols []connField, row []string, unset, empty string) {
	for i, f := range cols {
		if f < 0 {
			continue
		}
		v := strings.TrimSpace(row[i])
		if v == unset || v == empty || v == "" {
			continue
		}
		c.put(f, v)
	}
}

// str is the value of f, "" when unset.
func (c *connFields) str(f connField) string {
	if c.set[f] {
		return c.vals[f]
	}
	return ""
}

// record builds a ConnRecord from the values of line n of file, read in
// format; detailedOnly takes the label from detailedlabel. A missing or bad
// value returns a *ConnLineError naming the field.
func (c *connFields) record(file string, n int, format *connFormat, detailedOnly bool) (ConnRecord, bool, error) {
	for _, f := range connRequired {
		if !c.set[f] {
			return ConnRecord{}, false, badConnLine(file, n, format.names[f], "unset", "")
		}
	}
	fail := func(f connField, reason string) (ConnRecord, bool, error) {
		return ConnRecord{}, false, badConnLine(file, n, format.names[f], reason, c.vals[f])
	}
	rec := ConnRecord{Label: -1}
	var err error
	if rec.Time, err = format.parseTime(c.vals[cfTS]); err != nil {
		return fail(cfTS, format.timeReason)
	}
	if rec.SrcIP, err = netip.ParseAddr(c.vals[cfOrigH]); err != nil {
		return fail(cfOrigH, "not an IP address")
	}
	if rec.DstIP, err = netip.ParseAddr(c.vals[cfRespH]); err != nil {
		return fail(cfRespH, "not an IP address")
	}
	ports := [...]struct {
		f   connField
		dst *uint16
	}{{cfOrigP, &rec.SrcPort}, {cfRespP, &rec.DstPort}}
	for _, p := range ports {
		v, err := strconv.ParseUint(c.vals[p.f], 10, 16)
		if err != nil {
			return fail(p.f, "not a port (0-65535)")
		}
		*p.dst = uint16(v)
	}
	counts := [...]struct {
		f   connField
		dst *int64
	}{
		{cfOrigBytes, &rec.OrigBytes}, {cfRespBytes, &rec.RespBytes},
		{cfOrigPkts, &rec.OrigPkts}, {cfRespPkts, &rec.RespPkts},
		{cfOrigIPBytes, &rec.OrigIPBytes}, {cfRespIPBytes, &rec.RespIPBytes},
	}
	for _, k := range counts {
		if !c.set[k.f] {
			continue
		}
		v, err := strconv.ParseInt(c.vals[k.f], 10, 64)
		if err != nil || v < 0 {
			return fail(k.f, "not a count")
		}
		*k.dst = v
	}
	if c.set[cfDuration] {
		d, err := parseZeekSeconds(c.vals[cfDuration])
		if err != nil {
			return fail(cfDuration, "not an interval in seconds")
		}
		rec.Duration = d
	}
	rec.UID, rec.Proto, rec.Service = c.str(cfUID), strings.ToLower(c.str(cfProto)), c.str(cfService)
	rec.ConnState, rec.History = c.str(cfConnState), c.str(cfHistory)
	rec.DetailedLabel = c.str(cfDetailedLabel)
	if detailedOnly {
		rec.Label = ConnLabel(rec.DetailedLabel)
	} else {
		rec.Label = ConnLabel(c.str(cfLabel))
	}
	return rec, true, nil
}
