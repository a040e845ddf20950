package serving

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Defaults for FollowOptions.
const (
	// DefaultFollowPoll is how often Follow looks for new data.
	DefaultFollowPoll = 250 * time.Millisecond
	// DefaultFollowMaxLine is the longest line Follow delivers.
	DefaultFollowMaxLine = 64 << 10
	// DefaultFollowRotateGrace bounds how long Follow keeps reading a
	// rotated file that is still being written before it moves on.
	DefaultFollowRotateGrace = 5 * time.Second
)

// followTailBytes is how many of the last bytes read Follow keeps to
// recognise its file's content: to tell a file truncated and grown again
// from one that only grew, and to find the copy copytruncate made.
const followTailBytes = 1024

// followChunk is the size of one read.
const followChunk = 64 << 10

// FollowOptions tune Follow. The zero value follows from the start of the
// file, polling every 250 ms, with lines up to 64 KiB.
type FollowOptions struct {
	// FromEnd skips the lines already in the file when Follow starts (as
	// `tail -F -n 0` does), except a head: the leading lines for which
	// Head reports true (a log's header). It applies only to a file there
	// at the start; files that appear later, rotated or not, are read from
	// their first line. Line numbers stay true: the skipped part is read
	// to count them.
	FromEnd bool
	// Head, with FromEnd, picks the leading lines still delivered.
	Head func(text string) bool
	// Poll is how often Follow looks for new data, a rotation or the file
	// appearing (default 250 ms).
	Poll time.Duration
	// MaxLine is the longest line, in bytes without its newline, that is
	// delivered (default 64 KiB). A longer line is passed to Bad as a
	// *LineError and skipped; its number still counts.
	MaxLine int
	// RotateGrace bounds how long Follow goes on reading a file that was
	// renamed away while its writer still appends to it (default 5 s).
	// Follow moves to the new file as soon as the old one was quiet for a
	// poll.
	RotateGrace time.Duration
	// Bad receives problems that are not fatal: a line over MaxLine (a
	// *LineError), a truncation whose unread lines could not be found, a
	// rotated file that cannot be opened yet. Nil drops them.
	Bad func(error)
}

// LineError is a line of a followed file that could not be used, with what
// the person who owns the file needs to find it.
type LineError struct {
	// File is the followed path.
	File string
	// Line is the 1-based line number within the current file.
	Line int
	// Field names the field at fault, "" when the line as a whole is.
	Field string
	// Reason says what is wrong, with the offending value quoted.
	Reason string
}

// Error renders the error as `file:line: field F: reason`, or
// `file:line: reason` when no one field is at fault.
func (e *LineError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s:%d: field %s: %s", e.File, e.Line, e.Field, e.Reason)
}

// Follow reads the file at path line by line as it grows, like `tail -F`,
// calling line with each complete line (without its "\n" or "\r\n") and its
// 1-based number in the current file, until ctx is cancelled; then it
// returns nil after the lines it has read are delivered (a last line still
// without its newline is not).
//
// If path does not exist yet, Follow waits for it. A line without its
// newline is held until the newline arrives. Rotation is detected at every
// poll:
//   - rename and create (path names a new file): the old file is read to
//     its end, including a last line without a newline, until it has been
//     quiet for a poll (at most RotateGrace), then the new file is read from
//     its start;
//   - copytruncate (the file shrank, or grew again with other content than
//     was read): the rest of the content from before the truncation is read
//     from the copy beside the file (a name that starts with the file's name,
//     whose bytes up to where Follow stopped match what it read), then the
//     file from its start. Without such a copy (compressed at once, moved
//     elsewhere) the lines written between the last poll and the copy, if
//     any, are lost, and Bad is told.
//
// Line numbers restart at 1 in each new file. Follow returns an error when
// path cannot be opened at the start for another reason than not existing,
// names a directory, or a read fails.
func Follow(ctx context.Context, path string, opts FollowOptions, line func(text string, lineNo int)) error {
	if opts.Poll <= 0 {
		opts.Poll = DefaultFollowPoll
	}
	if opts.MaxLine <= 0 {
		opts.MaxLine = DefaultFollowMaxLine
	}
	if opts.RotateGrace <= 0 {
		opts.RotateGrace = DefaultFollowRotateGrace
	}
	fl := &follower{path: path, opts: opts, line: line, buf: make([]byte, followChunk)}
	defer fl.close()

	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	wait := func() bool {
		timer.Reset(opts.Poll)
		select {
		case <-ctx.Done():
			return false
		case <-timer.C:
			return true
		}
	}

	first := true
	for {
		if ctx.Err() != nil {
			return nil
		}
		if fl.f == nil {
			ok, err := fl.open(first && opts.FromEnd)
			if err != nil {
				if first {
					return err
				}
				fl.report(err)
			}
			first = false
			if !ok {
				if !wait() {
					return nil
				}
				continue
			}
		}
		if err := fl.checkTruncated(); err != nil {
			return err
		}
		got, err := fl.readToEOF(ctx)
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		if fl.rotated(got) {
			fl.finish()
			if ok, err := fl.open(false); err != nil {
				fl.report(err)
			} else if ok {
				continue // read the new file at once
			}
		}
		if !wait() {
			return nil
		}
	}
}

// follower is the state of one Follow call.
type follower struct {
	path string
	opts FollowOptions
	line func(string, int)

	f    *os.File
	info os.FileInfo // of f, from when it was opened
	// off is how many bytes of f were consumed, pending included.
	off    int64
	lineNo int
	// pending holds the start of a line still without its newline.
	pending []byte
	// long is set while skipping the rest of a line over MaxLine, whose
	// size so far is longSize.
	long     bool
	longSize int
	// skipTo: with FromEnd, lines ending at or before it are not delivered
	// unless they are part of the head (inHead).
	skipTo int64
	inHead bool
	// tail holds the last bytes consumed (at most followTailBytes).
	tail []byte
	// rotatedSince is when path was first seen naming another file.
	rotatedSince time.Time
	// lastReport suppresses repeating the same non-line problem each poll.
	lastReport string
	buf        []byte
}

// report passes a non-fatal problem to opts.Bad, once while it lasts.
func (fl *follower) report(err error) {
	if fl.opts.Bad == nil || err.Error() == fl.lastReport {
		return
	}
	fl.lastReport = err.Error()
	fl.opts.Bad(err)
}

// open opens path, reporting false when it does not exist (yet). With
// fromEnd the lines already there are skipped but counted.
func (fl *follower) open(fromEnd bool) (bool, error) {
	f, err := os.Open(fl.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("follow: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return false, fmt.Errorf("follow: %w", err)
	}
	if info.IsDir() {
		f.Close()
		return false, fmt.Errorf("follow %s: is a directory", fl.path)
	}
	fl.lastReport = ""
	fl.f, fl.info = f, info
	fl.reset()
	if fromEnd {
		fl.skipTo = info.Size()
	}
	return true, nil
}

// reset starts a new file: line 1 at byte 0.
func (fl *follower) reset() {
	fl.off, fl.lineNo, fl.skipTo = 0, 0, 0
	fl.pending, fl.long, fl.longSize = fl.pending[:0], false, 0
	fl.inHead, fl.tail, fl.rotatedSince = true, fl.tail[:0], time.Time{}
}

func (fl *follower) close() {
	if fl.f != nil {
		fl.f.Close()
		fl.f = nil
	}
}

// readToEOF reads and delivers what f holds past off, reporting whether
// anything was read. It stops early when ctx is cancelled.
func (fl *follower) readToEOF(ctx context.Context) (bool, error) {
	got := false
	for ctx.Err() == nil {
		n, err := fl.f.Read(fl.buf)
		if n > 0 {
			got = true
			fl.consume(fl.buf[:n])
		}
		if err == io.EOF || (n == 0 && err == nil) {
			return got, nil
		}
		if err != nil {
			return got, fmt.Errorf("follow %s: %w", fl.path, err)
		}
	}
	return got, nil
}

// consume splits b into lines, holding a last part without newline.
func (fl *follower) consume(b []byte) {
	fl.remember(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			fl.off += int64(len(b))
			fl.hold(b)
			return
		}
		fl.off += int64(i + 1)
		fl.complete(b[:i])
		b = b[i+1:]
	}
}

// remember keeps the last followTailBytes bytes consumed.
func (fl *follower) remember(b []byte) {
	if len(b) >= followTailBytes {
		fl.tail = append(fl.tail[:0], b[len(b)-followTailBytes:]...)
		return
	}
	if over := len(fl.tail) + len(b) - followTailBytes; over > 0 {
		fl.tail = append(fl.tail[:0], fl.tail[over:]...)
	}
	fl.tail = append(fl.tail, b...)
}

// hold keeps the start of a line until its newline comes.
func (fl *follower) hold(b []byte) {
	switch {
	case fl.long:
		fl.longSize += len(b)
	case len(fl.pending)+len(b) > fl.opts.MaxLine:
		fl.long, fl.longSize = true, len(fl.pending)+len(b)
		fl.pending = fl.pending[:0]
	default:
		fl.pending = append(fl.pending, b...)
	}
}

// complete delivers one line whose last part (without newline) is b.
func (fl *follower) complete(b []byte) {
	fl.lineNo++
	size := len(fl.pending) + len(b)
	if fl.long {
		size = fl.longSize + len(b)
	}
	if fl.long || size > fl.opts.MaxLine {
		fl.pending, fl.long, fl.longSize = fl.pending[:0], false, 0
		fl.inHead = false
		if fl.off > fl.skipTo && fl.opts.Bad != nil {
			fl.opts.Bad(&LineError{File: fl.path, Line: fl.lineNo,
				Reason: fmt.Sprintf("line is %d bytes, over the %d-byte limit", size, fl.opts.MaxLine)})
		}
		return
	}
	var text string
	if len(fl.pending) > 0 {
		fl.pending = append(fl.pending, b...)
		text = string(fl.pending)
		fl.pending = fl.pending[:0]
	} else {
		text = string(b)
	}
	text = strings.TrimSuffix(text, "\r")
	if fl.off <= fl.skipTo {
		if !fl.inHead || fl.opts.Head == nil || !fl.opts.Head(text) {
			fl.inHead = false
			return
		}
	} else {
		fl.inHead = false
	}
	fl.line(text, fl.lineNo)
}

// finish ends the current file: a last line without newline is delivered
// (the file will not grow any more), then the file is closed.
func (fl *follower) finish() {
	if fl.long || len(fl.pending) > 0 {
		fl.complete(nil)
	}
	fl.close()
}

// rotated reports whether path now names another file and the old one,
// read to its end, is done: it was quiet during the last read (got is
// false) after a poll, or RotateGrace has passed.
func (fl *follower) rotated(got bool) bool {
	st, err := os.Stat(fl.path)
	if err != nil || os.SameFile(st, fl.info) {
		// Gone (between rename and create) or still ours.
		fl.rotatedSince = time.Time{}
		return false
	}
	if fl.rotatedSince.IsZero() {
		fl.rotatedSince = time.Now()
		return false
	}
	return !got || time.Since(fl.rotatedSince) >= fl.opts.RotateGrace
}

// checkTruncated looks for a truncation of the open file (copytruncate):
// the file is shorter than what was read, or longer but the bytes before
// off are no longer those read. Then it reads the rest of the old content
// from the copy, if one is found, and starts over at the file's start.
func (fl *follower) checkTruncated() error {
	if fl.off == 0 {
		return nil
	}
	st, err := fl.f.Stat()
	if err != nil {
		return fmt.Errorf("follow %s: %w", fl.path, err)
	}
	switch {
	case st.Size() < fl.off:
	case st.Size() > fl.off && !fl.sameTail(fl.f):
	default:
		return nil
	}
	if !fl.readCopy() {
		fl.report(fmt.Errorf("%s: truncated after byte %d and no rotated copy found beside it; lines written since the last poll, if any, are lost", fl.path, fl.off))
	}
	if fl.long || len(fl.pending) > 0 {
		fl.complete(nil)
	}
	if _, err := fl.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("follow %s: %w", fl.path, err)
	}
	fl.reset()
	return nil
}

// sameTail reports whether f holds, just before off, the bytes last read.
func (fl *follower) sameTail(f *os.File) bool {
	got := make([]byte, len(fl.tail))
	n, _ := f.ReadAt(got, fl.off-int64(len(fl.tail)))
	return n == len(got) && bytes.Equal(got, fl.tail)
}

// readCopy finds the copy that copytruncate made of the followed file and
// consumes its content past off. It reports whether one was found.
func (fl *follower) readCopy() bool {
	dir, base := filepath.Split(fl.path)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	type candidate struct {
		path string
		mod  time.Time
	}
	var cands []candidate
	for _, e := range entries {
		name := e.Name()
		if name == base || !strings.HasPrefix(name, base) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() < fl.off || os.SameFile(info, fl.info) {
			continue
		}
		cands = append(cands, candidate{filepath.Join(dir, name), info.ModTime()})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].mod.After(cands[j].mod) })
	for _, c := range cands {
		f, err := os.Open(c.path)
		if err != nil {
			continue
		}
		if !fl.sameTail(f) {
			f.Close()
			continue
		}
		r := io.NewSectionReader(f, fl.off, 1<<62)
		for {
			n, err := r.Read(fl.buf)
			fl.consume(fl.buf[:n])
			if err != nil {
				break
			}
		}
		f.Close()
		return true
	}
	return false
}
