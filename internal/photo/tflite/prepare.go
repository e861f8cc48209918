package tflite

import (
	"errors"
	"fmt"
)

var errUnsupported = errors.New("unsupported")

// prepare validates one operator and returns its kernel, after recording the
// shapes of its outputs.
func (b *builder) prepare(d *opDef) (op, error) {
	if d.builtin == opCustom {
		switch d.custom {
		case "Convolution2DTransposeBias":
			return b.transposeConvBias(d)
		case "Landmarks2TransformMatrix":
			return b.landmarksToMatrix(d)
		case "TransformTensorBilinear":
			return b.transformTensor(d)
		case "TransformLandmarks":
			return b.transformLandmarks(d)
		}
		return nil, fmt.Errorf("%w custom operator %q", errUnsupported, d.custom)
	}
	switch d.builtin {
	case opConv2D:
		return b.conv(d)
	case opDepthwiseConv2D:
		return b.depthwise(d)
	case opMaxPool2D, opAveragePool2D:
		return b.pool(d)
	case opAdd, opMul, opSub, opMaximum, opMinimum, opDiv:
		return b.binary(d)
	case opPrelu:
		return b.prelu(d)
	case opRelu, opRelu6, opLogistic, opHardSwish, opDequantize:
		return b.unary(d)
	case opReshape, opSqueeze:
		return b.reshape(d)
	case opConcatenation:
		return b.concat(d)
	case opPad:
		return b.pad(d)
	case opResizeBilinear:
		return b.resize(d)
	case opStridedSlice:
		return b.stridedSlice(d)
	}
	return nil, fmt.Errorf("%w builtin operator %d", errUnsupported, d.builtin)
}

// io checks the operator's arity and returns its tensor indices.
func (b *builder) io(d *opDef, minIn, maxIn, nOut int) ([]int, []int, error) {
	if len(d.inputs) < minIn || len(d.inputs) > maxIn || len(d.outputs) != nOut {
		return nil, nil, fmt.Errorf("%d inputs and %d outputs", len(d.inputs), len(d.outputs))
	}
	for i, t := range d.inputs {
		if t < 0 && i < minIn {
			return nil, nil, fmt.Errorf("input %d missing", i)
		}
		if t >= 0 && b.ints[t] && i == 0 {
			return nil, nil, fmt.Errorf("%w int32 activation", errUnsupported)
		}
	}
	return d.inputs, d.outputs, nil
}

func (b *builder) shape(t int) []int { return b.m.slots[t].shape }

// floats returns a constant float tensor, or an error when it is not constant.
func (b *builder) floats(t int, want int) ([]float32, error) {
	k := b.m.slots[t].konst
	if k == nil {
		return nil, fmt.Errorf("%w non-constant weights", errUnsupported)
	}
	if want >= 0 && len(k) != want {
		return nil, fmt.Errorf("constant has %d values, want %d", len(k), want)
	}
	return k, nil
}

// intsOf returns a constant int32 tensor.
func (b *builder) intsOf(t int) ([]int32, error) {
	if t < 0 || b.m.slots[t].ints == nil {
		return nil, fmt.Errorf("%w non-constant int32 parameter", errUnsupported)
	}
	return b.m.slots[t].ints, nil
}

// nhwc checks that a tensor is a batch-1 image and returns its size.
func (b *builder) nhwc(t int) (h, w, c int, err error) {
	s := b.shape(t)
	if len(s) != 4 || s[0] != 1 {
		return 0, 0, 0, fmt.Errorf("%w shape %v (want 1×H×W×C)", errUnsupported, s)
	}
	return s[1], s[2], s[3], nil
}

// opts is the builtin options table, or an empty one whose reads give defaults.
func opts(d *opDef) *table {
	if d.hasOpts {
		return &d.opts
	}
	return &table{}
}

// window describes the geometry shared by convolutions and pools.
type window struct {
	h, w, oh, ow           int
	kh, kw, sh, sw, dh, dw int
	padT, padL             int
}

// outSize applies TFLite's SAME/VALID rule to one dimension.
func outSize(in, k, stride, dil int, padding byte) (out, before int, err error) {
	if k <= 0 || stride <= 0 || dil <= 0 || k > 4096 || stride > 4096 || dil > 64 {
		return 0, 0, fmt.Errorf("bad window k=%d stride=%d dilation=%d", k, stride, dil)
	}
	eff := (k-1)*dil + 1
	switch padding {
	case padSame:
		out = (in + stride - 1) / stride
		before = max((out-1)*stride+eff-in, 0) / 2
	case padValid:
		out = (in - eff + stride) / stride
	default:
		return 0, 0, fmt.Errorf("padding %d", padding)
	}
	if out <= 0 {
		return 0, 0, fmt.Errorf("window larger than input")
	}
	return out, before, nil
}

func (w *window) init(h, wd, kh, kw, sh, sw, dh, dw int, padding byte) error {
	var err error
	w.h, w.w, w.kh, w.kw, w.sh, w.sw, w.dh, w.dw = h, wd, kh, kw, sh, sw, dh, dw
	if w.oh, w.padT, err = outSize(h, kh, sh, dh, padding); err != nil {
		return err
	}
	w.ow, w.padL, err = outSize(wd, kw, sw, dw, padding)
	return err
}

// readWindow reads padding, strides and dilations from an options table whose
// first three fields are padding, stride_w, stride_h.
func readWindow(t *table, dilW, dilH int) (pad byte, sw, sh, dw, dh int, err error) {
	var v [4]int32
	if pad, err = t.byte(0, 0); err != nil {
		return
	}
	if v[0], err = t.int32(1, 1); err != nil {
		return
	}
	if v[1], err = t.int32(2, 1); err != nil {
		return
	}
	if dilW >= 0 {
		if v[2], err = t.int32(dilW, 1); err != nil {
			return
		}
		if v[3], err = t.int32(dilH, 1); err != nil {
			return
		}
	} else {
		v[2], v[3] = 1, 1
	}
	return pad, int(v[0]), int(v[1]), int(v[2]), int(v[3]), nil
}
