package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForEachRunsEveryTaskOnce(t *testing.T) {
	for _, threads := range []int{1, 2, 7} {
		var seen [100]atomic.Int32
		ForEach(threads, len(seen), func(w, i int) {
			if w < 0 || w >= threads {
				t.Errorf("worker %d of %d", w, threads)
			}
			seen[i].Add(1)
		})
		for i := range seen {
			if seen[i].Load() != 1 {
				t.Fatalf("threads %d: task %d ran %d times", threads, i, seen[i].Load())
			}
		}
	}
	ForEach(2, 0, func(int, int) { t.Fatal("a task of none ran") })
}

func TestChunksCoverTheRange(t *testing.T) {
	var covered [1000]atomic.Int32
	Chunks(2, len(covered), 8, 50, func(_, lo, hi int) {
		if hi-lo < 50 {
			t.Errorf("chunk [%d,%d) under the minimum", lo, hi)
		}
		for i := lo; i < hi; i++ {
			covered[i].Add(1)
		}
	})
	for i := range covered {
		if covered[i].Load() != 1 {
			t.Fatalf("index %d covered %d times", i, covered[i].Load())
		}
	}
	if Threads(0) < 1 || Threads(3) != 3 {
		t.Fatal("Threads")
	}
}
