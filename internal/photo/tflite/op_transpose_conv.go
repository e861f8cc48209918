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
	weights    []float32 // cout × kh × kw × cin, the TFLite layout
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
	if k.weights, err = b.floats(ins[1], elems(fs)); err != nil {
		return nil, err
	}
	if k.bias, err = b.floats(ins[2], k.cout); err != nil {
		return nil, err
	}
	return k, b.setOut(outs[0], []int{1, k.oh, k.ow, k.cout})
}

// run gathers rather than scatters: each output value is the bias plus dot
// products of the input pixels whose kernel footprint covers it. With few
// output channels (selfie segmentation has one) that is one contiguous dot
// product over the input channels per tap, and one store per output.
func (k *transposeConv) run(s *Session) {
	in, out := s.buf(k.in), s.buf(k.out)
	cin := k.cin
	for oy := range k.oh {
		for ox := range k.ow {
			o := out[(oy*k.ow+ox)*k.cout : (oy*k.ow+ox+1)*k.cout]
			copy(o, k.bias)
			for ky := range k.kh {
				ty := oy + k.padT - ky
				if ty < 0 || ty%k.sh != 0 || ty/k.sh >= k.h {
					continue
				}
				for kx := range k.kw {
					tx := ox + k.padL - kx
					if tx < 0 || tx%k.sw != 0 || tx/k.sw >= k.w {
						continue
					}
					p := (ty/k.sh*k.w + tx/k.sw) * cin
					src := in[p : p+cin]
					for co := range o {
						q := ((co*k.kh+ky)*k.kw + kx) * cin
						w := k.weights[q : q+cin]
						w = w[:len(src)]
						var acc float32
						for i, x := range src {
							acc += x * w[i]
						}
						o[co] += acc
					}
				}
			}
		}
	}
}
