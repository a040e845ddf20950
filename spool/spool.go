// Package spool is a bounded first-in, first-out queue of records on disk,
// for what a process could not deliver yet and must not lose: one file per
// batch, written whole (temporary file, fsync, rename) so a crash leaves
// either the batch or nothing, and read back in the order it was appended,
// also by the next process that opens the directory.
package spool

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/mlctl/mlctl/internal/atomicfile"
)

// ErrFull is returned by Append when the batch would take the spool over
// its size bound; the batch is not spooled.
var ErrFull = errors.New("spool full")

// Spool is one directory's queue. One process at a time holds a directory
// (an exclusive lock on its LOCK file); its methods are safe for
// concurrent use.
type Spool struct {
	dir  string
	max  int64
	lock *os.File

	mu      sync.Mutex
	batches []batch // oldest first
	next    uint64
	bytes   int64
	records int
}

// batch is one spooled file.
type batch struct {
	seq     uint64
	size    int64
	records int
}

const suffix = ".batch"

// Open opens (creating it if missing) the spool in dir, which holds at most
// maxBytes of records (0 or less: no bound), with the batches a previous
// process left in it. It fails when another process holds dir.
func Open(dir string, maxBytes int64) (*Spool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("spool: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("spool %s: %w", dir, ErrInUse)
		}
		return nil, fmt.Errorf("spool %s: lock: %w", dir, err)
	}
	s := &Spool{dir: dir, max: maxBytes, lock: lock, next: 1}
	if err := s.load(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// ErrInUse is returned by Open when another process holds the directory.
var ErrInUse = errors.New("in use by another process")

// load reads the batches left in the directory and removes unfinished
// temporary files.
func (s *Spool) load() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("spool: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, atomicfile.TempPrefix) {
			os.Remove(filepath.Join(s.dir, name))
			continue
		}
		num, ok := strings.CutSuffix(name, suffix)
		if !ok || e.IsDir() {
			continue
		}
		seq, err := strconv.ParseUint(num, 10, 64)
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.dir, name))
		if err != nil {
			return fmt.Errorf("spool: %w", err)
		}
		n := bytes.Count(b, []byte{'\n'})
		s.batches = append(s.batches, batch{seq: seq, size: int64(len(b)), records: n})
		s.bytes += int64(len(b))
		s.records += n
		s.next = max(s.next, seq+1)
	}
	slices.SortFunc(s.batches, func(a, b batch) int { return cmp.Compare(a.seq, b.seq) })
	return nil
}

// Dir is the spool's directory.
func (s *Spool) Dir() string { return s.dir }

// Append spools records as one batch behind those already there, each
// record one line (it must not hold a newline). It returns ErrFull, and
// spools nothing, when the batch would take the spool over its bound.
func (s *Spool) Append(records [][]byte) error {
	if len(records) == 0 {
		return nil
	}
	var buf bytes.Buffer
	for i, r := range records {
		if bytes.IndexByte(r, '\n') >= 0 {
			return fmt.Errorf("spool: record %d holds a newline", i)
		}
		buf.Write(r)
		buf.WriteByte('\n')
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.max > 0 && s.bytes+int64(buf.Len()) > s.max {
		return fmt.Errorf("spool %s: %d bytes held, %d more would pass the bound of %d: %w", s.dir, s.bytes, buf.Len(), s.max, ErrFull)
	}
	seq := s.next
	if err := atomicfile.Write(s.path(seq), buf.Bytes()); err != nil {
		return fmt.Errorf("spool: write batch: %w", err)
	}
	s.next++
	s.batches = append(s.batches, batch{seq: seq, size: int64(buf.Len()), records: len(records)})
	s.bytes += int64(buf.Len())
	s.records += len(records)
	return nil
}

func (s *Spool) path(seq uint64) string {
	return filepath.Join(s.dir, fmt.Sprintf("%020d%s", seq, suffix))
}

// Head returns the oldest batch: its sequence number (for Remove) and its
// records; ok is false when the spool is empty.
func (s *Spool) Head() (seq uint64, records [][]byte, ok bool, err error) {
	s.mu.Lock()
	if len(s.batches) == 0 {
		s.mu.Unlock()
		return 0, nil, false, nil
	}
	seq = s.batches[0].seq
	s.mu.Unlock()
	f, err := os.Open(s.path(seq))
	if err != nil {
		return seq, nil, true, fmt.Errorf("spool: read batch %d: %w", seq, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		records = append(records, slices.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		return seq, nil, true, fmt.Errorf("spool: read batch %d: %w", seq, err)
	}
	return seq, records, true, nil
}

// Remove deletes the oldest batch, which must be seq (from Head), once
// delivered.
func (s *Spool) Remove(seq uint64) error {
	return s.drop(seq, func() error { return os.Remove(s.path(seq)) })
}

// Quarantine moves the oldest batch, seq, out of the queue into the
// directory's bad/ folder, for a batch that can never be delivered (it
// does not decode): kept for a person to look at, no longer in the way.
func (s *Spool) Quarantine(seq uint64) (string, error) {
	bad := filepath.Join(s.dir, "bad")
	to := filepath.Join(bad, filepath.Base(s.path(seq)))
	return to, s.drop(seq, func() error {
		if err := os.MkdirAll(bad, 0o700); err != nil {
			return err
		}
		return os.Rename(s.path(seq), to)
	})
}

func (s *Spool) drop(seq uint64, move func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.batches) == 0 || s.batches[0].seq != seq {
		return fmt.Errorf("spool: batch %d is not the oldest", seq)
	}
	if err := move(); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("spool: %w", err)
	}
	b := s.batches[0]
	s.batches = s.batches[1:]
	s.bytes -= b.size
	s.records -= b.records
	return nil
}

// Stats is what a spool holds.
type Stats struct {
	Batches, Records int
	Bytes            int64
}

// Stats returns what the spool holds now.
func (s *Spool) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Batches: len(s.batches), Records: s.records, Bytes: s.bytes}
}

// Empty reports whether nothing is spooled.
func (s *Spool) Empty() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.batches) == 0
}

// Close releases the directory; what is spooled stays for the next Open.
func (s *Spool) Close() error {
	if s.lock == nil {
		return nil
	}
	err := s.lock.Close() // closing drops the flock
	s.lock = nil
	return err
}
