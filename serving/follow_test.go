package serving

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// followed is one delivered line.
type followed struct {
	text string
	n    int
}

// followRun runs Follow on path in the background and collects its lines
// and Bad errors. stop cancels it and waits for it to return.
type followRun struct {
	t     *testing.T
	mu    sync.Mutex
	lines []followed
	bad   []error
	done  chan error
	stop  context.CancelFunc
}

func startFollow(t *testing.T, path string, opts FollowOptions) *followRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &followRun{t: t, done: make(chan error, 1), stop: cancel}
	opts.Bad = func(err error) {
		r.mu.Lock()
		r.bad = append(r.bad, err)
		r.mu.Unlock()
	}
	go func() {
		r.done <- Follow(ctx, path, opts, func(text string, n int) {
			r.mu.Lock()
			r.lines = append(r.lines, followed{text, n})
			r.mu.Unlock()
		})
	}()
	t.Cleanup(func() { r.finish() })
	return r
}

// finish cancels Follow and returns its error; it fails the test if
// Follow does not return within a second.
func (r *followRun) finish() error {
	r.stop()
	select {
	case err := <-r.done:
		r.done <- err
		return err
	case <-time.After(time.Second):
		r.t.Fatal("Follow did not return within 1s of ctx being cancelled")
		return nil
	}
}

func (r *followRun) snapshot() ([]followed, []error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]followed(nil), r.lines...), append([]error(nil), r.bad...)
}

// waitLines waits until n lines were delivered.
func (r *followRun) waitLines(n int) []followed {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		lines, _ := r.snapshot()
		if len(lines) >= n {
			return lines
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("got %d lines, want %d: %v", len(lines), n, lines)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// copyTruncate does what logrotate's copytruncate does: copy, then
// truncate in place.
func copyTruncate(t *testing.T, path, to string) {
	t.Helper()
	src, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
}

func numbered(prefix string, from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "%s%d\n", prefix, i)
	}
	return b.String()
}

func assertLines(t *testing.T, got []followed, want ...followed) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d lines %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("line %d: got %v, want %v (all: %v)", i, got[i], want[i], got)
		}
	}
}

func TestFollowGrowingFileWithPartialLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dns.log")
	appendFile(t, path, "one\r\ntwo\n")
	r := startFollow(t, path, FollowOptions{Poll: 5 * time.Millisecond})
	r.waitLines(2)
	appendFile(t, path, "thr")
	time.Sleep(30 * time.Millisecond) // several polls see the partial line
	if lines, _ := r.snapshot(); len(lines) != 2 {
		t.Fatalf("a line without newline was delivered: %v", lines)
	}
	appendFile(t, path, "ee\n\nfour\n")
	assertLines(t, r.waitLines(5),
		followed{"one", 1}, followed{"two", 2}, followed{"three", 3}, followed{"", 4}, followed{"four", 5})
	if err := r.finish(); err != nil {
		t.Fatal(err)
	}
}

func TestFollowWaitsForTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dns.log")
	r := startFollow(t, path, FollowOptions{Poll: 5 * time.Millisecond, FromEnd: true})
	time.Sleep(20 * time.Millisecond)
	// FromEnd applies only to a file there at the start.
	appendFile(t, path, "a\nb\n")
	assertLines(t, r.waitLines(2), followed{"a", 1}, followed{"b", 2})
}

func TestFollowCancelWhileWaiting(t *testing.T) {
	r := startFollow(t, filepath.Join(t.TempDir(), "absent.log"), FollowOptions{Poll: time.Hour})
	time.Sleep(10 * time.Millisecond)
	if err := r.finish(); err != nil {
		t.Fatal(err)
	}
}

func TestFollowFromEndKeepsHead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dns.log")
	appendFile(t, path, "#separator \\x09\n#fields\tts\tquery\nold1\nold2\n")
	r := startFollow(t, path, FollowOptions{Poll: 5 * time.Millisecond, FromEnd: true,
		Head: func(s string) bool { return strings.HasPrefix(s, "#") }})
	r.waitLines(2)
	appendFile(t, path, "new5\n")
	assertLines(t, r.waitLines(3),
		followed{"#separator \\x09", 1}, followed{"#fields\tts\tquery", 2}, followed{"new5", 5})
}

func TestFollowLongLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dns.log")
	r := startFollow(t, path, FollowOptions{Poll: 5 * time.Millisecond, MaxLine: 100})
	appendFile(t, path, "short\n"+strings.Repeat("x", 80))
	r.waitLines(1)
	time.Sleep(20 * time.Millisecond)
	appendFile(t, path, strings.Repeat("y", 420)+"\nafter\n"+strings.Repeat("z", 100)+"\n")
	lines := r.waitLines(3)
	assertLines(t, lines, followed{"short", 1}, followed{"after", 3}, followed{strings.Repeat("z", 100), 4})
	_, bad := r.snapshot()
	if len(bad) != 1 {
		t.Fatalf("bad = %v, want one", bad)
	}
	var le *LineError
	if !errors.As(bad[0], &le) || le.Line != 2 {
		t.Fatalf("bad = %#v, want a *LineError for line 2", bad[0])
	}
	want := path + ":2: line is 500 bytes, over the 100-byte limit"
	if bad[0].Error() != want {
		t.Fatalf("bad = %q, want %q", bad[0], want)
	}
}

// TestFollowRenameRotation: the writer renames dns.log away, creates a new
// one, and (as a daemon does until it reopens) appends to the old one too.
func TestFollowRenameRotation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dns.log")
	appendFile(t, path, numbered("a", 1, 3))
	r := startFollow(t, path, FollowOptions{Poll: 50 * time.Millisecond})
	r.waitLines(3)

	old, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	old.WriteString("a4\na5") // a5 is still without its newline
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, "b1\nb2\n")
	// Late writes to the rotated file, ending in a line without newline
	// that the switch to the new file completes.
	old.WriteString("\na6\na7")
	appendFile(t, path, "b3\n")

	assertLines(t, r.waitLines(10),
		followed{"a1", 1}, followed{"a2", 2}, followed{"a3", 3}, followed{"a4", 4}, followed{"a5", 5},
		followed{"a6", 6}, followed{"a7", 7}, followed{"b1", 1}, followed{"b2", 2}, followed{"b3", 3})

	// A second rotation, with a gap where no file exists.
	if err := os.Rename(path, path+".2"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(120 * time.Millisecond)
	appendFile(t, path, "c1\n")
	lines := r.waitLines(11)
	assertLines(t, lines[10:], followed{"c1", 1})
	time.Sleep(60 * time.Millisecond)
	if lines, bad := r.snapshot(); len(lines) != 11 || len(bad) != 0 {
		t.Fatalf("extra lines %v or bad %v", lines[11:], bad)
	}
}

// TestFollowCopyTruncate: lines written after the follower's last read and
// before the truncation are read from the copy, whether the file is shorter
// or already longer again when the follower next looks.
func TestFollowCopyTruncate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		after string // written to the truncated file before the next poll
	}{
		{"shrunk", "b1\n"},
		{"regrown", numbered("b", 1, 50)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "dns.log")
			appendFile(t, path, numbered("a", 1, 3))
			r := startFollow(t, path, FollowOptions{Poll: 200 * time.Millisecond})
			r.waitLines(3) // the follower now sleeps for a poll
			appendFile(t, path, "a4\na5\n")
			copyTruncate(t, path, path+".1")
			appendFile(t, path, tc.after)
			n := strings.Count(tc.after, "\n")
			lines := r.waitLines(5 + n)
			want := []followed{{"a1", 1}, {"a2", 2}, {"a3", 3}, {"a4", 4}, {"a5", 5}}
			for i := 1; i <= n; i++ {
				want = append(want, followed{fmt.Sprintf("b%d", i), i})
			}
			assertLines(t, lines, want...)
			if _, bad := r.snapshot(); len(bad) != 0 {
				t.Fatalf("bad: %v", bad)
			}
		})
	}
}

func TestFollowTruncateWithoutCopy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dns.log")
	appendFile(t, path, "a1\na2\n")
	r := startFollow(t, path, FollowOptions{Poll: 20 * time.Millisecond})
	r.waitLines(2)
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	appendFile(t, path, "b1\n")
	assertLines(t, r.waitLines(3), followed{"a1", 1}, followed{"a2", 2}, followed{"b1", 1})
	_, bad := r.snapshot()
	if len(bad) != 1 || !strings.Contains(bad[0].Error(), "truncated after byte 6") {
		t.Fatalf("bad = %v, want one truncation notice", bad)
	}
}

// TestFollowRotationStress writes numbered lines with rotations of both
// kinds in between and checks each line arrives once, in order.
func TestFollowRotationStress(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dns.log")
	r := startFollow(t, path, FollowOptions{Poll: 2 * time.Millisecond, RotateGrace: 50 * time.Millisecond})
	const total = 3000
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	rotations := 0
	for i := 1; i <= total; i++ {
		if _, err := fmt.Fprintf(f, "line %d %s\n", i, strings.Repeat("x", i%97)); err != nil {
			t.Fatal(err)
		}
		switch {
		case i%500 == 0 && i%1000 != 0:
			rotations++
			f.Close()
			if err := os.Rename(path, fmt.Sprintf("%s.%d", path, rotations)); err != nil {
				t.Fatal(err)
			}
			if f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err != nil {
				t.Fatal(err)
			}
		case i%1000 == 0:
			rotations++
			copyTruncate(t, path, fmt.Sprintf("%s.%d", path, rotations))
		}
		if i%50 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	f.Close()
	lines := r.waitLines(total)
	for i, l := range lines {
		if want := fmt.Sprintf("line %d %s", i+1, strings.Repeat("x", (i+1)%97)); l.text != want {
			t.Fatalf("line %d: got %q, want %q", i, l.text, want)
		}
	}
	time.Sleep(20 * time.Millisecond)
	if lines, bad := r.snapshot(); len(lines) != total || len(bad) != 0 {
		t.Fatalf("%d lines (want %d), bad %v", len(lines), total, bad)
	}
}
