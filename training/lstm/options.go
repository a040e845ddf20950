package lstm

import "time"

// Options are Train's hooks; the zero value trains without them.
type Options struct {
	// Progress, when set, is called at most every ProgressEvery (default
	// 1 s) during an epoch and at the end of every epoch (after
	// Checkpoint); an error stops training and is returned, wrapped.
	Progress func(Progress) error
	// ProgressEvery is the least time between two calls of Progress
	// within an epoch; 0 means 1 s.
	ProgressEvery time.Duration
	// Checkpoint, when set, is called at the end of every epoch, before
	// Progress, with everything needed to resume (weights, Adam's moments
	// and step, the best weights so far and their epoch, the patience
	// counter, the epoch number, the batch order and the positions of the
	// shuffle and dropout streams), encoded deterministically: the same
	// run gives the same bytes. An error stops training and is returned,
	// wrapped. The state holds the weights four times (about 10 MB at the
	// default sizes).
	Checkpoint func(epoch int, state []byte) error
	// Resume is a state Checkpoint gave: training continues with the next
	// epoch, and the final model bytes equal an uninterrupted run's with
	// the same inputs and Params. A state made with other Params or other
	// examples is refused. Empty (nil) starts afresh.
	Resume []byte
}

// defaultProgressEvery is ProgressEvery's default.
const defaultProgressEvery = time.Second

// Progress is what training reports.
type Progress struct {
	// Epoch is the 1-based epoch in progress (or just finished); Epochs
	// is the most epochs (Params.Epochs).
	Epoch, Epochs int
	// Batch is the number of batches done in this epoch, out of Batches.
	Batch, Batches int
	// Loss is the mean training loss (binary cross-entropy, with dropout)
	// over this epoch's batches so far.
	Loss float64
	// ValidLoss is the mean validation loss after the last finished
	// epoch; NaN before the first and without validation examples.
	ValidLoss float64
	// ValidAUC is the ROC-AUC on the validation examples after the last
	// finished epoch (training/eval.ROCAUC, so 0 when they hold one class
	// only); NaN before the first and without validation examples.
	ValidAUC float64
	// EpochDone is true for the call at the end of an epoch.
	EpochDone bool
}

// reporter calls Options.Progress no more often than its interval within
// an epoch.
type reporter struct {
	fn    func(Progress) error
	every time.Duration
	next  time.Time
}

func newReporter(o Options) *reporter {
	every := o.ProgressEvery
	if every <= 0 {
		every = defaultProgressEvery
	}
	return &reporter{fn: o.Progress, every: every}
}

// start marks the beginning of an epoch: the first call within it may
// come one interval later.
func (r *reporter) start() {
	if r.fn != nil {
		r.next = time.Now().Add(r.every)
	}
}

// batch reports pr if the interval has passed since the last report.
func (r *reporter) batch(pr Progress) error {
	if r.fn == nil {
		return nil
	}
	now := time.Now()
	if now.Before(r.next) {
		return nil
	}
	r.next = now.Add(r.every)
	return r.fn(pr)
}

// epoch reports pr, the end of an epoch, whatever the time.
func (r *reporter) epoch(pr Progress) error {
	if r.fn == nil {
		return nil
	}
	pr.EpochDone = true
	return r.fn(pr)
}
