// Package lstm trains and scores the TXT notebook's sequence classifier: an
// embedding of each token (Pad = 0 has a zero, untrained embedding, as
// torch's padding_idx=0), one LSTM layer, a linear layer on the hidden
// state after the sequence's last real token, and a sigmoid. The sizes
// default to the TXT notebook's (vocabulary 10,002 with Pad and Unk, embedding
// 64, hidden 64, dropout 0.5).
//
// Variable lengths. Sequences come padded to a common width with their
// lengths (Sequences, the layout of features/tokens' Batch). A sequence's
// hidden and cell states stop at its length and the output reads the last
// real step, as torch's pack_padded_sequence does, so padding never
// changes a score: the native pass sorts a batch's rows by length and runs
// each step over the rows still going; the gorgonia graph masks each step
// (h = h + m·(h' - h)).
//
// Training (Train) minimises the mean binary cross-entropy with torch's
// Adam on mini-batches in a seeded order, with inverted dropout on the
// last hidden state (the TXT notebook passes dropout=0.5 to a one-layer nn.LSTM,
// where torch ignores it), and stops early once the validation loss has
// not improved for Patience epochs, keeping the best epoch's weights. The
// gradients, loss, probabilities and two Adam steps agree with torch
// 1.13.1 (testdata/torch_golden.py).
//
// Two engines compute a batch's gradient:
//   - the native pass (pass.go), hand-written forward and backward in
//     float32 on one matrix kernel (gemmRow, AVX2+FMA on amd64, portable
//     Go elsewhere) and vectorised activations. Train uses it: at batch
//     64, length 40 and the default sizes it runs about 1.6× torch's
//     single-thread training steps per second;
//   - a gorgonia graph (gorgonia_graph_test.go, so only the tests and
//     benchmarks compile gorgonia), built once per batch shape and run by
//     a tape machine, about 0.25–0.3× torch's speed: half its time is
//     gonum's matrix products and the rest gorgonia's per-node
//     bookkeeping, allocation and scalar activations. It is the reference
//     the native gradients are checked against, and is itself checked
//     against finite differences.
//
// gorgonia v0.9.18 merges slices whose start and end agree modulo 256
// (sliceOp.WriteHash keeps one byte of each), so Slice(x, S(0, 2)) and
// Slice(x, S(256, 258)) become one node and the second silently reads the
// first's data. The graph therefore never slices by time step or by
// position in the gate vector: each step has its own input node, and the
// gates are sliced by index 0..3 after a reshape (gateSlice refuses
// anything that could wrap). slice_test.go pins the bug and fails if the
// graph's slices collapse at 300 steps and a hidden size of 128.
//
// Hooks (Options). Train reports progress (batches, running loss, and the
// validation loss and ROC-AUC of the last epoch) through a callback,
// throttled within an epoch, and hands a checkpoint to another after each
// epoch: a deterministic binary state (state.go) with the weights, Adam's
// moments and step, the best weights, the patience counter, the batch
// order and the positions of the shuffle and dropout streams. Resuming
// from it continues with the next epoch and ends with the same model
// bytes as a run never interrupted. A state carries a hash of the Params
// and of the examples (counts, widths, real tokens and labels) and is
// refused by any other run.
//
// Scoring (Model.Predict) needs no gorgonia: the input part of the gates
// is a per-token table (embedding·W + bias, built once per model), so a
// step is one Hidden×4H product and the activations; it computes the same
// bits as the training pass without dropout.
//
// Determinism. Training runs on one goroutine and draws its initial
// weights, batch order and dropout masks from separate streams of the
// seed, so the same examples and parameters give the same model bytes
// (MarshalJSON, a documented JSON format) whatever GOMAXPROCS is. The
// bytes depend on the kernel: the AVX2 path fuses multiply-adds, the
// portable one does not.
//
// The package holds the algorithm only: no Temporal, no SQL.
package lstm
