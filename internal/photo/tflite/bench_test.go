package tflite

import (
	"os"
	"testing"
)

func benchModel(b *testing.B, name string) {
	data, err := os.ReadFile("../face/models/" + name + ".tflite")
	if err != nil {
		b.Fatal(err)
	}
	m, err := Load(data)
	if err != nil {
		b.Fatal(err)
	}
	s := m.NewSession()
	defer s.Release()
	in := s.Input(0)
	for i := range in {
		in[i] = float32(i%255)/127.5 - 1
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Invoke()
	}
}

func BenchmarkDetector(b *testing.B)     { benchModel(b, "face_detection_short_range") }
func BenchmarkMesh(b *testing.B)         { benchModel(b, "face_landmark") }
func BenchmarkSegmentation(b *testing.B) { benchModel(b, "selfie_segmentation") }
