package lstm

// gemmRow adds a·B to c: c[j] += Σ_k a[k]·b[k·ldb+j] for j < len(c) and
// k < len(a), B being row-major with ldb columns. It is the one product
// every pass of the model is made of (forward, backward and the weight
// gradients). Each c[j] accumulates its terms in order of k, one fused
// multiply-add at a time on the AVX2 kernel, one rounded multiply and one
// add elsewhere, so a result depends on the kernel but never on how the
// work is split.
func gemmRow(c, a, b []float32, ldb int) {
	n, k := len(c), len(a)
	if n == 0 || k == 0 {
		return
	}
	_ = b[(k-1)*ldb+n-1] // bounds, once for the kernels below
	done := 0
	if useAVX2 {
		done = n &^ 7
		if done > 0 {
			gemmRowAVX2(&c[0], done, &a[0], k, &b[0], ldb)
		}
	}
	if done < n {
		gemmRowGo(c[done:], a, b[done:], ldb)
	}
}

// gemmRowGo is gemmRow's portable kernel. The explicit float32 conversion
// keeps the compiler from fusing the multiply and the add on the
// architectures where it may, so every platform rounds alike.
func gemmRowGo(c, a, b []float32, ldb int) {
	for k, ak := range a {
		row := b[k*ldb : k*ldb+len(c)]
		for j, bj := range row {
			c[j] += float32(ak * bj)
		}
	}
}
