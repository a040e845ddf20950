package activities

import (
	"sync"

	"github.com/mlctl/mlctl/datasets"
	"github.com/mlctl/mlctl/training"
	"github.com/mlctl/mlctl/training/matrix"
	"github.com/mlctl/mlctl/trainingdata"
)

// foldData is one fold of a tuning run as its trials train and are scored
// on it: the other folds' rows with their fitted features, and the held-out
// fold's labeled rows (prefiltered like an evaluation's) with their
// features.
type foldData struct {
	lay  trainingdata.Layout
	td   *trainingData
	data training.Data
	// eval are the held-out fold's rows; evalX their features (nil for a
	// sequence learner, which scores names through its tokenizer).
	eval       []datasets.Row
	evalX      *matrix.Matrix
	evalLabels []int
}

// foldState is a trial's model on one fold after a rung, which the next
// rung resumes from when the learner resumes (gbdt: more trees on the
// same trees).
type foldState struct {
	units int
	state []byte
}

// Sizes of a worker's tuning caches: the folds of a run or two, and the
// models of the trials in flight.
const (
	maxCachedFolds  = 12
	maxCachedStates = 64
)

// tuneCache keeps a worker's fold data and fold models between the
// activities of a tuning run: trials and rungs train on the same folds,
// so the rows are read and the features computed once per worker. Only a
// cache: a fold activity on another worker builds the same data again
// and, its models being seeded, trains the same bytes.
type tuneCache struct {
	mu     sync.Mutex
	folds  lru[*foldData]
	states lru[foldState]
}

// lru is a small map that forgets the least recently used key beyond max.
type lru[V any] struct {
	max   int
	m     map[string]V
	order []string
}

func (c *lru[V]) get(k string) (V, bool) {
	v, ok := c.m[k]
	if ok {
		c.touch(k)
	}
	return v, ok
}

func (c *lru[V]) put(k string, v V) {
	if c.m == nil {
		c.m = map[string]V{}
	}
	c.m[k] = v
	c.touch(k)
	for len(c.order) > c.max {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
}

func (c *lru[V]) touch(k string) {
	for i, o := range c.order {
		if o == k {
			c.order = append(c.order[:i], c.order[i+1:]...)
			break
		}
	}
	c.order = append(c.order, k)
}

func (c *tuneCache) fold(k string) (*foldData, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.folds.get(k)
}

func (c *tuneCache) putFold(k string, f *foldData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.folds.max = maxCachedFolds
	c.folds.put(k, f)
}

func (c *tuneCache) state(k string) (foldState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.states.get(k)
}

func (c *tuneCache) putState(k string, s foldState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.states.max = maxCachedStates
	c.states.put(k, s)
}
