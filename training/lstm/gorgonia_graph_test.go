package lstm

import (
	"errors"
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// maxSliceIndex bounds the indices the graph slices at. gorgonia v0.9.18
// hashes a slice's start and end as one byte each (sliceOp.WriteHash), so
// Slice(x, S(0, 2)) and Slice(x, S(256, 258)) get the same hash and the
// graph merges them into one node: the second silently reads the first's
// data. The graph therefore never slices by time step or by a position in
// a gate vector; it reshapes a step's 4H×B gate pre-activations to
// 4×(H·B) and slices the gate index, 0 to 3, and it refuses any index that
// could collide.
const maxSliceIndex = 255

// gateSlice returns gate k of a step's pre-activations reshaped to
// 4×(H·B), as an H×B matrix.
func gateSlice(r *G.Node, k, hd, b int) (*G.Node, error) {
	if k < 0 || k+1 > maxSliceIndex {
		return nil, fmt.Errorf("lstm: graph: slice at %d: gorgonia merges slices whose bounds agree modulo 256", k)
	}
	s, err := G.Slice(r, G.S(k))
	if err != nil {
		return nil, err
	}
	return G.Reshape(s, tensor.Shape{hd, b})
}

// graph is the model as a gorgonia expression graph for batches of b
// rows and up to steps tokens, with its symbolic gradient, compiled once
// into a tape machine and run batch after batch. It is the reference the
// native pass's gradients are checked against, and the engine the
// benchmarks compare it with.
//
// Layout: every state is H×B (a column per row); each step has its own
// input node x_t, (E+1)×B, the embeddings of the step's tokens with a row
// of ones that carries the gate bias, and its own mask m_t, H×B, 1 while
// the row is running and 0 after its length: h = h + m·(h' - h), and the
// same for c, so padding never changes a row's result. The weights are
// input nodes too, wx = [inputTᵀ | bias] (4H×(E+1)), wh = recurrentTᵀ
// (4H×H), wo = out (1×H) and bo (1×1), filled from a model before each
// run. The embedding stays outside the graph: the gradients of the x_t are
// added to the rows of their tokens.
type graph struct {
	p        Params
	dt       tensor.Dtype
	b, steps int
	g        *G.ExprGraph
	vm       G.VM

	xs, masks          []*G.Node
	drop, ones, labels *G.Node
	wx, wh, wo, bo     *G.Node
	logit, cost        *G.Node
	// grads are the gradient nodes of wx, wh, wo, bo, then the x_t;
	// nil without gradients.
	grads G.Nodes
	// values maps each input node to the tensor bound to it.
	values map[*G.Node]*tensor.Dense
	// ids and lens are the last batch's tokens (b×steps) and lengths.
	ids  []int32
	lens []int
}

// newGraph builds the graph of dtype dt (tensor.Float64 or
// tensor.Float32), with its gradient when withGrad is set.
func newGraph(p Params, dt tensor.Dtype, b, steps int, withGrad bool) (*graph, error) {
	if b < 1 || steps < 1 {
		return nil, fmt.Errorf("lstm: graph: batch %d and steps %d, want at least 1 each", b, steps)
	}
	gr := &graph{p: p, dt: dt, b: b, steps: steps, g: G.NewGraph(), values: map[*G.Node]*tensor.Dense{}}
	if err := gr.build(); err != nil {
		return nil, fmt.Errorf("lstm: graph: %w", err)
	}
	if withGrad {
		wrt := append(G.Nodes{gr.wx, gr.wh, gr.wo, gr.bo}, gr.xs...)
		grads, err := G.Grad(gr.cost, wrt...)
		if err != nil {
			return nil, fmt.Errorf("lstm: graph: gradient: %w", err)
		}
		gr.grads = grads
	}
	gr.vm = G.NewTapeMachine(gr.g)
	return gr, nil
}

// input adds a rows×cols input node with a zero tensor bound to it.
func (gr *graph) input(name string, rows, cols int) *G.Node {
	v := tensor.New(tensor.Of(gr.dt), tensor.WithShape(rows, cols))
	n := G.NewMatrix(gr.g, gr.dt, G.WithShape(rows, cols), G.WithName(name), G.WithValue(v))
	gr.values[n] = v
	return n
}

// build lays out the forward pass and the cost.
func (gr *graph) build() error {
	p, b := gr.p, gr.b
	e, hd := p.Embed, p.Hidden
	g := gates * hd
	gr.wx = gr.input("wx", g, e+1)
	gr.wh = gr.input("wh", g, hd)
	gr.wo = gr.input("wo", 1, hd)
	gr.bo = gr.input("bo", 1, 1)
	gr.drop = gr.input("drop", hd, b)
	gr.ones = gr.input("ones", 1, b)
	gr.labels = gr.input("labels", 1, b)
	var h, c *G.Node
	for t := range gr.steps {
		x := gr.input(fmt.Sprintf("x%d", t), e+1, b)
		m := gr.input(fmt.Sprintf("m%d", t), hd, b)
		gr.xs, gr.masks = append(gr.xs, x), append(gr.masks, m)
		z, err := G.Mul(gr.wx, x)
		if err != nil {
			return err
		}
		if h != nil {
			if z, err = G.Add(z, G.Must(G.Mul(gr.wh, h))); err != nil {
				return err
			}
		}
		r, err := G.Reshape(z, tensor.Shape{gates, hd * b})
		if err != nil {
			return err
		}
		var act [gates]*G.Node
		for k := range act {
			s, err := gateSlice(r, k, hd, b)
			if err != nil {
				return err
			}
			if k == 2 {
				act[k], err = G.Tanh(s)
			} else {
				act[k], err = G.Sigmoid(s)
			}
			if err != nil {
				return err
			}
		}
		cNew := G.Must(G.HadamardProd(act[0], act[2]))
		if c != nil {
			cNew = G.Must(G.Add(G.Must(G.HadamardProd(act[1], c)), cNew))
		}
		hNew := G.Must(G.HadamardProd(act[3], G.Must(G.Tanh(cNew))))
		if c == nil {
			c, h = G.Must(G.HadamardProd(m, cNew)), G.Must(G.HadamardProd(m, hNew))
			continue
		}
		c = G.Must(G.Add(c, G.Must(G.HadamardProd(m, G.Must(G.Sub(cNew, c))))))
		h = G.Must(G.Add(h, G.Must(G.HadamardProd(m, G.Must(G.Sub(hNew, h))))))
	}
	hd2 := G.Must(G.HadamardProd(h, gr.drop))
	gr.logit = G.Must(G.Add(G.Must(G.Mul(gr.wo, hd2)), G.Must(G.Mul(gr.bo, gr.ones))))
	// Mean binary cross-entropy from the logits: softplus(z) - y·z.
	gr.cost = G.Must(G.Mean(G.Must(G.Sub(G.Must(G.Softplus(gr.logit)), G.Must(G.HadamardProd(gr.labels, gr.logit))))))
	return nil
}

// fill sets each element i of the tensor bound to n to f(i).
func (gr *graph) fill(n *G.Node, f func(i int) float64) {
	switch d := gr.values[n].Data().(type) {
	case []float64:
		for i := range d {
			d[i] = f(i)
		}
	case []float32:
		for i := range d {
			d[i] = float32(f(i))
		}
	}
}

// run fills the graph from the weights w (in the order of
// weights.tensors, as float64) and the batch made of rows of x, with the
// dropout multipliers drop (B×H, row-major by batch row; nil for none),
// runs it and returns the mean loss.
func (gr *graph) run(w [][]float64, x Examples, rows []int, drop []float32) (float64, error) {
	p := gr.p
	e, hd := p.Embed, p.Hidden
	g := gates * hd
	if len(rows) != gr.b {
		return 0, fmt.Errorf("lstm: graph: %d rows, built for %d", len(rows), gr.b)
	}
	emb, inT, recT, bias, out, outB := w[0], w[1], w[2], w[3], w[4], w[5]
	gr.fill(gr.wx, func(i int) float64 {
		r, k := i/(e+1), i%(e+1)
		if k == e {
			return bias[r]
		}
		return inT[k*g+r]
	})
	gr.fill(gr.wh, func(i int) float64 { return recT[(i%hd)*g+i/hd] })
	gr.fill(gr.wo, func(i int) float64 { return out[i] })
	gr.fill(gr.bo, func(int) float64 { return outB[0] })
	gr.fill(gr.ones, func(int) float64 { return 1 })
	gr.fill(gr.labels, func(i int) float64 { return float64(x.Labels[rows[i]]) })
	gr.fill(gr.drop, func(i int) float64 {
		if drop == nil {
			return 1
		}
		return float64(drop[(i%gr.b)*hd+i/gr.b])
	})
	gr.ids, gr.lens = gr.ids[:0], gr.lens[:0]
	for _, r := range rows {
		n := int(x.Lengths[r])
		if n > gr.steps {
			return 0, fmt.Errorf("lstm: graph: row %d has length %d, built for %d steps", r, n, gr.steps)
		}
		gr.lens = append(gr.lens, n)
		for t := range gr.steps {
			id := int32(Pad)
			if t < x.Width {
				id = x.IDs[r*x.Width+t] // padding included: the masks must hide it
			}
			gr.ids = append(gr.ids, id)
		}
	}
	for t := range gr.steps {
		gr.fill(gr.xs[t], func(i int) float64 {
			k, b := i/gr.b, i%gr.b
			if k == e {
				return 1
			}
			return emb[int(gr.ids[b*gr.steps+t])*e+k]
		})
		gr.fill(gr.masks[t], func(i int) float64 {
			if t < gr.lens[i%gr.b] {
				return 1
			}
			return 0
		})
	}
	defer gr.vm.Reset()
	if err := gr.vm.RunAll(); err != nil {
		return 0, fmt.Errorf("lstm: graph: run: %w", err)
	}
	return scalar(gr.cost.Value())
}

// scalar reads a float64 or float32 scalar value.
func scalar(v G.Value) (float64, error) {
	switch d := v.Data().(type) {
	case float64:
		return d, nil
	case float32:
		return float64(d), nil
	}
	return 0, fmt.Errorf("lstm: graph: cost is %T, want a float scalar", v.Data())
}

// floats reads a node's value as float64s.
func floats(n *G.Node) []float64 {
	switch d := n.Value().Data().(type) {
	case []float64:
		return d
	case []float32:
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out
	}
	return nil
}

// logits returns the last run's logits, one per row.
func (gr *graph) logits() []float64 { return floats(gr.logit) }

// gradient returns the last run's gradient in the order and layout of
// weights.tensors; the embedding's rows gather the gradients of the x_t
// where their tokens stood (Pad's row stays zero, as with torch's
// padding_idx).
func (gr *graph) gradient() ([][]float64, error) {
	if gr.grads == nil {
		return nil, errors.New("lstm: graph: built without gradients")
	}
	p := gr.p
	e, hd := p.Embed, p.Hidden
	g := gates * hd
	dwx, dwh, dwo, dbo := floats(gr.grads[0]), floats(gr.grads[1]), floats(gr.grads[2]), floats(gr.grads[3])
	out := [][]float64{
		make([]float64, p.Vocab*e), make([]float64, e*g), make([]float64, hd*g),
		make([]float64, g), append([]float64(nil), dwo...), append([]float64(nil), dbo...),
	}
	for r := range g {
		for k := range e {
			out[1][k*g+r] = dwx[r*(e+1)+k]
		}
		out[3][r] = dwx[r*(e+1)+e]
		for k := range hd {
			out[2][k*g+r] = dwh[r*hd+k]
		}
	}
	for t := range gr.steps {
		dx := floats(gr.grads[4+t])
		for b := range gr.b {
			id := int(gr.ids[b*gr.steps+t])
			if id == Pad {
				continue
			}
			for k := range e {
				out[0][id*e+k] += dx[k*gr.b+b]
			}
		}
	}
	return out, nil
}
