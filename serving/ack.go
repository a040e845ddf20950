package serving

import (
	"context"
	"sync"
)

// ack tells a source when the queries it queued were scored: a source that
// must not forget input before it was scored (a Kafka consumer commits
// offsets only then) gives its queries one, counts each in with add, seals
// it once every query is queued and waits. The pipeline settles each query
// after its batch's alerts were handed to the alert sink (ok), or when it
// drops the batch (shutdown before any model loaded: not ok).
type ack struct {
	mu      sync.Mutex
	pending int
	sealed  bool
	failed  bool
	done    chan struct{}
}

func newAck() *ack { return &ack{done: make(chan struct{})} }

// add counts one query in, before it is queued.
func (a *ack) add() {
	a.mu.Lock()
	a.pending++
	a.mu.Unlock()
}

// settle counts n queries out; ok false marks the whole ack failed.
func (a *ack) settle(n int, ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pending -= n
	if !ok {
		a.failed = true
	}
	a.closeIfDone()
}

// seal says no query will be added: the ack is done once those added
// are settled.
func (a *ack) seal() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sealed = true
	a.closeIfDone()
}

func (a *ack) closeIfDone() {
	if a.sealed && a.pending == 0 {
		select {
		case <-a.done:
		default:
			close(a.done)
		}
	}
}

// wait returns true once every query was settled ok, false when one was
// not or ctx ended first.
func (a *ack) wait(ctx context.Context) bool {
	select {
	case <-a.done:
	case <-ctx.Done():
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return !a.failed
}

// ackRun is n queries in a row of a batch with the same ack.
type ackRun struct {
	a *ack
	n int
}

// ackRuns are the acks of a batch's queries, run by run (a batch mostly
// holds one poll's queries); nil when none has one. Take them before the
// batch's storage is reused.
func ackRuns(batch []Query) []ackRun {
	var runs []ackRun
	for _, q := range batch {
		switch {
		case q.ack == nil:
		case len(runs) > 0 && runs[len(runs)-1].a == q.ack:
			runs[len(runs)-1].n++
		default:
			runs = append(runs, ackRun{q.ack, 1})
		}
	}
	return runs
}

// settleRuns settles the runs' queries.
func settleRuns(runs []ackRun, ok bool) {
	for _, r := range runs {
		r.a.settle(r.n, ok)
	}
}
