package tflite

// epilogue is the element-wise work fused onto the end of a convolution,
// depthwise convolution or binary operator: its own fused activation, then
// possibly the PRELU or activation operator that alone read its output.
// Done while the values are still in cache, it saves a pass over memory.
type epilogue struct {
	act   byte      // fused activation of the operator itself
	alpha []float32 // per-channel PRELU, or nil
	unary int32     // a following RELU, RELU6, LOGISTIC or HARD_SWISH, or 0
}

// chunk is how many values to process before running the epilogue on them,
// a multiple of the channel count so PRELU rows stay aligned.
func (e *epilogue) chunk(channels int) int {
	return channels * max(1, 4096/max(channels, 1))
}

func (e *epilogue) apply(v []float32) {
	activate(v, e.act)
	if e.alpha != nil {
		preluRows(v, v, e.alpha)
	}
	if e.unary != 0 {
		unaryRows(e.unary, v, v)
	}
}

// fusable reports whether an epilogue can take over a following operator
// reading channels-wide rows.
func (e *epilogue) fuse(next op, in, channels int) (out int, ok bool) {
	if e.alpha != nil || e.unary != 0 {
		return 0, false
	}
	switch n := next.(type) {
	case *prelu:
		if n.in == in && len(n.alpha) == channels {
			e.alpha = n.alpha
			return n.out, true
		}
	case *unary:
		if n.in == in && n.kind != opDequantize {
			e.unary = n.kind
			return n.out, true
		}
	}
	return 0, false
}
