package serving

import (
	"sync/atomic"
	"time"

	"github.com/mlctl/mlctl/artifact"
	"github.com/mlctl/mlctl/registry"
)

// Model is one loaded, verified model version, immutable once built: a
// request holds the *Model it started with, so a swap never changes the
// model under a request in flight.
type Model struct {
	ID        int64
	Name      string
	Version   int
	SHA256    string
	Threshold float64
	Scorer    *artifact.Scorer
	// ChangeID is the alias change that brought it in.
	ChangeID int64
	LoadedAt time.Time
}

// Ref is MODEL@V.
func (m *Model) Ref() string { return (&registry.Model{Name: m.Name, Version: m.Version}).Ref() }

// Holder holds the model in service and swaps it atomically.
type Holder struct {
	cur atomic.Pointer[Model]
}

// Get returns the model in service, nil before the first load.
func (h *Holder) Get() *Model { return h.cur.Load() }

// Swap puts m in service and returns the model it replaced.
func (h *Holder) Swap(m *Model) *Model { return h.cur.Swap(m) }
