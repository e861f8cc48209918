package tflite

import "fmt"

// conv2d is CONV_2D: an im2col gather into scratch, then gemm. A 1×1,
// stride-1 convolution skips the gather, its input already being the matrix.
type conv2d struct {
	in, out   int
	win       window
	cin, cout int
	weights   []float32 // cout × (kh·kw·cin), the TFLite layout
	wt        []float32 // weights transposed for gemmT, or nil
	ld        int       // row length of wt
	bias      []float32
	post      epilogue
	pointwise bool
	rows      int  // output pixels gathered per gemm call
	reference bool // use the textbook loops (tests and benchmarks compare)
}

func (b *builder) conv(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 2, 3, 1)
	if err != nil {
		return nil, err
	}
	h, w, cin, err := b.nhwc(ins[0])
	if err != nil {
		return nil, err
	}
	fs := b.shape(ins[1])
	if len(fs) != 4 || fs[3] != cin {
		return nil, fmt.Errorf("filter shape %v for %d input channels", fs, cin)
	}
	c := &conv2d{in: ins[0], out: outs[0], cin: cin, cout: fs[0], reference: b.reference}
	o := opts(d)
	pad, sw, sh, dw, dh, err := readWindow(o, 4, 5)
	if err != nil {
		return nil, err
	}
	if c.post.act, err = readAct(o, 3); err != nil {
		return nil, err
	}
	if err := c.win.init(h, w, fs[1], fs[2], sh, sw, dh, dw, pad); err != nil {
		return nil, err
	}
	if c.weights, err = b.floats(ins[1], elems(fs)); err != nil {
		return nil, err
	}
	if c.bias, err = b.biasOf(ins, 2, c.cout); err != nil {
		return nil, err
	}
	c.pointwise = fs[1] == 1 && fs[2] == 1 && sh == 1 && sw == 1
	k := fs[1] * fs[2] * cin
	if haveGemmT && !c.reference {
		c.wt, c.ld = transposeFilter(c.weights, c.cout, k)
	}
	c.rows = max(2, min(c.win.oh*c.win.ow, 16384/k))
	if !c.pointwise {
		b.needScratch(c.rows * k)
	}
	return c, b.setOut(outs[0], []int{1, c.win.oh, c.win.ow, c.cout})
}

// biasOf returns the optional bias input, or zeros.
func (b *builder) biasOf(ins []int, i, n int) ([]float32, error) {
	if len(ins) <= i || ins[i] < 0 {
		return make([]float32, n), nil
	}
	return b.floats(ins[i], n)
}

func (c *conv2d) run(s *Session) {
	in, out := s.buf(c.in), s.buf(c.out)
	npix := c.win.oh * c.win.ow
	if c.reference {
		c.textbook(in, out)
		c.post.apply(out)
		return
	}
	// Work in chunks of rows so the epilogue finds them still in cache.
	k := c.win.kh * c.win.kw * c.cin
	for p0 := 0; p0 < npix; p0 += c.rows {
		n := min(c.rows, npix-p0)
		dst := out[p0*c.cout : (p0+n)*c.cout]
		a := in[p0*c.cin:]
		if !c.pointwise {
			a = s.scratch[:n*k]
			im2col(a, in, &c.win, c.cin, p0, n)
		}
		if c.wt != nil {
			gemmT(a, c.weights, c.wt, c.ld, c.bias, dst, n, c.cout, k)
		} else {
			gemm(a, c.weights, c.bias, dst, n, c.cout, k)
		}
		c.post.apply(dst)
	}
}

// textbook is the direct convolution, kept as the reference that the gemm
// path is checked and benchmarked against.
func (c *conv2d) textbook(in, out []float32) {
	w := &c.win
	for oy := range w.oh {
		for ox := range w.ow {
			for co := range c.cout {
				sum := c.bias[co]
				for ky := range w.kh {
					iy := oy*w.sh - w.padT + ky*w.dh
					for kx := range w.kw {
						ix := ox*w.sw - w.padL + kx*w.dw
						if iy < 0 || iy >= w.h || ix < 0 || ix >= w.w {
							continue
						}
						for ci := range c.cin {
							sum += in[(iy*w.w+ix)*c.cin+ci] * c.weights[((co*w.kh+ky)*w.kw+kx)*c.cin+ci]
						}
					}
				}
				out[(oy*w.ow+ox)*c.cout+co] = sum
			}
		}
	}
}

// im2col writes, for output pixels p0..p0+n-1, their receptive fields as rows
// of kh·kw·cin values, zero where the window hangs over the padding.
func im2col(a, in []float32, w *window, cin, p0, n int) {
	k := w.kh * w.kw * cin
	for r := range n {
		p := p0 + r
		oy, ox := p/w.ow, p%w.ow
		row := a[r*k : r*k+k]
		i := 0
		for ky := range w.kh {
			iy := oy*w.sh - w.padT + ky*w.dh
			for kx := range w.kw {
				ix := ox*w.sw - w.padL + kx*w.dw
				dst := row[i : i+cin]
				if iy < 0 || iy >= w.h || ix < 0 || ix >= w.w {
					clear(dst)
				} else {
					copy(dst, in[(iy*w.w+ix)*cin:])
				}
				i += cin
			}
		}
	}
}

// activate applies a fused activation in place.
func activate(v []float32, act byte) {
	switch act {
	case actRelu:
		for i, x := range v {
			v[i] = max(x, 0)
		}
	case actRelu6:
		for i, x := range v {
			v[i] = min(max(x, 0), 6)
		}
	case actRelu1:
		for i, x := range v {
			v[i] = min(max(x, -1), 1)
		}
	}
}
