package gbdt

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// threadCount resolves Params.Threads: 0 means every core.
func threadCount(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

// forEach runs fn(worker, task) for every task in [0, n) on at most threads
// goroutines (worker is in [0, threads)). Tasks are claimed dynamically, so
// callers must make results independent of which worker runs which task.
// The calling goroutine is worker 0.
func forEach(threads, n int, fn func(worker, task int)) {
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

// chunks splits [0, n) into at most parts contiguous ranges of nearly equal
// size, each at least minSize long (except when n < minSize), and calls fn for
// each range in parallel.
func chunks(threads, n, parts, minSize int, fn func(worker, lo, hi int)) {
	if parts > n/minSize {
		parts = n / minSize
	}
	if parts < 1 {
		parts = 1
	}
	forEach(threads, parts, func(w, k int) {
		fn(w, k*n/parts, (k+1)*n/parts)
	})
}
