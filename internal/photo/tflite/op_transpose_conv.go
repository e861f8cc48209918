package tflite

import (
	"encoding/binary"
	"fmt"
)

// transposeConv is MediaPipe's Convolution2DTransposeBias custom operator
// (the upsampling head of selfie segmentation). Its custom options are a raw
// TfLiteTransposeConvParams: int32 padding (1 same, 2 valid), stride_w,
// stride_h. Weights are cout × kh × kw × cin.
type transposeConv struct {
	in, out    int
	h, w, cin  int
	oh, ow     int
	cout       int
	kh, kw     int
	sh, sw     int
	padT, padL int
	weights    []float32 // re-laid (ky, kx, ci) × cout so the scatter is contiguous
	bias       []float32
}

func (b *builder) transposeConvBias(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 3, 3, 1)
	if err != nil {
		return nil, err
	}
	h, w, cin, err := b.nhwc(ins[0])
	if err != nil {
		return nil, err
	}
	if len(d.customOpts) < 12 {
		return nil, fmt.Errorf("custom options of %d bytes", len(d.customOpts))
	}
	padding := int32(binary.LittleEndian.Uint32(d.customOpts))
	sw := int(int32(binary.LittleEndian.Uint32(d.customOpts[4:])))
	sh := int(int32(binary.LittleEndian.Uint32(d.customOpts[8:])))
	fs := b.shape(ins[1])
	if len(fs) != 4 || fs[3] != cin || sw <= 0 || sh <= 0 || sw > 64 || sh > 64 || fs[1] > 64 || fs[2] > 64 {
		return nil, fmt.Errorf("filter %v, strides %d×%d", fs, sw, sh)
	}
	k := &transposeConv{in: ins[0], out: outs[0], h: h, w: w, cin: cin, cout: fs[0], kh: fs[1], kw: fs[2], sh: sh, sw: sw}
	switch padding {
	case 1:
		k.oh, k.ow = h*sh, w*sw
		k.padT = max((h-1)*sh+k.kh-k.oh, 0) / 2
		k.padL = max((w-1)*sw+k.kw-k.ow, 0) / 2
	case 2:
		k.oh, k.ow = (h-1)*sh+k.kh, (w-1)*sw+k.kw
	default:
		return nil, fmt.Errorf("padding %d", padding)
	}
	raw, err := b.floats(ins[1], elems(fs))
	if err != nil {
		return nil, err
	}
	if k.bias, err = b.floats(ins[2], k.cout); err != nil {
		return nil, err
	}
	k.weights = make([]float32, len(raw))
	for co := range k.cout {
		for t := range k.kh * k.kw * cin {
			k.weights[t*k.cout+co] = raw[co*k.kh*k.kw*cin+t]
		}
	}
	return k, b.setOut(outs[0], []int{1, k.oh, k.ow, k.cout})
}

func (k *transposeConv) run(s *Session) {
	in, out := s.buf(k.in), s.buf(k.out)
	for p := 0; p < len(out); p += k.cout {
		copy(out[p:p+k.cout], k.bias)
	}
	for iy := range k.h {
		for ix := range k.w {
			src := in[(iy*k.w+ix)*k.cin : (iy*k.w+ix+1)*k.cin]
			for ky := range k.kh {
				oy := iy*k.sh + ky - k.padT
				if oy < 0 || oy >= k.oh {
					continue
				}
				for kx := range k.kw {
					ox := ix*k.sw + kx - k.padL
					if ox < 0 || ox >= k.ow {
						continue
					}
					o := out[(oy*k.ow+ox)*k.cout : (oy*k.ow+ox+1)*k.cout]
					wt := k.weights[(ky*k.kw+kx)*k.cin*k.cout:]
					for ci, x := range src {
						w := wt[ci*k.cout : (ci+1)*k.cout]
						w = w[:len(o)]
						for co := range o {
							o[co] += x * w[co]
						}
					}
				}
			}
		}
	}
}
