package cli

import (
	"strings"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/datasets/dnslog"
)

// logFormatOf resolves a --format value that names a DNS server's log
// format: a dnslog preset (bind, dnsmasq, pihole, coredns, windows-dns,
// heidgaf), @FILE or the path of a format file. It returns nil for the
// other readers' formats (auto, list, csv, zeek, dnstap…), and a usage
// error for a format file that cannot be used.
func logFormatOf(cmd, spec string) (*dnslog.Format, error) {
	f, ok, err := dnslog.Lookup(spec)
	switch {
	case err != nil:
		return nil, usagef("%s: --format %s: %v", cmd, spec, err)
	case !ok:
		return nil, nil
	}
	return f, nil
}

// asDNSLog is f as the dataset readers take it: nil (not a typed nil in
// the interface) when the file is not a DNS server's log.
func asDNSLog(f *dnslog.Format) datasets.DNSLog {
	if f == nil {
		return nil
	}
	return f
}

// logFormatsUsage lists the DNS log formats --format takes.
func logFormatsUsage() string {
	return "a DNS server's log: " + strings.Join(dnslog.Presets(), ", ") + " or @FORMAT.json"
}
