package serving

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestBodyBudget: a body holds the bytes it read until released; a body
// that would pass the budget waits its turn and then fails with
// errBodyBudget; after a release it reads.
func TestBodyBudget(t *testing.T) {
	b := newBodyBudget(1, 100) // 100 bytes a body, one chunk (100) of room: 200
	pr, pw := io.Pipe()
	slow := &budgetReader{r: pr, b: b, ctx: context.Background()}
	got := make(chan int, 1)
	go func() {
		n := 0
		buf := make([]byte, 100)
		for n < 150 {
			k, err := slow.Read(buf)
			if err != nil {
				break
			}
			n += k
		}
		got <- n
		slow.Read(buf) // waits for more, holding a chunk it took
	}()
	pw.Write([]byte(strings.Repeat("x", 100)))
	pw.Write([]byte(strings.Repeat("x", 50)))
	if n := <-got; n != 150 {
		t.Fatalf("the slow body read %d bytes", n)
	}
	other := &budgetReader{r: strings.NewReader(strings.Repeat("y", 100)), b: b, ctx: context.Background(), wait: 50 * time.Millisecond}
	began := time.Now()
	if _, err := other.Read(make([]byte, 100)); !errors.Is(err, errBodyBudget) {
		t.Fatalf("a body past the budget: %v", err)
	}
	if waited := time.Since(began); waited < 40*time.Millisecond {
		t.Fatalf("gave up after %v, without waiting its turn", waited)
	}
	pw.Close() // the slow body's last read ends, giving back its unread chunk
	for deadline := time.Now().Add(5 * time.Second); !b.sem.TryAcquire(50); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the unread chunk was not given back")
		}
	}
	b.sem.Release(50)
	slow.release()
	if n, err := io.ReadAll(other); err != nil || len(n) != 100 {
		t.Fatalf("after the release: %d bytes, %v", len(n), err)
	}
	other.release()
	if !b.sem.TryAcquire(200) {
		t.Fatal("the budget is not whole again")
	}
}
