// Package parallel runs the tree learners' work on every core: tasks are
// claimed dynamically by a fixed number of goroutines, so results must not
// depend on which worker runs which task.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Threads resolves a Threads parameter: 0 (or less) means every core.
func Threads(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

// ForEach runs fn(worker, task) for every task in [0, n) on at most threads
// goroutines (worker is in [0, threads)). The calling goroutine is worker 0.
func ForEach(threads, n int, fn func(worker, task int)) {
	if threads > n {
		threads = n
	}
	if threads <= 1 {
		for i := 0; i < n; i++ {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	run := func(w int) {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			fn(w, i)
		}
	}
	var wg sync.WaitGroup
	for w := 1; w < threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(w)
		}()
	}
	run(0)
	wg.Wait()
}

// Chunks splits [0, n) into at most parts contiguous ranges of nearly equal
// size, each at least minSize long (except when n < minSize), and calls fn
// for each range in parallel.
func Chunks(threads, n, parts, minSize int, fn func(worker, lo, hi int)) {
	if parts > n/minSize {
		parts = n / minSize
	}
	if parts < 1 {
		parts = 1
	}
	ForEach(threads, parts, func(w, k int) {
		fn(w, k*n/parts, (k+1)*n/parts)
	})
}
