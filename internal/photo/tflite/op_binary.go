package tflite

import "fmt"

// binary is ADD, SUB, MUL, DIV, MAXIMUM or MINIMUM with NumPy broadcasting
// over up to four dimensions. The work is split into rows of the last
// dimension, each a vector-vector or vector-scalar loop.
type binaryOp struct {
	a, b, out  int
	kind       int32
	post       epilogue
	channels   int // last dimension of the output
	rows, cols int
	sa, sb     [3]int // strides over the three outer dimensions, in rows of a / b
	dims       [3]int
	la, lb     int  // length of a row in a / b: cols or 1
	flat       bool // same shapes: one row of n
}

func (b *builder) binary(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 2, 2, 1)
	if err != nil {
		return nil, err
	}
	if b.ints[ins[1]] {
		return nil, fmt.Errorf("%w int32 operand", errUnsupported)
	}
	k := &binaryOp{a: ins[0], b: ins[1], out: outs[0], kind: d.builtin}
	switch d.builtin {
	case opAdd, opMul, opSub, opDiv:
		if k.post.act, err = readAct(opts(d), 0); err != nil {
			return nil, err
		}
	}
	sa, sb := b.shape(ins[0]), b.shape(ins[1])
	if len(sa) > 4 || len(sb) > 4 {
		return nil, fmt.Errorf("%w rank above 4", errUnsupported)
	}
	pa, pb := pad4(sa), pad4(sb)
	var so [4]int
	for i := range 4 {
		switch {
		case pa[i] == pb[i]:
			so[i] = pa[i]
		case pa[i] == 1:
			so[i] = pb[i]
		case pb[i] == 1:
			so[i] = pa[i]
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", sa, sb)
		}
	}
	if err := b.setOut(outs[0], rankLike(so, max(len(sa), len(sb)))); err != nil {
		return nil, err
	}
	k.channels = so[3]
	if pa == pb {
		k.flat, k.rows, k.cols, k.la, k.lb = true, 1, elems(so[:]), elems(so[:]), elems(so[:])
		return k, nil
	}
	k.cols, k.la, k.lb = so[3], pa[3], pb[3]
	k.rows = so[0] * so[1] * so[2]
	copy(k.dims[:], so[:3])
	k.sa = [3]int{pa[1] * pa[2], pa[2], 1}
	k.sb = [3]int{pb[1] * pb[2], pb[2], 1}
	for i := range 3 {
		if pa[i] == 1 {
			k.sa[i] = 0
		}
		if pb[i] == 1 {
			k.sb[i] = 0
		}
	}
	return k, nil
}

func pad4(s []int) [4]int {
	p := [4]int{1, 1, 1, 1}
	copy(p[4-len(s):], s)
	return p
}

func rankLike(s [4]int, rank int) []int { return append([]int(nil), s[4-rank:]...) }

func (k *binaryOp) run(s *Session) {
	a, b, out := s.buf(k.a), s.buf(k.b), s.buf(k.out)
	if k.flat {
		step := k.post.chunk(k.channels)
		for p := 0; p < len(out); p += step {
			q := min(p+step, len(out))
			binRow(k.kind, out[p:q], a[p:q], b[p:q])
			k.post.apply(out[p:q])
		}
		return
	}
	r := 0
	for i := range k.dims[0] {
		for j := range k.dims[1] {
			for l := range k.dims[2] {
				ra := (i*k.sa[0] + j*k.sa[1] + l*k.sa[2]) * k.la
				rb := (i*k.sb[0] + j*k.sb[1] + l*k.sb[2]) * k.lb
				binRow(k.kind, out[r*k.cols:(r+1)*k.cols], a[ra:ra+k.la], b[rb:rb+k.lb])
				r++
			}
		}
	}
	k.post.apply(out)
}

// binRow computes dst = a ∘ b where a or b may be a single value broadcast
// over the row.
func binRow(kind int32, dst, a, b []float32) {
	if len(a) == 1 && len(dst) > 1 {
		x := a[0]
		switch kind {
		case opSub:
			for i, y := range b[:len(dst)] {
				dst[i] = x - y
			}
			return
		case opDiv:
			for i, y := range b[:len(dst)] {
				dst[i] = x / y
			}
			return
		}
		a, b = b, a // the rest commute
	}
	if len(b) == 1 {
		y := b[0]
		a = a[:len(dst)]
		switch kind {
		case opAdd:
			for i, x := range a {
				dst[i] = x + y
			}
		case opSub:
			for i, x := range a {
				dst[i] = x - y
			}
		case opMul:
			for i, x := range a {
				dst[i] = x * y
			}
		case opDiv:
			for i, x := range a {
				dst[i] = x / y
			}
		case opMaximum:
			for i, x := range a {
				dst[i] = max(x, y)
			}
		case opMinimum:
			for i, x := range a {
				dst[i] = min(x, y)
			}
		}
		return
	}
	a, b = a[:len(dst)], b[:len(dst)]
	switch kind {
	case opAdd:
		for i, x := range a {
			dst[i] = x + b[i]
		}
	case opSub:
		for i, x := range a {
			dst[i] = x - b[i]
		}
	case opMul:
		for i, x := range a {
			dst[i] = x * b[i]
		}
	case opDiv:
		for i, x := range a {
			dst[i] = x / b[i]
		}
	case opMaximum:
		for i, x := range a {
			dst[i] = max(x, b[i])
		}
	case opMinimum:
		for i, x := range a {
			dst[i] = min(x, b[i])
		}
	}
}

// prelu is PRELU: x for x ≥ 0, α·x otherwise, α per channel (last dimension)
// or of the input's full shape.
type prelu struct {
	in, out int
	alpha   []float32
}

func (b *builder) prelu(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 2, 2, 1)
	if err != nil {
		return nil, err
	}
	s := b.shape(ins[0])
	k := &prelu{in: ins[0], out: outs[0]}
	if k.alpha, err = b.floats(ins[1], -1); err != nil {
		return nil, err
	}
	n := b.m.slots[ins[0]].n
	if len(s) == 0 || len(k.alpha) == 0 || (len(k.alpha) != s[len(s)-1] && len(k.alpha) != n) {
		return nil, fmt.Errorf("%w alpha of %d values for shape %v", errUnsupported, len(k.alpha), s)
	}
	return k, b.setOut(outs[0], s)
}

func (k *prelu) run(s *Session) { preluRows(s.buf(k.out), s.buf(k.in), k.alpha) }

// preluRows applies PRELU with one α per element of each row of len(alpha).
func preluRows(out, in, alpha []float32) {
	c := len(alpha)
	for p := 0; p+c <= len(in); p += c {
		src, dst := in[p:p+c], out[p:p+c]
		al := alpha[:len(src)]
		dst = dst[:len(src)]
		for i, x := range src {
			// Branch-free: the sign of activations is unpredictable.
			neg := min(x, 0)
			dst[i] = x - neg + al[i]*neg
		}
	}
}
