package tflite

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// loadReference builds a model with the textbook convolution kernels.
func loadReference(tb testing.TB, data []byte) *Model {
	tb.Helper()
	g, err := parseModel(data)
	if err != nil {
		tb.Fatal(err)
	}
	b := &builder{g: g, m: &Model{slots: make([]slot, len(g.tensors))}, reference: true}
	if err := b.build(); err != nil {
		tb.Fatal(err)
	}
	return b.m
}

var realModels = []string{"face_detection_short_range", "face_landmark", "face_landmark_with_attention", "selfie_segmentation"}

func readModel(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile("../face/models/" + name + ".tflite")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// The fast kernels (gemm, one-pass depthwise) must give the textbook
// kernels' outputs on the real models, for a random input.
func TestFastKernelsMatchReferenceOnRealModels(t *testing.T) {
	for _, name := range realModels {
		t.Run(name, func(t *testing.T) {
			data := readModel(t, name)
			fast, err := Load(data)
			if err != nil {
				t.Fatal(err)
			}
			ref := loadReference(t, data)
			r := rand.New(rand.NewPCG(3, 4))
			a, b := fast.NewSession(), ref.NewSession()
			defer a.Release()
			defer b.Release()
			for i := range a.Input(0) {
				v := r.Float32()
				a.Input(0)[i], b.Input(0)[i] = v, v
			}
			a.Invoke()
			b.Invoke()
			for o := range fast.NumOutputs() {
				x, y := a.Output(o), b.Output(o)
				var scale float64
				for _, v := range y {
					scale = math.Max(scale, math.Abs(float64(v)))
				}
				for i := range x {
					if d := math.Abs(float64(x[i] - y[i])); d > 1e-3*math.Max(scale, 1) {
						t.Fatalf("output %d[%d]: fast %v, reference %v", o, i, x[i], y[i])
					}
				}
			}
		})
	}
}

// BenchmarkModels runs each model with the textbook and the fast kernels in
// the same run, so their ratio is the speed-up whatever the machine's load.
func BenchmarkModels(b *testing.B) {
	for _, name := range realModels {
		data := readModel(b, name)
		fast, err := Load(data)
		if err != nil {
			b.Fatal(err)
		}
		for _, v := range []struct {
			kind string
			m    *Model
		}{{"reference", loadReference(b, data)}, {"fast", fast}} {
			b.Run(name+"/"+v.kind, func(b *testing.B) {
				s := v.m.NewSession()
				defer s.Release()
				for i := range s.Input(0) {
					s.Input(0)[i] = float32(i%255) / 255
				}
				cpu := startCPU()
				for b.Loop() {
					s.Invoke()
				}
				cpu.report(b)
			})
		}
	}
}
