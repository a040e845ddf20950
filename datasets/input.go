package datasets

// Input is what the rows of a dataset kind hold and how the readers find
// and clean it: domain names (kind dga) or TXT records (kind txt).
type Input struct {
	// Field names the input in bad-row reports and errors: "domain", "txt".
	Field string
	// Headers are the column names (JSON keys) tried in order when no
	// column is named.
	Headers []string
	// Normalise cleans one value, or says why it cannot be used.
	Normalise func(string) (string, error)
	// ZeekQtype, when set, keeps only the dns.log lines of that query type
	// (qtype_name) and reads each of their answers as one value; the other
	// lines are counted in Read.Skipped.
	ZeekQtype string
}

// Domains are the inputs of dga datasets.
var Domains = &Input{Field: "domain", Headers: domainHeaders, Normalise: NormaliseDomain}

// TXTRecords are the inputs of txt datasets: a table's txt column, or the
// TXT answers of a Zeek dns.log.
var TXTRecords = &Input{Field: "txt", Headers: []string{"txt", "text", "record", "answers"}, Normalise: NormaliseTXT, ZeekQtype: "TXT"}

// input is the options' input kind, domain names by default.
func (o ReadOptions) input() *Input {
	if o.Input == nil {
		return Domains
	}
	return o.Input
}
