package photo

import (
	"bytes"
	"context"
	"testing"
)

// big12MP makes a 3000×4000 JPEG from a London portrait, the size of a phone photo.
func big12MP(b *testing.B) []byte {
	b.Helper()
	src := loadRGBA(b, synthBase)
	return encodeJPEG(b, resample(src, rect{0, -300, 1350, 1500}, 3000, 4000), 92)
}

// BenchmarkCheckCrop12MP is check plus crop of a phone-sized photo; `sportello photo
// bench` prints the same per stage next to djpeg.
func BenchmarkCheckCrop12MP(b *testing.B) {
	data := big12MP(b)
	e := testEngine(b)
	b.ResetTimer()
	for range b.N {
		if _, err := e.Crop(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
