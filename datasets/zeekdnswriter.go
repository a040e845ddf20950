package datasets

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteZeekDNS writes queries as a Zeek dns.log in TSV, with Zeek's header
// and columns (uid, ports and transaction ids made up), and with label and
// family columns when withLabels. Responses (Response set) are not
// written: a dns.log line is a query and its answer.
func WriteZeekDNS(w io.Writer, recs []DNSRecord, withLabels bool) error {
	bw := bufio.NewWriter(w)
	fields := "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected"
	types := "time\tstring\taddr\tport\taddr\tport\tenum\tcount\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool"
	if withLabels {
		fields += "\tlabel\tfamily"
		types += "\tstring\tstring"
	}
	fmt.Fprintf(bw, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#open\t%s\n#fields\t%s\n#types\t%s\n",
		"2026-01-01-00-00-00", fields, types)
	n := 0
	for _, r := range recs {
		if r.Response {
			continue
		}
		n++
		rcode, rcodeName := "-", "-"
		if r.RCode != "" {
			rcodeName = r.RCode
			rcode = map[string]string{"NOERROR": "0", "SERVFAIL": "2", "NXDOMAIN": "3", "REFUSED": "5"}[r.RCode]
			if rcode == "" {
				rcode = "-"
			}
		}
		qtype := r.QType
		if qtype == "" {
			qtype = "A"
		}
		answers := "-"
		if len(r.Answers) > 0 {
			answers = strings.Join(r.Answers, ",")
		}
		client := r.Client
		if client == "" {
			client = "-"
		}
		fmt.Fprintf(bw, "%d.%06d\tC%08x\t%s\t%d\t10.0.0.53\t53\tudp\t%d\t%s\t1\tC_INTERNET\t-\t%s\t%s\t%s\tF\tF\tT\tT\t0\t%s\t-\tF",
			r.Time.Unix(), r.Time.Nanosecond()/1000, n, client, 1024+n%60000, n%65536, zeekEscape(r.Name), qtype, rcode, rcodeName, answers)
		if withLabels {
			label, family := "-", "-"
			switch r.Label {
			case 0:
				label = "benign"
			case 1:
				label = "malicious"
			}
			if r.Family != "" {
				family = r.Family
			}
			fmt.Fprintf(bw, "\t%s\t%s", label, family)
		}
		bw.WriteByte('\n')
	}
	fmt.Fprintf(bw, "#close\t%s\n", "2026-01-01-00-00-00")
	return bw.Flush()
}

// zeekEscape escapes the bytes Zeek escapes in a TSV field: the separator,
// and bytes outside printable ASCII, as \xHH.
func zeekEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f {
			fmt.Fprintf(&b, "\\x%02x", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
