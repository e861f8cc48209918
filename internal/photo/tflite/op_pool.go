package tflite

import "math"

// pool is MAX_POOL_2D or AVERAGE_POOL_2D. Like TFLite, the average counts only
// the window cells inside the image.
type pool struct {
	in, out int
	win     window
	c       int
	avg     bool
	act     byte
}

func (b *builder) pool(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 1, 1, 1)
	if err != nil {
		return nil, err
	}
	h, w, c, err := b.nhwc(ins[0])
	if err != nil {
		return nil, err
	}
	o := opts(d)
	pad, sw, sh, _, _, err := readWindow(o, -1, -1)
	if err != nil {
		return nil, err
	}
	fw, err := o.int32(3, 0)
	if err != nil {
		return nil, err
	}
	fh, err := o.int32(4, 0)
	if err != nil {
		return nil, err
	}
	k := &pool{in: ins[0], out: outs[0], c: c, avg: d.builtin == opAveragePool2D}
	if k.act, err = readAct(o, 5); err != nil {
		return nil, err
	}
	if err := k.win.init(h, w, int(fh), int(fw), sh, sw, 1, 1, pad); err != nil {
		return nil, err
	}
	return k, b.setOut(outs[0], []int{1, k.win.oh, k.win.ow, c})
}

func (k *pool) run(s *Session) {
	in, out := s.buf(k.in), s.buf(k.out)
	w := &k.win
	for oy := range w.oh {
		y0, y1 := max(oy*w.sh-w.padT, 0), min(oy*w.sh-w.padT+w.kh, w.h)
		for ox := range w.ow {
			x0, x1 := max(ox*w.sw-w.padL, 0), min(ox*w.sw-w.padL+w.kw, w.w)
			o := out[(oy*w.ow+ox)*k.c : (oy*w.ow+ox+1)*k.c]
			if k.avg {
				clear(o)
			} else {
				for c := range o {
					o[c] = float32(math.Inf(-1))
				}
			}
			for iy := y0; iy < y1; iy++ {
				for ix := x0; ix < x1; ix++ {
					src := in[(iy*w.w+ix)*k.c : (iy*w.w+ix+1)*k.c]
					src = src[:len(o)]
					if k.avg {
						for c, x := range src {
							o[c] += x
						}
					} else {
						for c, x := range src {
							o[c] = max(o[c], x)
						}
					}
				}
			}
			if k.avg {
				inv := 1 / float32(max((y1-y0)*(x1-x0), 1))
				for c := range o {
					o[c] *= inv
				}
			}
		}
	}
	activate(out, k.act)
}
