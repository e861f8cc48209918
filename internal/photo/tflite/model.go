package tflite

import (
	"encoding/binary"
	"fmt"
	"math"
	"sync"
)

// Model is a loaded, validated and pre-packed graph. It is immutable after
// Load and safe for concurrent use: each Session owns its activation memory.
type Model struct {
	slots   []slot
	ops     []op
	inputs  []int
	outputs []int
	slab    int // float32s of activation memory a session needs
	scratch int // float32s of scratch memory (im2col) a session needs
	pool    sync.Pool
}

// slot says where a tensor lives at run time: in konst when constant, else at
// off in the session's slab.
type slot struct {
	shape []int
	n     int
	off   int
	konst []float32
	ints  []int32 // contents of constant int32 tensors
}

// op is a prepared operator. run must overwrite its outputs completely.
type op interface {
	run(s *Session)
}

// Session is the per-call state of a Model: activation memory and scratch.
// Take one with Model.NewSession, use it from one goroutine, give it back
// with Release.
type Session struct {
	m       *Model
	slab    []float32
	scratch []float32
}

// Load parses a .tflite file, checks that every operator is supported and
// every shape consistent, folds constant sub-graphs (fp16 dequantisation) and
// re-lays weights for the kernels. The returned Model does not retain data.
func Load(data []byte) (*Model, error) {
	g, err := parseModel(data)
	if err != nil {
		return nil, err
	}
	b := &builder{g: g, m: &Model{slots: make([]slot, len(g.tensors))}}
	if err := b.build(); err != nil {
		return nil, err
	}
	return b.m, nil
}

// NewSession returns a session, from the pool when one is free.
func (m *Model) NewSession() *Session {
	if s, ok := m.pool.Get().(*Session); ok {
		return s
	}
	return &Session{m: m, slab: make([]float32, m.slab), scratch: make([]float32, m.scratch)}
}

// Release gives the session back to its model's pool; it must not be used after.
func (s *Session) Release() { s.m.pool.Put(s) }

// NumInputs is the number of graph inputs.
func (m *Model) NumInputs() int { return len(m.inputs) }

// NumOutputs is the number of graph outputs.
func (m *Model) NumOutputs() int { return len(m.outputs) }

// InputShape is the shape of graph input i.
func (m *Model) InputShape(i int) []int { return append([]int(nil), m.slots[m.inputs[i]].shape...) }

// OutputShape is the shape of graph output i.
func (m *Model) OutputShape(i int) []int { return append([]int(nil), m.slots[m.outputs[i]].shape...) }

// Input is the memory of graph input i, to fill before Invoke.
func (s *Session) Input(i int) []float32 { return s.buf(s.m.inputs[i]) }

// Output is the memory of graph output i after Invoke. It stays valid until
// the next Invoke or Release.
func (s *Session) Output(i int) []float32 { return s.buf(s.m.outputs[i]) }

// Invoke runs the graph on the inputs.
func (s *Session) Invoke() {
	for _, o := range s.m.ops {
		o.run(s)
	}
}

func (s *Session) buf(t int) []float32 {
	sl := &s.m.slots[t]
	if sl.konst != nil {
		return sl.konst
	}
	return s.slab[sl.off : sl.off+sl.n : sl.off+sl.n]
}

func elems(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// decodeFloats turns a constant buffer into float32s.
func decodeFloats(d *tensorDef) ([]float32, error) {
	n := d.elems()
	switch d.typ {
	case typeFloat32:
		if len(d.data) != 4*n {
			return nil, corrupt("tensor %q: %d bytes for %d floats", d.name, len(d.data), n)
		}
		out := make([]float32, n)
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(d.data[4*i:]))
		}
		return out, nil
	case typeFloat16:
		if len(d.data) != 2*n {
			return nil, corrupt("tensor %q: %d bytes for %d halves", d.name, len(d.data), n)
		}
		out := make([]float32, n)
		for i := range out {
			out[i] = halfToFloat(binary.LittleEndian.Uint16(d.data[2*i:]))
		}
		return out, nil
	}
	return nil, fmt.Errorf("tflite: tensor %q: unsupported constant type %d", d.name, d.typ)
}

func decodeInts(d *tensorDef) ([]int32, error) {
	n := d.elems()
	if d.typ != typeInt32 || len(d.data) != 4*n {
		return nil, corrupt("tensor %q: not an int32 constant", d.name)
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32(d.data[4*i:]))
	}
	return out, nil
}

// halfToFloat converts IEEE 754 binary16 to float32.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: normalise
		e := uint32(127 - 15 + 1)
		for frac&0x400 == 0 {
			frac <<= 1
			e--
		}
		frac &= 0x3ff
		return math.Float32frombits(sign | e<<23 | frac<<13)
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}
