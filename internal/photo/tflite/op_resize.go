package tflite

import (
	"fmt"
	"math"
)

// resize is RESIZE_BILINEAR, following TFLite's reference kernel exactly,
// including align_corners and half_pixel_centers.
type resize struct {
	in, out        int
	h, w, c        int
	oh, ow         int
	align, halfPix bool
}

func (b *builder) resize(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 2, 2, 1)
	if err != nil {
		return nil, err
	}
	h, w, c, err := b.nhwc(ins[0])
	if err != nil {
		return nil, err
	}
	size, err := b.intsOf(ins[1])
	if err != nil {
		return nil, err
	}
	if len(size) != 2 || size[0] <= 0 || size[1] <= 0 || size[0] > 1<<14 || size[1] > 1<<14 {
		return nil, fmt.Errorf("size %v", size)
	}
	k := &resize{in: ins[0], out: outs[0], h: h, w: w, c: c, oh: int(size[0]), ow: int(size[1])}
	o := opts(d)
	if k.align, err = o.bool(2); err != nil {
		return nil, err
	}
	if k.halfPix, err = o.bool(3); err != nil {
		return nil, err
	}
	return k, b.setOut(outs[0], []int{1, k.oh, k.ow, c})
}

func scaleOf(in, out int, align bool) float32 {
	if align && out > 1 {
		return float32(in-1) / float32(out-1)
	}
	return float32(in) / float32(out)
}

func interp(v int, scale float32, half bool, n int) (x float32, lo, hi int) {
	if half {
		x = (float32(v)+0.5)*scale - 0.5
	} else {
		x = float32(v) * scale
	}
	lo = max(int(math.Floor(float64(x))), 0)
	hi = min(int(math.Ceil(float64(x))), n-1)
	return x, lo, hi
}

func (k *resize) run(s *Session) {
	in, out := s.buf(k.in), s.buf(k.out)
	sy, sx := scaleOf(k.h, k.oh, k.align), scaleOf(k.w, k.ow, k.align)
	c := k.c
	for y := range k.oh {
		fy, y0, y1 := interp(y, sy, k.halfPix, k.h)
		dy := fy - float32(y0)
		for x := range k.ow {
			fx, x0, x1 := interp(x, sx, k.halfPix, k.w)
			dx := fx - float32(x0)
			w00, w01 := (1-dy)*(1-dx), (1-dy)*dx
			w10, w11 := dy*(1-dx), dy*dx
			p00 := in[(y0*k.w+x0)*c : (y0*k.w+x0+1)*c]
			p01 := in[(y0*k.w+x1)*c : (y0*k.w+x1+1)*c]
			p10 := in[(y1*k.w+x0)*c : (y1*k.w+x0+1)*c]
			p11 := in[(y1*k.w+x1)*c : (y1*k.w+x1+1)*c]
			o := out[(y*k.ow+x)*c : (y*k.ow+x+1)*c]
			for i := range o {
				o[i] = p00[i]*w00 + p01[i]*w01 + p10[i]*w10 + p11[i]*w11
			}
		}
	}
}
