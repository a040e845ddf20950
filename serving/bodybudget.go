package serving

import (
	"context"
	"errors"
	"io"
	"time"

	"golang.org/x/sync/semaphore"
)

// bodyBudget bounds the bytes of score request bodies being read at once:
// MaxInFlight bodies at MaxBody. A request reads its body in chunks, each
// taken from the budget before it is read, and gives what it took back when
// it is answered. A client that trickles its body holds only the bytes it
// sent, not a --max-in-flight slot (those are taken once the body is read),
// so slow clients cannot keep others from being scored; what the bodies
// decode to grows with their bytes, so the budget bounds that memory.
type bodyBudget struct {
	sem   *semaphore.Weighted
	chunk int64
}

// maxBodyChunk is the most a body read takes from the budget at once.
const maxBodyChunk = 32 << 10

func newBodyBudget(inFlight int, maxBody int64) *bodyBudget {
	chunk := min(maxBody, maxBodyChunk)
	// A body at maxBody ends with a read that finds nothing more: room
	// for one chunk past it, so one request alone always fits.
	return &bodyBudget{sem: semaphore.NewWeighted(int64(inFlight) * (maxBody + chunk)), chunk: chunk}
}

// errBodyBudget is returned by a body read that waited its turn in vain:
// other bodies held the budget (503).
var errBodyBudget = errors.New("request bodies in flight fill the scorer's budget")

// budgetReader reads a body within a bodyBudget.
type budgetReader struct {
	r    io.Reader
	b    *bodyBudget
	ctx  context.Context
	wait time.Duration // how long one chunk may wait for the budget
	held int64
}

func (r *budgetReader) Read(p []byte) (int, error) {
	if int64(len(p)) > r.b.chunk {
		p = p[:r.b.chunk]
	}
	need := int64(len(p))
	if !r.b.sem.TryAcquire(need) {
		if r.wait <= 0 {
			return 0, errBodyBudget
		}
		ctx, cancel := context.WithTimeout(r.ctx, r.wait)
		err := r.b.sem.Acquire(ctx, need)
		cancel()
		if err != nil {
			return 0, errBodyBudget
		}
	}
	n, err := r.r.Read(p)
	r.b.sem.Release(need - int64(n))
	r.held += int64(n)
	return n, err
}

// release gives back what the body took.
func (r *budgetReader) release() {
	r.b.sem.Release(r.held)
	r.held = 0
}
