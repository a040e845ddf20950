package lstm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// sliceCollision builds Slice(x, a) and Slice(x, b) of a 300×1 input
// holding 0..299 in one graph, runs it, and reports whether the two came
// out as one node or with the same values.
func sliceCollision(t *testing.T, a, b tensor.Slice) bool {
	t.Helper()
	g := G.NewGraph()
	v := tensor.New(tensor.WithShape(300, 1), tensor.WithBacking(tensor.Range(tensor.Float64, 0, 300)))
	x := G.NewMatrix(g, tensor.Float64, G.WithShape(300, 1), G.WithName("x"), G.WithValue(v))
	sa, err := G.Slice(x, a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := G.Slice(x, b)
	if err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return sa == sb || fmt.Sprint(sa.Value().Data()) == fmt.Sprint(sb.Value().Data())
}

// TestSliceHashBug pins gorgonia v0.9.18's slice-hash bug and the guard
// against it. sliceOp.WriteHash keeps one byte of a slice's start and end,
// so S(0,2) and S(256,258) of the same node hash alike and the graph
// merges them: the second slice silently reads rows 0 and 1. The model's
// graph therefore slices only gate indices 0..3 (gateSlice) and refuses
// any index that could wrap.
func TestSliceHashBug(t *testing.T) {
	if sliceCollision(t, G.S(0, 2), G.S(1, 3)) {
		t.Fatal("S(0,2) and S(0,3) collapsed: the check itself is broken")
	}
	if sliceCollision(t, G.S(0, 2), G.S(256, 258)) {
		t.Log("gorgonia merges S(0,2) and S(256,258) into one node (the known bug): the model never slices at 256 or above")
	} else {
		t.Log("gorgonia keeps S(0,2) and S(256,258) apart: the bug is fixed upstream; maxSliceIndex may be lifted")
	}
	// Every slice the model takes stays distinct.
	for a := range gates {
		for b := a + 1; b < gates; b++ {
			if sliceCollision(t, G.S(a), G.S(b)) {
				t.Errorf("gate slices %d and %d collapsed into one node", a, b)
			}
		}
	}
	g := G.NewGraph()
	r := G.NewMatrix(g, tensor.Float64, G.WithShape(300, 2), G.WithName("r"))
	if _, err := gateSlice(r, 255, 1, 2); err == nil {
		t.Error("gateSlice accepted index 255, whose end (256) hashes as 0")
	}
}

// TestGraphBeyondSliceHashRange is the regression test for the bug in the
// model's own graph: with 300 steps and a hidden size of 128 (4H = 512),
// any slice by time step or by position in the gate vector would reach
// 256 and collapse onto an earlier one. The graph must hold one distinct
// slice node per gate and step, and score every row as the plain-Go
// reference does.
func TestGraphBeyondSliceHashRange(t *testing.T) {
	p := DefaultParams()
	p.Vocab, p.Embed, p.Hidden = 30, 3, 128
	m := perturbWeights(t, p, 51)
	x := randomExamples(rand.New(rand.NewPCG(52, 52)), 2, 300, 258, p.Vocab)
	gr, err := newGraph(p, tensor.Float64, x.Rows(), x.Width, false)
	if err != nil {
		t.Fatal(err)
	}
	slices := 0
	for _, n := range gr.g.AllNodes() {
		if op := fmt.Sprintf("%T", n.Op()); op == "gorgonia.sliceOp" || op == "*gorgonia.sliceOp" {
			slices++
		}
	}
	if want := gates * x.Width; slices != want {
		t.Errorf("graph has %d slice nodes, want %d: some collapsed", slices, want)
	}
	w := float64s(&m.weights)
	if _, err := gr.run(w, x, allRows(x.Rows()), nil); err != nil {
		t.Fatal(err)
	}
	for i, z := range gr.logits() {
		got := 1 / (1 + math.Exp(-z))
		if want := referenceScore(w, p, x.Row(i)); math.Abs(got-want) > 1e-5 {
			t.Errorf("row %d (length %d): graph %v, reference %v", i, x.Lengths[i], got, want)
		}
	}
}
