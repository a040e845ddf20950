package datasets

import (
	"path/filepath"
	"strings"
)

// Input formats understood by ReadDGA.
const (
	// FormatAuto picks a format from the file's extension and first data line.
	FormatAuto = "auto"
	// FormatList is one domain name a line; '#' starts a comment line.
	FormatList = "list"
	// FormatCSV is comma-separated values with a header line.
	FormatCSV = "csv"
	// FormatTSV is tab-separated values with a header line.
	FormatTSV = "tsv"
	// FormatRank is a headerless "rank,domain" list (Alexa, Tranco, Umbrella).
	FormatRank = "rank"
	// FormatJSONL is one JSON object a line, the name under "domain", "name"
	// or "query" (Zeek JSON logs included).
	FormatJSONL = "jsonl"
	// FormatZeek is a Zeek TSV log (dns.log) whose #fields line names the
	// columns.
	FormatZeek = "zeek"
)

// domainHeaders are the header names that mark the domain column, in order
// of preference.
var domainHeaders = []string{"domain", "name", "query"}

// detectFormat chooses the format for file whose first data line is first.
// An explicit csv or tsv still becomes rank when the first line is "N,name".
// Auto-detection of Zeek logs by their '#' header is done by readFrom,
// which sees those lines; here a .log file is Zeek and a first line that
// starts with '{' is JSON Lines.
func detectFormat(format, file, first string) (name string, sep byte, ok bool) {
	rank, rankSep := isRankLine(first)
	switch format {
	case "", FormatAuto:
	case FormatList, FormatJSONL, FormatZeek:
		return format, 0, true
	case FormatCSV, FormatTSV, FormatRank:
		if rank {
			return FormatRank, rankSep, true
		}
		if format == FormatRank {
			return FormatRank, ',', true
		}
		if format == FormatTSV {
			return FormatTSV, '\t', true
		}
		return FormatCSV, ',', true
	default:
		return "", 0, false
	}
	if strings.HasPrefix(strings.TrimSpace(first), "{") {
		return FormatJSONL, 0, true
	}
	if rank {
		return FormatRank, rankSep, true
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, 0, true
	case ".log":
		return FormatZeek, 0, true
	case ".csv":
		return FormatCSV, ',', true
	case ".tsv", ".tab":
		return FormatTSV, '\t', true
	}
	switch {
	case strings.ContainsRune(first, '\t'):
		return FormatTSV, '\t', true
	case strings.ContainsRune(first, ','):
		return FormatCSV, ',', true
	}
	for _, h := range domainHeaders {
		if strings.EqualFold(strings.TrimSpace(first), h) {
			return FormatCSV, ',', true
		}
	}
	return FormatList, 0, true
}

// isRankLine reports whether line looks like "123,example.com" (or with a
// tab), and which separator it uses.
func isRankLine(line string) (bool, byte) {
	i := strings.IndexAny(line, ",\t")
	if i <= 0 || i == len(line)-1 {
		return false, 0
	}
	digits := strings.TrimSpace(line[:i])
	if digits == "" {
		return false, 0
	}
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return false, 0
		}
	}
	rest := line[i+1:]
	if strings.ContainsAny(rest, ",\t") {
		return false, 0
	}
	return true, line[i]
}
