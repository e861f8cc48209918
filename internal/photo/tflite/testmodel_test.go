package tflite

import (
	"encoding/binary"
	"math"
	"testing"

	flatbuffers "github.com/google/flatbuffers/go"
)

// tt is a tensor of a test model: an activation when both data and ints are
// nil.
type tt struct {
	shape []int32
	data  []float32
	ints  []int32
	half  bool // store data as float16
}

// to is an operator of a test model.
type to struct {
	code       int32
	custom     string
	version    int32 // 0 leaves the schema default, 1
	in, out    []int32
	optType    byte
	opts       func(b *flatbuffers.Builder) flatbuffers.UOffsetT
	customOpts []byte
}

// options builds a builtin options table from (field id, value, size) triples
// where size 1 writes a byte and 4 an int32.
func options(fields ...[3]int32) func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
	return func(b *flatbuffers.Builder) flatbuffers.UOffsetT {
		n := 0
		for _, f := range fields {
			n = max(n, int(f[0])+1)
		}
		b.StartObject(n)
		for _, f := range fields {
			if f[2] == 1 {
				b.PrependByteSlot(int(f[0]), byte(f[1]), 255)
			} else {
				b.PrependInt32Slot(int(f[0]), f[1], math.MinInt32)
			}
		}
		return b.EndObject()
	}
}

func intVec(b *flatbuffers.Builder, v []int32) flatbuffers.UOffsetT {
	b.StartVector(4, len(v), 4)
	for i := len(v) - 1; i >= 0; i-- {
		b.PrependInt32(v[i])
	}
	return b.EndVector(len(v))
}

func offVec(b *flatbuffers.Builder, v []flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	b.StartVector(4, len(v), 4)
	for i := len(v) - 1; i >= 0; i-- {
		b.PrependUOffsetT(v[i])
	}
	return b.EndVector(len(v))
}

// buildModel writes a .tflite flatbuffer with one subgraph.
func buildModel(tensors []tt, ops []to, inputs, outputs []int32) []byte {
	b := flatbuffers.NewBuilder(1024)
	// Buffers: 0 is the empty one, then one per constant tensor.
	var bufs []flatbuffers.UOffsetT
	b.StartObject(1)
	bufs = append(bufs, b.EndObject())
	bufIdx := make([]uint32, len(tensors))
	for i, t := range tensors {
		var raw []byte
		switch {
		case t.ints != nil:
			for _, v := range t.ints {
				raw = binary.LittleEndian.AppendUint32(raw, uint32(v))
			}
		case t.data != nil && t.half:
			for _, v := range t.data {
				raw = binary.LittleEndian.AppendUint16(raw, floatToHalf(v))
			}
		case t.data != nil:
			for _, v := range t.data {
				raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
			}
		default:
			continue
		}
		d := b.CreateByteVector(raw)
		b.StartObject(1)
		b.PrependUOffsetTSlot(0, d, 0)
		bufIdx[i] = uint32(len(bufs))
		bufs = append(bufs, b.EndObject())
	}
	var tens []flatbuffers.UOffsetT
	for i, t := range tensors {
		sh := intVec(b, t.shape)
		b.StartObject(4)
		b.PrependUOffsetTSlot(0, sh, 0)
		typ := byte(typeFloat32)
		if t.ints != nil {
			typ = typeInt32
		} else if t.half {
			typ = typeFloat16
		}
		b.PrependByteSlot(1, typ, 255)
		b.PrependUint32Slot(2, bufIdx[i], 0)
		tens = append(tens, b.EndObject())
	}
	// Operator codes: one per operator, in order.
	var codes, opOffs []flatbuffers.UOffsetT
	for _, o := range ops {
		var cc flatbuffers.UOffsetT
		if o.custom != "" {
			cc = b.CreateString(o.custom)
		}
		b.StartObject(4)
		if cc != 0 {
			b.PrependUOffsetTSlot(1, cc, 0)
		}
		b.PrependInt32Slot(3, o.code, -1)
		if o.version != 0 {
			b.PrependInt32Slot(2, o.version, 1)
		}
		codes = append(codes, b.EndObject())
	}
	for i, o := range ops {
		in, out := intVec(b, o.in), intVec(b, o.out)
		var opt, copts flatbuffers.UOffsetT
		if o.opts != nil {
			opt = o.opts(b)
		}
		if o.customOpts != nil {
			copts = b.CreateByteVector(o.customOpts)
		}
		b.StartObject(6)
		b.PrependUint32Slot(0, uint32(i), 1<<31)
		b.PrependUOffsetTSlot(1, in, 0)
		b.PrependUOffsetTSlot(2, out, 0)
		if opt != 0 {
			b.PrependByteSlot(3, o.optType, 0)
			b.PrependUOffsetTSlot(4, opt, 0)
		}
		if copts != 0 {
			b.PrependUOffsetTSlot(5, copts, 0)
		}
		opOffs = append(opOffs, b.EndObject())
	}
	tv, ov := offVec(b, tens), offVec(b, opOffs)
	iv, outv := intVec(b, inputs), intVec(b, outputs)
	b.StartObject(4)
	b.PrependUOffsetTSlot(0, tv, 0)
	b.PrependUOffsetTSlot(1, iv, 0)
	b.PrependUOffsetTSlot(2, outv, 0)
	b.PrependUOffsetTSlot(3, ov, 0)
	sg := b.EndObject()
	sgv, cv, bv := offVec(b, []flatbuffers.UOffsetT{sg}), offVec(b, codes), offVec(b, bufs)
	b.StartObject(5)
	b.PrependUint32Slot(0, 3, 0)
	b.PrependUOffsetTSlot(1, cv, 0)
	b.PrependUOffsetTSlot(2, sgv, 0)
	b.PrependUOffsetTSlot(4, bv, 0)
	b.Finish(b.EndObject())
	return b.FinishedBytes()
}

// floatToHalf rounds to the nearest binary16 (test values are exact).
func floatToHalf(f float32) uint16 {
	bits := math.Float32bits(f)
	sign := uint16(bits>>16) & 0x8000
	exp := int(bits>>23&0xff) - 127 + 15
	frac := bits & 0x7fffff
	if bits&0x7fffffff == 0 {
		return sign
	}
	if exp <= 0 || exp >= 31 {
		panic("test value out of half range")
	}
	return sign | uint16(exp)<<10 | uint16(frac>>13)
}

// runOne builds a model of a single operator with activation input 0 and
// output last, runs it on in, and returns the output and its shape.
func runOne(t *testing.T, tensors []tt, o to, in []float32) ([]float32, []int) {
	t.Helper()
	out := int32(len(tensors) - 1)
	data := buildModel(tensors, []to{o}, []int32{0}, []int32{out})
	m, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	s := m.NewSession()
	defer s.Release()
	copy(s.Input(0), in)
	s.Invoke()
	return append([]float32(nil), s.Output(0)...), m.OutputShape(0)
}

func near(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}
