package cli

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// stdinPath is the file argument that means standard input; stdinName
// names it in reports and errors ("<stdin>:3: ...").
const (
	stdinPath = "-"
	stdinName = "<stdin>"
)

// stdinTaken marks, in the app's metadata, that standard input was opened.
const stdinTaken = "mlctl.stdin-taken"

// inputFile is one file argument being read: a path, or "-" for standard
// input. Its bytes are hashed as they are read (Sum), and its head can be
// peeked for format detection without losing it, which standard input
// (a pipe) needs.
type inputFile struct {
	// Name is the path, or <stdin>.
	Name string
	r    *bufio.Reader
	h    hash.Hash
	c    io.Closer
}

// openInput opens the file argument path ("-": the app's standard input,
// which one command can read only once).
func openInput(c *ucli.Context, path string) (*inputFile, error) {
	h := sha256.New()
	if path == stdinPath {
		if c.App.Metadata == nil {
			c.App.Metadata = map[string]any{}
		}
		if c.App.Metadata[stdinTaken] != nil {
			return nil, usagef("%s: standard input (-) can be read only once", strings.TrimPrefix(c.Command.HelpName, "mlctl "))
		}
		c.App.Metadata[stdinTaken] = true
		in := c.App.Reader
		if in == nil {
			in = os.Stdin
		}
		return &inputFile{Name: stdinName, r: bufio.NewReaderSize(io.TeeReader(in, h), 64<<10), h: h, c: io.NopCloser(nil)}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err // "open PATH: no such file or directory"
	}
	return &inputFile{Name: path, r: bufio.NewReaderSize(io.TeeReader(f, h), 64<<10), h: h, c: f}, nil
}

// Read implements io.Reader.
func (f *inputFile) Read(p []byte) (int, error) { return f.r.Read(p) }

// Peek returns the next n bytes (fewer at the end of input) without
// consuming them.
func (f *inputFile) Peek(n int) []byte {
	b, _ := f.r.Peek(n)
	return b
}

// Sum reads what is left of the file and returns the hex SHA-256 of all of
// its bytes.
func (f *inputFile) Sum() (string, error) {
	if _, err := io.Copy(io.Discard, f.r); err != nil {
		return "", fmt.Errorf("read %s: %w", f.Name, err)
	}
	return hex.EncodeToString(f.h.Sum(nil)), nil
}

// Close closes the file (not standard input).
func (f *inputFile) Close() error { return f.c.Close() }

// inputName is the file argument path as reports name it.
func inputName(path string) string {
	if path == stdinPath {
		return stdinName
	}
	return path
}

// fileList is the command's --file arguments as reports name them.
func fileList(c *ucli.Context) string {
	var names []string
	for _, p := range c.StringSlice("file") {
		names = append(names, inputName(p))
	}
	return strings.Join(names, ", ")
}

// withInput opens path, calls read on it and closes it.
func withInput[T any](c *ucli.Context, path string, read func(f *inputFile) (T, error)) (T, error) {
	f, err := openInput(c, path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return read(f)
}
