package tflite

import (
	"os"
	"testing"
)

func TestLoadModels(t *testing.T) {
	for _, f := range []string{"face_detection_short_range", "face_landmark", "selfie_segmentation"} {
		b, err := os.ReadFile("../face/models/" + f + ".tflite")
		if err != nil {
			t.Fatal(err)
		}
		m, err := Load(b)
		if err != nil {
			t.Fatal(f, err)
		}
		t.Logf("%s: %d ops, slab %d floats, scratch %d", f, len(m.ops), m.slab, m.scratch)
		s := m.NewSession()
		in := s.Input(0)
		for i := range in {
			in[i] = float32(i%7) / 7
		}
		s.Invoke()
		t.Log(s.Output(0)[:4])
		s.Release()
	}
}
