package soak

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

// zeekDNSHeader is a Zeek dns.log's TSV header (8 lines), as Zeek writes
// it when it opens the log.
const zeekDNSHeader = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n#open\t%s\n" +
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n" +
	"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool\n"

// zeekResolver is the resolver the dns.log's clients ask.
const zeekResolver = "10.0.255.53"

// zeekFeed appends Zeek dns.log records to a file at a steady rate, as a
// Zeek sensor does, stamped with the time they are written; DGA names are
// answered NXDOMAIN, benign ones NOERROR.
type zeekFeed struct {
	path string
	mix  *mix
	rate int
	f    *os.File
	// lines counts lines written, the header's included (the scorer counts
	// every line it reads).
	lines atomic.Int64
}

// create starts the file with its header.
func (z *zeekFeed) create() error {
	f, err := os.OpenFile(z.path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("dns.log: %w", err)
	}
	z.f = f
	header := fmt.Sprintf(zeekDNSHeader, time.Now().UTC().Format("2006-01-02-15-04-05"))
	if _, err := f.WriteString(header); err != nil {
		return fmt.Errorf("dns.log: %w", err)
	}
	z.lines.Store(8)
	return nil
}

// run appends records until ctx ends, then closes the file.
func (z *zeekFeed) run(ctx context.Context) error {
	defer z.f.Close()
	tick := time.NewTicker(feedTick)
	defer tick.Stop()
	p := newPacer(z.rate, time.Now())
	w := bufio.NewWriterSize(z.f, 64<<10)
	n := z.lines.Load()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-tick.C:
			due := p.due(now)
			us := now.UnixMicro()
			for range due {
				q := z.mix.next()
				rcode, rname := 0, "NOERROR"
				if q.dga {
					rcode, rname = 3, "NXDOMAIN"
				}
				fmt.Fprintf(w, "%d.%06d\tC%010d\t%s\t%d\t%s\t53\tudp\t%d\t0.000412\t%s\t1\tC_INTERNET\t1\tA\t%d\t%s\tF\tF\tT\tT\t0\t-\t-\tF\n",
					us/1e6, us%1e6, n, q.client, 49152+n%16384, zeekResolver, n%65536, q.name, rcode, rname)
				n++
			}
			if err := w.Flush(); err != nil {
				return fmt.Errorf("dns.log: %w", err)
			}
			z.lines.Store(n)
		}
	}
}
