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
	ID      int64
	Name    string
	Version int
	// Algo is the algorithm that trained it (gbdt, rf, iforest, lstm).
	Algo      string
	SHA256    string
	Threshold float64
	// ClientThreshold: a name answered NXDOMAIN at or above it counts
	// toward its client's verdict without a name alert (0: only names
	// over Threshold count; see ClientWindows).
	ClientThreshold float64
	Scorer          *artifact.Scorer
	// ChangeID is the alias change that brought it in.
	ChangeID int64
	LoadedAt time.Time
	// Sample is the sample of the feature vectors it scores on live
	// traffic, for drift checks (nil: none kept).
	Sample *LiveSample
}

// Ref is MODEL@V.
func (m *Model) Ref() string { return (&registry.Model{Name: m.Name, Version: m.Version}).Ref() }

// Holder holds the model in service and the shadow scored beside it, and
// swaps each atomically.
type Holder struct {
	cur    atomic.Pointer[Model]
	shadow atomic.Pointer[Shadow]
}

// Get returns the model in service, nil before the first load.
func (h *Holder) Get() *Model { return h.cur.Load() }

// Swap puts m in service and returns the model it replaced.
func (h *Holder) Swap(m *Model) *Model { return h.cur.Swap(m) }

// Shadow returns the shadow being scored (nil: none).
func (h *Holder) Shadow() *Shadow { return h.shadow.Load() }

// SetShadow starts scoring s (nil: none) and returns the shadow it replaced.
func (h *Holder) SetShadow(s *Shadow) *Shadow { return h.shadow.Swap(s) }

// ShadowOf returns the shadow whose champion is m: what is scored with m
// is scored with its challenger too. It is nil when there is none, or when
// the shadow belongs to another model (the champion changed while m was
// scoring).
func (h *Holder) ShadowOf(m *Model) *Shadow {
	if s := h.shadow.Load(); s != nil && s.Champion == m {
		return s
	}
	return nil
}
