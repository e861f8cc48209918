package tflite

import "fmt"

// reshape is RESHAPE or SQUEEZE: the values are copied unchanged. The target
// shape is the one the file declares for the output, which these models
// always give in full.
type reshape struct{ in, out int }

func (b *builder) reshape(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 1, 2, 1)
	if err != nil {
		return nil, err
	}
	shape := b.g.tensors[outs[0]].shape
	if elems(shape) != b.m.slots[ins[0]].n {
		return nil, fmt.Errorf("reshape %v to %v", b.shape(ins[0]), shape)
	}
	return &reshape{ins[0], outs[0]}, b.setOut(outs[0], shape)
}

func (k *reshape) run(s *Session) { copy(s.buf(k.out), s.buf(k.in)) }

// concat is CONCATENATION along any axis.
type concat struct {
	ins    []int
	out    int
	outer  int
	chunks []int // per input: values per outer step
	act    byte
}

func (b *builder) concat(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 1, 64, 1)
	if err != nil {
		return nil, err
	}
	o := opts(d)
	axis, err := o.int32(0, 0)
	if err != nil {
		return nil, err
	}
	k := &concat{ins: ins, out: outs[0]}
	if k.act, err = readAct(o, 1); err != nil {
		return nil, err
	}
	first := b.shape(ins[0])
	r := len(first)
	ax := int(axis)
	if ax < 0 {
		ax += r
	}
	if ax < 0 || ax >= r {
		return nil, fmt.Errorf("axis %d for rank %d", axis, r)
	}
	out := append([]int(nil), first...)
	out[ax] = 0
	for _, t := range ins {
		if b.ints[t] {
			return nil, fmt.Errorf("%w int32 operand", errUnsupported)
		}
		s := b.shape(t)
		if len(s) != r {
			return nil, fmt.Errorf("ranks differ")
		}
		for i := range s {
			if i != ax && s[i] != first[i] {
				return nil, fmt.Errorf("shapes %v and %v", first, s)
			}
		}
		out[ax] += s[ax]
		k.chunks = append(k.chunks, elems(s[ax:]))
	}
	k.outer = elems(first[:ax])
	return k, b.setOut(outs[0], out)
}

func (k *concat) run(s *Session) {
	out := s.buf(k.out)
	p := 0
	for o := range k.outer {
		for i, t := range k.ins {
			c := k.chunks[i]
			copy(out[p:p+c], s.buf(t)[o*c:(o+1)*c])
			p += c
		}
	}
	activate(out, k.act)
}

// pad is PAD with zeros, up to rank 4.
type pad struct {
	in, out int
	is, os  [4]int
	before  [4]int
}

func (b *builder) pad(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 2, 2, 1)
	if err != nil {
		return nil, err
	}
	s := b.shape(ins[0])
	p, err := b.intsOf(ins[1])
	if err != nil {
		return nil, err
	}
	if len(s) > 4 || len(p) != 2*len(s) {
		return nil, fmt.Errorf("paddings %v for shape %v", p, s)
	}
	k := &pad{in: ins[0], out: outs[0], is: pad4(s)}
	off := 4 - len(s)
	k.os = k.is
	for i := range s {
		lo, hi := p[2*i], p[2*i+1]
		if lo < 0 || hi < 0 || lo > maxElements || hi > maxElements {
			return nil, fmt.Errorf("padding %d,%d", lo, hi)
		}
		k.before[off+i] = int(lo)
		k.os[off+i] += int(lo + hi)
	}
	return k, b.setOut(outs[0], rankLike(k.os, len(s)))
}

func (k *pad) run(s *Session) {
	in, out := s.buf(k.in), s.buf(k.out)
	clear(out)
	is, os, bf := k.is, k.os, k.before
	for i := range is[0] {
		for j := range is[1] {
			for l := range is[2] {
				src := ((i*is[1]+j)*is[2] + l) * is[3]
				dst := (((i+bf[0])*os[1]+j+bf[1])*os[2]+l+bf[2])*os[3] + bf[3]
				copy(out[dst:dst+is[3]], in[src:src+is[3]])
			}
		}
	}
}

// stridedSlice is STRIDED_SLICE with begin, end and shrink masks, up to rank 4.
type stridedSlice struct {
	in, out int
	is      [4]int
	begin   [4]int
	stride  [4]int
	size    [4]int
}

func (b *builder) stridedSlice(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 4, 4, 1)
	if err != nil {
		return nil, err
	}
	s := b.shape(ins[0])
	r := len(s)
	var p [3][]int32
	for i := range p {
		if p[i], err = b.intsOf(ins[i+1]); err != nil {
			return nil, err
		}
		if len(p[i]) != r {
			return nil, fmt.Errorf("parameter of %d values for rank %d", len(p[i]), r)
		}
	}
	o := opts(d)
	var masks [5]int32
	for i := range masks {
		if masks[i], err = o.int32(i, 0); err != nil {
			return nil, err
		}
	}
	if masks[2] != 0 || masks[3] != 0 || r > 4 {
		return nil, fmt.Errorf("%w ellipsis/new-axis mask or rank %d", errUnsupported, r)
	}
	k := &stridedSlice{in: ins[0], out: outs[0], is: pad4(s)}
	off := 4 - r
	k.stride, k.size = [4]int{1, 1, 1, 1}, [4]int{1, 1, 1, 1}
	var shape []int
	for i := range r {
		n, st := s[i], int(p[2][i])
		if st <= 0 || st > maxElements {
			return nil, fmt.Errorf("%w stride %d", errUnsupported, st)
		}
		lo, hi := clampIdx(int(p[0][i]), n), clampIdx(int(p[1][i]), n)
		if masks[0]&(1<<i) != 0 {
			lo = 0
		}
		if masks[1]&(1<<i) != 0 {
			hi = n
		}
		if masks[4]&(1<<i) != 0 {
			hi = lo + 1
		}
		size := max((hi-lo+st-1)/st, 0)
		if size == 0 || lo >= n {
			return nil, fmt.Errorf("empty slice")
		}
		k.begin[off+i], k.stride[off+i], k.size[off+i] = lo, st, size
		if masks[4]&(1<<i) == 0 {
			shape = append(shape, size)
		}
	}
	if len(shape) == 0 {
		shape = []int{1}
	}
	if elems(shape) != elems(k.size[:]) {
		return nil, fmt.Errorf("slice size mismatch")
	}
	return k, b.setOut(outs[0], shape)
}

// clampIdx resolves a negative index and clamps it into [0, n].
func clampIdx(i, n int) int {
	if i < 0 {
		i += n
	}
	return min(max(i, 0), n)
}

func (k *stridedSlice) run(s *Session) {
	in, out := s.buf(k.in), s.buf(k.out)
	is := k.is
	p := 0
	for a := range k.size[0] {
		ia := k.begin[0] + a*k.stride[0]
		for b := range k.size[1] {
			ib := ia*is[1] + k.begin[1] + b*k.stride[1]
			for c := range k.size[2] {
				ic := ib*is[2] + k.begin[2] + c*k.stride[2]
				base := ic*is[3] + k.begin[3]
				for e := range k.size[3] {
					out[p] = in[base+e*k.stride[3]]
					p++
				}
			}
		}
	}
}
