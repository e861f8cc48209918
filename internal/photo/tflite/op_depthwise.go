package tflite

import "fmt"

// depthwise is DEPTHWISE_CONV_2D. The channel is the innermost loop so every
// tap is a contiguous multiply-add over C values; interior pixels take a path
// without bounds tests.
type depthwise struct {
	in, out int
	win     window
	c, mult int
	weights []float32 // kh × kw × (c·mult), the TFLite layout
	bias    []float32
	post    epilogue
	// reference disables the one-pass 3×3 kernel (tests compare).
	reference bool
}

func (b *builder) depthwise(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 2, 3, 1)
	if err != nil {
		return nil, err
	}
	h, w, c, err := b.nhwc(ins[0])
	if err != nil {
		return nil, err
	}
	o := opts(d)
	pad, sw, sh, dw, dh, err := readWindow(o, 5, 6)
	if err != nil {
		return nil, err
	}
	mult, err := o.int32(3, 1)
	if err != nil {
		return nil, err
	}
	fs := b.shape(ins[1])
	if len(fs) != 4 || fs[0] != 1 || c <= 0 || fs[3]%c != 0 {
		return nil, fmt.Errorf("filter shape %v for %d channels", fs, c)
	}
	k := &depthwise{in: ins[0], out: outs[0], c: c, mult: fs[3] / c, reference: b.reference}
	if mult > 0 && int(mult) != k.mult {
		return nil, fmt.Errorf("depth multiplier %d, filter says %d", mult, k.mult)
	}
	if k.post.act, err = readAct(o, 4); err != nil {
		return nil, err
	}
	if err := k.win.init(h, w, fs[1], fs[2], sh, sw, dh, dw, pad); err != nil {
		return nil, err
	}
	if k.weights, err = b.floats(ins[1], elems(fs)); err != nil {
		return nil, err
	}
	if k.bias, err = b.biasOf(ins, 2, fs[3]); err != nil {
		return nil, err
	}
	if k.mult != 1 {
		b.needScratch(fs[3])
	}
	return k, b.setOut(outs[0], []int{1, k.win.oh, k.win.ow, fs[3]})
}

func (k *depthwise) run(s *Session) {
	in, out := s.buf(k.in), s.buf(k.out)
	w := &k.win
	co := k.c * k.mult
	fast := !k.reference && k.mult == 1 && w.kh == 3 && w.kw == 3 && w.dh == 1 && w.dw == 1
	for oy := range w.oh {
		iy0 := oy*w.sh - w.padT
		rowInside := iy0 >= 0 && iy0+2 < w.h
		for ox := range w.ow {
			ix0 := ox*w.sw - w.padL
			o := out[(oy*w.ow+ox)*co : (oy*w.ow+ox+1)*co]
			if fast && rowInside && ix0 >= 0 && ix0+2 < w.w {
				k.interior3x3(o, in, iy0, ix0)
				continue
			}
			k.edge(o, in, iy0, ix0)
		}
		k.post.apply(out[oy*w.ow*co : (oy+1)*w.ow*co])
	}
}

// interior3x3 computes one output pixel whose 3×3 window lies inside the
// image: all nine taps in one pass, one store per channel.
func (k *depthwise) interior3x3(o, in []float32, iy, ix int) {
	c, w := k.c, k.win.w
	row := w * c
	p := (iy*w + ix) * c
	r0 := in[p : p+3*c]
	r1 := in[p+row : p+row+3*c]
	r2 := in[p+2*row : p+2*row+3*c]
	wt := k.weights[:9*c]
	o = o[:c]
	b := k.bias[:c]
	for i := range o {
		acc := b[i]
		acc += r0[i]*wt[i] + r0[c+i]*wt[c+i] + r0[2*c+i]*wt[2*c+i]
		acc += r1[i]*wt[3*c+i] + r1[c+i]*wt[4*c+i] + r1[2*c+i]*wt[5*c+i]
		acc += r2[i]*wt[6*c+i] + r2[c+i]*wt[7*c+i] + r2[2*c+i]*wt[8*c+i]
		o[i] = acc
	}
}

// edge computes one output pixel of any window, skipping taps in the padding.
func (k *depthwise) edge(o, in []float32, iy0, ix0 int) {
	w := &k.win
	co := k.c * k.mult
	copy(o, k.bias)
	for ky := range w.kh {
		iy := iy0 + ky*w.dh
		if iy < 0 || iy >= w.h {
			continue
		}
		for kx := range w.kw {
			ix := ix0 + kx*w.dw
			if ix < 0 || ix >= w.w {
				continue
			}
			src := in[(iy*w.w+ix)*k.c : (iy*w.w+ix+1)*k.c]
			wt := k.weights[(ky*w.kw+kx)*co : (ky*w.kw+kx+1)*co]
			if k.mult == 1 {
				wt = wt[:len(src)]
				o := o[:len(src)]
				for c, x := range src {
					o[c] += x * wt[c]
				}
				continue
			}
			for c, x := range src {
				for m := range k.mult {
					o[c*k.mult+m] += x * wt[c*k.mult+m]
				}
			}
		}
	}
}

// readAct reads a fused activation and refuses the ones not implemented.
func readAct(t *table, id int) (byte, error) {
	a, err := t.byte(id, 0)
	if err != nil {
		return 0, err
	}
	if a > actRelu6 {
		return 0, fmt.Errorf("%w fused activation %d", errUnsupported, a)
	}
	return a, nil
}
