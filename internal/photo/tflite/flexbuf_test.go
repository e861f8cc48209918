package tflite

import (
	"encoding/binary"
	"math"
	"os"
	"slices"
	"sort"
	"testing"
)

// flexMap encodes a FlexBuffers map of int32, float32 and []int32 values
// with every width 4, the subset of the format the options reader handles.
func flexMap(vals map[string]any) []byte {
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b []byte
	u32 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	keyPos := map[string]int{}
	for _, k := range keys {
		keyPos[k] = len(b)
		b = append(append(b, k...), 0)
	}
	vecPos := map[string]int{}
	for _, k := range keys {
		if v, ok := vals[k].([]int32); ok {
			u32(uint32(len(v)))
			vecPos[k] = len(b)
			for _, x := range v {
				u32(uint32(x))
			}
		}
	}
	u32(uint32(len(keys)))
	keysVec := len(b)
	for _, k := range keys {
		u32(uint32(len(b) - keyPos[k]))
	}
	u32(uint32(len(b) - keysVec)) // keys offset, relative to this field
	u32(4)                        // keys width
	u32(uint32(len(keys)))
	elems := len(b)
	var types []byte
	for _, k := range keys {
		switch v := vals[k].(type) {
		case int32:
			u32(uint32(v))
			types = append(types, fbInt<<2|2)
		case float32:
			u32(math.Float32bits(v))
			types = append(types, fbFloat<<2|2)
		case []int32:
			u32(uint32(len(b) - vecPos[k]))
			types = append(types, fbVectorInt<<2|2)
		}
	}
	b = append(b, types...)
	root := len(b)
	u32(uint32(root - elems))
	return append(b, fbMap<<2|2, 4)
}

func TestFlexOptions(t *testing.T) {
	o, err := parseFlexOptions(flexMap(map[string]any{
		"answer": int32(-42), "scale": float32(1.5), "idx": []int32{3, -1, 7},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := o.int("answer"); err != nil || v != -42 {
		t.Errorf("answer = %d, %v", v, err)
	}
	if v, err := o.float("scale"); err != nil || v != 1.5 {
		t.Errorf("scale = %v, %v", v, err)
	}
	if v, err := o.float("answer"); err != nil || v != -42 {
		t.Errorf("answer as float = %v, %v", v, err)
	}
	if v, err := o.ints("idx"); err != nil || !slices.Equal(v, []int64{3, -1, 7}) {
		t.Errorf("idx = %v, %v", v, err)
	}
	if _, err := o.int("missing"); err == nil {
		t.Error("no error for a missing key")
	}
	if _, err := o.ints("scale"); err == nil {
		t.Error("no error reading a float as a vector")
	}
}

// Worked by hand: see each case's comment.
func TestMediaPipeOps(t *testing.T) {
	mat := func(v ...float32) []float32 { return v }
	t.Run("TransformLandmarks", func(t *testing.T) {
		// x' = 2x + 1, y' = 3y − 1: (1, 2) → (3, 5), (0, 0) → (1, −1).
		got, _ := runOne(t, []tt{{shape: []int32{1, 2, 2}}, {shape: []int32{1, 4, 4}, data: mat(2, 0, 0, 1, 0, 3, 0, -1, 0, 0, 1, 0, 0, 0, 0, 1)}, {shape: []int32{1, 2, 2}}},
			to{code: opCustom, custom: "TransformLandmarks", version: 2, in: []int32{0, 1}, out: []int32{2}}, []float32{1, 2, 0, 0})
		if want := []float32{3, 5, 1, -1}; !near(got, want, 1e-6) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("TransformTensorBilinear", func(t *testing.T) {
		// Shift by half a pixel in x: (0,0) samples between 1 and 2; x = 1.5
		// is past the last column, so zero.
		opts := flexMap(map[string]any{"output_height": int32(2), "output_width": int32(2)})
		got, shape := runOne(t, []tt{{shape: []int32{1, 2, 2, 1}}, {shape: []int32{1, 4, 4}, data: mat(1, 0, 0, 0.5, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)}, {shape: []int32{1, 2, 2, 1}}},
			to{code: opCustom, custom: "TransformTensorBilinear", version: 2, in: []int32{0, 1}, out: []int32{2}, customOpts: opts}, []float32{1, 2, 3, 4})
		if want := []float32{1.5, 0, 3.5, 0}; !near(got, want, 1e-6) || !slices.Equal(shape, []int{1, 2, 2, 1}) {
			t.Errorf("got %v %v, want %v", got, shape, want)
		}
	})
	for _, tc := range []struct {
		name      string
		landmarks []float32
		outW      int32
		outH      int32
		want      []float32
	}{
		// Level eyes at (0,0) and (4,0), subset box (0,0)–(4,2): an 8×4 crop
		// scaled by ½ onto it.
		{"level", []float32{0, 0, 0, 4, 0, 0, 4, 2, 0}, 8, 4, []float32{0.5, 0, 0, 0, 0, 0.5, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}},
		// Second eye straight below the first: the crop's x axis runs down
		// the image from (0,0) to (0,4); the box has no height.
		{"quarter turn", []float32{0, 0, 0, 0, 4, 0, 9, 9, 0}, 4, 4, []float32{0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}},
	} {
		t.Run("Landmarks2TransformMatrix "+tc.name, func(t *testing.T) {
			subset := []int32{0, 2}
			if tc.name == "quarter turn" {
				subset = []int32{0, 1}
			}
			opts := flexMap(map[string]any{
				"subset_idxs": subset, "left_rotation_idx": int32(0), "right_rotation_idx": int32(1),
				"target_rotation_radians": float32(0), "output_width": tc.outW, "output_height": tc.outH,
				"scale_x": float32(1), "scale_y": float32(1),
			})
			data := buildModel([]tt{{shape: []int32{1, 3, 3}}, {shape: []int32{1, 4, 4}}},
				[]to{{code: opCustom, custom: "Landmarks2TransformMatrix", version: 2, in: []int32{0}, out: []int32{1}, customOpts: opts}},
				[]int32{0}, []int32{1})
			m, err := Load(data)
			if err != nil {
				t.Fatal(err)
			}
			s := m.NewSession()
			defer s.Release()
			copy(s.Input(0), tc.landmarks)
			s.Invoke()
			if got := s.Output(0); !near(got, tc.want, 1e-6) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzFlexOptions checks that the hand-written FlexBuffers reader errors on
// corrupt options instead of panicking.
func FuzzFlexOptions(f *testing.F) {
	f.Add(flexMap(map[string]any{"output_height": int32(16), "output_width": int32(16)}))
	f.Add(flexMap(map[string]any{"subset_idxs": []int32{1, 2, 3}, "scale_x": float32(1.5)}))
	if b, err := os.ReadFile("../face/models/face_landmark_with_attention.tflite"); err == nil {
		if g, err := parseModel(b); err == nil {
			for _, o := range g.ops {
				if o.customOpts != nil {
					f.Add(o.customOpts)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := parseFlexOptions(data)
		if err != nil {
			return
		}
		for _, k := range []string{"subset_idxs", "output_height", "scale_x", "target_rotation_radians"} {
			_, _ = o.ints(k)
			_, _ = o.int(k)
			_, _ = o.float(k)
		}
	})
}

// Version 1 of the MediaPipe operators has other semantics and is refused.
func TestMediaPipeOpsRefuseVersion1(t *testing.T) {
	data := buildModel([]tt{{shape: []int32{1, 2, 2}}, {shape: []int32{1, 4, 4}}, {shape: []int32{1, 2, 2}}},
		[]to{{code: opCustom, custom: "TransformLandmarks", in: []int32{0, 1}, out: []int32{2}}}, []int32{0, 1}, []int32{2})
	if _, err := Load(data); err == nil {
		t.Fatal("version 1 accepted")
	}
}
