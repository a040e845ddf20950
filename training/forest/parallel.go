package forest

import (
	"math/bits"
	"math/rand/v2"
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
// The calling goroutine is worker 0. (The same helper as training/gbdt's.)
func forEach(threads, n int, fn func(worker, task int)) {
	threads = min(threads, n)
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

// treeRNG returns the random generator of tree t: a PCG seeded from the
// training seed and the tree's index, so tree t draws the same numbers
// whichever goroutine grows it.
func treeRNG(seed uint64, t int) *rand.PCG {
	return rand.NewPCG(splitmix64(seed), splitmix64(seed^splitmix64(uint64(t)+1)))
}

// splitmix64 is the SplitMix64 finaliser, used to spread seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// uniform returns a number in [0, n) from one draw of src (Lemire's
// multiply-shift; defined here so the stream never depends on the Go
// version's math/rand helpers).
func uniform(src *rand.PCG, n int) int {
	hi, _ := bits.Mul64(src.Uint64(), uint64(n))
	return int(hi)
}
