package spool

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func recs(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func join(rs [][]byte) string {
	var ss []string
	for _, r := range rs {
		ss = append(ss, string(r))
	}
	return strings.Join(ss, ",")
}

// TestSpoolKeepsOrderAcrossReopen: batches come back oldest first, also
// from the next Open of the directory, and Remove takes only the oldest.
func TestSpoolKeepsOrderAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]string{{"a", "b"}, {"c"}, {"d", "e", "f"}} {
		if err := s.Append(recs(b...)); err != nil {
			t.Fatal(err)
		}
	}
	seq, got, ok, err := s.Head()
	if err != nil || !ok || join(got) != "a,b" {
		t.Fatalf("head: %q %v %v", join(got), ok, err)
	}
	if err := s.Remove(seq + 1); err == nil {
		t.Fatal("removed a batch that is not the oldest")
	}
	if err := s.Remove(seq); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Batches != 2 || st.Records != 4 || st.Bytes != 8 {
		t.Fatalf("stats %+v", st)
	}
	s.Close()
	os.WriteFile(filepath.Join(dir, ".tmp-123"), []byte("half a batch"), 0o600) // a crash mid-write
	s, err = Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st := s.Stats(); st.Batches != 2 || st.Records != 4 {
		t.Fatalf("after reopen: %+v", st)
	}
	if _, err := os.Stat(filepath.Join(dir, ".tmp-123")); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("the unfinished temporary file is still there")
	}
	if err := s.Append(recs("g")); err != nil {
		t.Fatal(err)
	}
	var all []string
	for {
		seq, got, ok, err := s.Head()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		all = append(all, join(got))
		if err := s.Remove(seq); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(all, "|") != "c|d,e,f|g" {
		t.Fatalf("read back %q", all)
	}
	if !s.Empty() {
		t.Fatal("not empty")
	}
}

// TestSpoolBound: a batch that would pass the bound is refused whole with
// ErrFull; one that fits after a Remove is taken.
func TestSpoolBound(t *testing.T) {
	s, err := Open(t.TempDir(), 10)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Append(recs("1234", "5678")); err != nil { // 10 bytes with newlines
		t.Fatal(err)
	}
	if err := s.Append(recs("x")); !errors.Is(err, ErrFull) {
		t.Fatalf("over the bound: %v", err)
	}
	if st := s.Stats(); st.Records != 2 {
		t.Fatalf("stats %+v", st)
	}
	seq, _, _, _ := s.Head()
	s.Remove(seq)
	if err := s.Append(recs("x")); err != nil {
		t.Fatal(err)
	}
	if err := s.Append(recs("a\nb")); err == nil {
		t.Fatal("a record with a newline was spooled")
	}
}

// TestSpoolOneProcess: a second Open of a held directory fails with
// ErrInUse; after Close it succeeds.
func TestSpoolOneProcess(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, 0); !errors.Is(err, ErrInUse) {
		t.Fatalf("second open: %v", err)
	}
	s.Close()
	s2, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
}

// TestSpoolQuarantine: a batch moved to bad/ leaves the queue and stays
// on disk.
func TestSpoolQuarantine(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Append(recs("junk"))
	s.Append(recs("good"))
	seq, _, _, _ := s.Head()
	to, err := s.Quarantine(seq)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(to); err != nil || string(b) != "junk\n" {
		t.Fatalf("quarantined file: %q %v", b, err)
	}
	if _, got, _, _ := s.Head(); join(got) != "good" {
		t.Fatalf("head after quarantine: %q", join(got))
	}
}
