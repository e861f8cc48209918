package tflite

import "math"

// unary is an element-wise operator: RELU, RELU6, LOGISTIC, HARD_SWISH, or
// DEQUANTIZE (a copy, because fp16 constants are widened at load).
type unary struct {
	in, out int
	kind    int32
}

func (b *builder) unary(d *opDef) (op, error) {
	ins, outs, err := b.io(d, 1, 1, 1)
	if err != nil {
		return nil, err
	}
	return &unary{in: ins[0], out: outs[0], kind: d.builtin}, b.setOut(outs[0], b.shape(ins[0]))
}

func (k *unary) run(s *Session) { unaryRows(k.kind, s.buf(k.out), s.buf(k.in)) }

// unaryRows applies an element-wise operator; out may be in.
func unaryRows(kind int32, out, in []float32) {
	out = out[:len(in)]
	switch kind {
	case opRelu:
		for i, x := range in {
			out[i] = max(x, 0)
		}
	case opRelu6:
		for i, x := range in {
			out[i] = min(max(x, 0), 6)
		}
	case opLogistic:
		for i, x := range in {
			out[i] = sigmoid(x)
		}
	case opHardSwish:
		for i, x := range in {
			out[i] = x * min(max(x+3, 0), 6) * (1.0 / 6)
		}
	case opDequantize:
		copy(out, in)
	}
}

func sigmoid(x float32) float32 {
	return float32(1 / (1 + math.Exp(-float64(x))))
}
