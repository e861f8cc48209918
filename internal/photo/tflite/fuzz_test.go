package tflite

import (
	"errors"
	"os"
	"testing"
)

// FuzzLoad feeds corrupt models to Load: it must return an error or a model
// that runs, never panic, and never reserve unbounded memory.
func FuzzLoad(f *testing.F) {
	f.Add(buildModel(
		[]tt{{shape: []int32{1, 3, 3, 1}}, {shape: []int32{1, 3, 3, 1}, data: []float32{1, 1, 1, 1, 1, 1, 1, 1, 1}}, {shape: []int32{1}, data: []float32{0.5}}, {shape: []int32{1, 3, 3, 1}}},
		[]to{{code: opConv2D, in: []int32{0, 1, 2}, out: []int32{3}, optType: 1, opts: options([3]int32{0, padSame, 1}, [3]int32{1, 1, 4}, [3]int32{2, 1, 4})}},
		[]int32{0}, []int32{3}))
	f.Add(buildModel(
		[]tt{{shape: []int32{2}}, {shape: []int32{2}, data: []float32{0.5, -2}, half: true}, {shape: []int32{2}}, {shape: []int32{2}}},
		[]to{{code: opDequantize, in: []int32{1}, out: []int32{2}}, {code: opAdd, in: []int32{0, 2}, out: []int32{3}}},
		[]int32{0}, []int32{3}))
	f.Add(buildModel(
		[]tt{{shape: []int32{1, 1, 2, 1}}, {shape: []int32{4, 2}, ints: []int32{0, 0, 1, 0, 0, 1, 0, 1}}, {shape: []int32{1, 2, 3, 2}}},
		[]to{{code: opPad, in: []int32{0, 1}, out: []int32{2}}},
		[]int32{0}, []int32{2}))
	f.Add(buildModel(
		[]tt{{shape: []int32{1, 2, 2, 1}}, {shape: []int32{1, 4, 4}, data: []float32{1, 0, 0, 0.5, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}}, {shape: []int32{1, 2, 2, 1}}},
		[]to{{code: opCustom, custom: "TransformTensorBilinear", version: 2, in: []int32{0, 1}, out: []int32{2}, customOpts: flexMap(map[string]any{"output_height": int32(2), "output_width": int32(2)})}},
		[]int32{0}, []int32{2}))
	f.Add(buildModel( // conv → PRELU, fused at load
		[]tt{{shape: []int32{1, 2, 2, 1}}, {shape: []int32{1, 1, 1, 1}, data: []float32{2}}, {shape: []int32{1}, data: []float32{1}}, {shape: []int32{1, 2, 2, 1}}, {shape: []int32{1}, data: []float32{0.5}}, {shape: []int32{1, 2, 2, 1}}},
		[]to{{code: opConv2D, in: []int32{0, 1, 2}, out: []int32{3}}, {code: opPrelu, in: []int32{3, 4}, out: []int32{5}}},
		[]int32{0}, []int32{5}))
	if b, err := os.ReadFile("../face/models/face_detection_short_range.tflite"); err == nil {
		f.Add(b[:4096]) // the head of a real model: tables, no weights
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(data)
		if err != nil {
			return
		}
		if m.slab > maxTotal {
			t.Fatalf("slab of %d floats passed the limit", m.slab)
		}
		if m.slab+m.scratch > 1<<20 {
			return // valid but too big to run quickly here
		}
		s := m.NewSession()
		s.Invoke()
		s.Release()
	})
}

func TestLoadRejects(t *testing.T) {
	good := buildModel(
		[]tt{{shape: []int32{2}}, {shape: []int32{2}}},
		[]to{{code: opRelu, in: []int32{0}, out: []int32{1}}},
		[]int32{0}, []int32{1})
	if _, err := Load(good); err != nil {
		t.Fatalf("valid model refused: %v", err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"short", good[:6]},
		{"truncated", good[:len(good)/2]},
		{"unknown op", buildModel([]tt{{shape: []int32{2}}, {shape: []int32{2}}}, []to{{code: 200, in: []int32{0}, out: []int32{1}}}, []int32{0}, []int32{1})},
		{"unknown custom op", buildModel([]tt{{shape: []int32{2}}, {shape: []int32{2}}}, []to{{code: opCustom, custom: "Nope", in: []int32{0}, out: []int32{1}}}, []int32{0}, []int32{1})},
		{"tensor index out of range", buildModel([]tt{{shape: []int32{2}}, {shape: []int32{2}}}, []to{{code: opRelu, in: []int32{5}, out: []int32{1}}}, []int32{0}, []int32{1})},
		{"output never computed", buildModel([]tt{{shape: []int32{2}}, {shape: []int32{2}}}, nil, []int32{0}, []int32{1})},
		{"huge tensor", buildModel([]tt{{shape: []int32{1 << 20, 1 << 20}}, {shape: []int32{2}}}, nil, []int32{0}, []int32{1})},
		{"bad weights size", buildModel([]tt{{shape: []int32{1, 2, 2, 1}}, {shape: []int32{1, 3, 3, 1}, data: []float32{1}}, {shape: []int32{1, 2, 2, 1}}}, []to{{code: opConv2D, in: []int32{0, 1}, out: []int32{2}}}, []int32{0}, []int32{2})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.data)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.name == "unknown op" && !errors.Is(err, errUnsupported) {
				t.Errorf("error %v does not say unsupported", err)
			}
		})
	}
}
