package activities

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
)

// heartbeater records heartbeats every second in the background, so feature
// fitting and checkpoint writes never starve the heartbeat timeout.
type heartbeater struct {
	mu     sync.Mutex
	detail TrainHeartbeat
	done   chan struct{}
	wg     sync.WaitGroup
}

func newHeartbeater(ctx context.Context) *heartbeater {
	h := &heartbeater{done: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			h.mu.Lock()
			d := h.detail
			h.mu.Unlock()
			activity.RecordHeartbeat(ctx, d)
			select {
			case <-t.C:
			case <-h.done:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	return h
}

func (h *heartbeater) set(d TrainHeartbeat) {
	h.mu.Lock()
	h.detail = d
	h.mu.Unlock()
}

func (h *heartbeater) stop() {
	close(h.done)
	h.wg.Wait()
}
