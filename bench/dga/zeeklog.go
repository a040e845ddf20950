package dga

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"github.com/miekg/dns"
)

// zeekDNSHeader is a Zeek 6 dns.log's TSV header, fields and types.
const zeekDNSHeader = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n" +
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\n"

// ZeekResolver is the resolver the replay's clients ask.
const ZeekResolver = "10.20.255.53"

// WriteZeekDNS writes lines as a Zeek TSV dns.log (answers and TTLs
// unset, as for names without answers; uids, ports and transaction IDs
// made up from the line number).
func WriteZeekDNS(w io.Writer, lines []LogLine) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(zeekDNSHeader)
	if len(lines) > 0 {
		fmt.Fprintf(bw, "#open\t%s\n", zeekStamp(lines[0].Time))
	}
	for i, l := range lines {
		qtype, rcode := dns.StringToType[l.QType], dns.StringToRcode[l.RCode]
		us := l.Time.UnixMicro()
		ts := fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
		fmt.Fprintf(bw, "%s\tC%010d\t%s\t%d\t%s\t53\tudp\t%d\t0.000412\t%s\t1\tC_INTERNET\t%d\t%s\t%d\t%s\tF\tF\tT\tT\t0\t-\t-\tF\n",
			ts, i, l.Client, 49152+i%16384, ZeekResolver, i%65536, l.Name, qtype, l.QType, rcode, l.RCode)
	}
	if len(lines) > 0 {
		fmt.Fprintf(bw, "#close\t%s\n", zeekStamp(lines[len(lines)-1].Time))
	}
	return bw.Flush()
}

// zeekStamp is t as Zeek's #open and #close lines write it.
func zeekStamp(t time.Time) string { return t.UTC().Format("2006-01-02-15-04-05") }
