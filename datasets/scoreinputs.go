package datasets

import (
	"fmt"
	"io"
	"os"
)

// Inputs are the names of a file to score or featurise, in file order with
// duplicates kept, so every usable line gets an answer.
type Inputs struct {
	// File is the path read; Format the format it was read as.
	File, Format string
	// Inputs are the normalised names, one per usable line.
	Inputs []string
	// Labels are the labels of a file with a label column, else all 0.
	Labels []int
	// Bad are the lines that could not be used, with file:line and reason.
	Bad []BadRow
}

// ReadInputs reads the names of a list, CSV/TSV, JSON Lines or Zeek file
// (domain column by header name or JSON key) for scoring. Labels are
// optional.
func ReadInputs(path, format string) (*Inputs, error) { return ReadInputsOf(path, format, nil) }

// ReadInputsOf is ReadInputs for another Input: TXTRecords reads a txt
// column, a headerless list of records or a dns.log's TXT answers.
func ReadInputsOf(path, format string, input *Input) (*Inputs, error) {
	return ReadInputsWith(path, ReadOptions{Format: format, Input: input})
}

// ReadInputsWith is ReadInputs with its options: Format, Input and Log are
// read (a DNS server's query log gives the names of its queries).
func ReadInputsWith(path string, opt ReadOptions) (*Inputs, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read inputs: %w", err)
	}
	defer f.Close()
	return ReadInputsFrom(f, path, opt)
}

// ReadInputsFrom is ReadInputsWith on an open stream (standard input, say);
// file names it in reports ("<stdin>:3: ...") and its extension, if any,
// guides format detection.
func ReadInputsFrom(rd io.Reader, file string, opt ReadOptions) (*Inputs, error) {
	zero := 0
	opt = ReadOptions{Format: opt.Format, Label: &zero, Input: opt.Input, Log: opt.Log}
	r, err := readFrom(rd, file, opt, &collector{read: &Read{File: file}, keepAll: true, input: opt.input()})
	if err != nil {
		return nil, err
	}
	in := &Inputs{File: file, Format: r.Format, Bad: r.Bad, Inputs: make([]string, len(r.Rows)), Labels: make([]int, len(r.Rows))}
	for i, row := range r.Rows {
		in.Inputs[i], in.Labels[i] = row.Name, row.Label
	}
	return in, nil
}
