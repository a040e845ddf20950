package serving

import (
	"context"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// invalidUTF8Name is a name with two bytes that are not UTF-8; IDNA would
// map each to U+FFFD and score it as xn--bad-6t7sa.com.
const invalidUTF8Name = "ba\xff\xfed.com"

// TestZeekDNSInvalidUTF8IsSkipped follows a dns.log whose query holds
// bytes that are not UTF-8: the pipeline counts the query skipped and
// scores no punycode name made of it.
func TestZeekDNSInvalidUTF8IsSkipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dns.log")
	tsv := readTestdata(t, "zeekdns.log")
	closeAt := strings.Index(tsv, "#close")
	appendFile(t, path, tsv[:closeAt]+
		"1709287204.0\tCbad\t10.0.0.9\t1\t10.0.0.1\t53\tudp\t1\t-\t"+invalidUTF8Name+"\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t-\t-\tF\n")
	var queries []Query
	r := &zeekRun{done: make(chan error, 1)}
	r.z = &ZeekDNS{Path: path, Poll: 5 * time.Millisecond, Counters: new(SourceCounters),
		Bad: func(err error) { t.Errorf("bad line: %v", err) },
		Emit: func(q Query) {
			r.mu.Lock()
			queries = append(queries, q)
			r.names = append(r.names, q.Name)
			r.mu.Unlock()
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { r.done <- r.z.Run(ctx) }()
	r.wait(t, 4, 13)
	cancel()
	<-r.done

	p := NewPipeline(&Holder{}, nil, quiet, []string{SourceZeekDNS}, PipelineOptions{})
	inputs, _ := p.nameInputs(queries)
	for _, in := range inputs {
		if strings.Contains(in, "xn--") {
			t.Errorf("input %q made of bytes that are not UTF-8", in)
		}
	}
	if c := p.Counters(SourceZeekDNS); c.Scored.Load() != 3 || c.Skipped.Load() != 1 {
		t.Errorf("scored %d skipped %d; want 3 names scored and the bad one skipped (inputs %q)", c.Scored.Load(), c.Skipped.Load(), inputs)
	}
}

// TestDnstapInvalidUTF8IsSkipped: a dnstap question whose label holds
// bytes 0xff 0xfe is escaped by miekg/dns ("\255") and then refused by
// the pipeline, never scored as punycode.
func TestDnstapInvalidUTF8IsSkipped(t *testing.T) {
	wire := make([]byte, 12, 64)
	wire[2] = 0x01                          // RD, opcode QUERY
	binary.BigEndian.PutUint16(wire[4:], 1) // one question
	wire = append(wire, 5, 'b', 'a', 0xff, 0xfe, 'd', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1)
	name, _, ok, reason := dnstapQuestion(wire)
	if !ok {
		t.Fatalf("dnstapQuestion: %s", reason)
	}
	p := NewPipeline(&Holder{}, nil, quiet, []string{SourceDnstap}, PipelineOptions{})
	if inputs, _ := p.nameInputs([]Query{{Source: SourceDnstap, Name: name}}); len(inputs) != 0 {
		t.Errorf("question %q scored as %q", name, inputs)
	}
	if c := p.Counters(SourceDnstap); c.Skipped.Load() != 1 {
		t.Errorf("skipped %d; want 1", c.Skipped.Load())
	}
}
