package training

import "sync"

// Memo keeps what a learner derives from its training data alone (gbdt's
// bin codes of X, say) for the next run on the same Data: a tuning run
// trains many trials on each fold. It is safe for concurrent use; a
// learner keys its entries by everything they depend on besides the data.
type Memo struct {
	mu sync.Mutex
	m  map[string]any
}

// Get returns the entry under key, building and keeping it first if
// there is none. Two runs asking at once may both build it; one is kept.
func (m *Memo) Get(key string, build func() any) any {
	if m == nil {
		return build()
	}
	m.mu.Lock()
	v, ok := m.m[key]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = build()
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.m[key]; ok {
		return old
	}
	if m.m == nil {
		m.m = map[string]any{}
	}
	m.m[key] = v
	return v
}
