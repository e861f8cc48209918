package photo

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/testenv"
)

// big12MP makes a phone photo from a London portrait: 3000×4000 upright, stored as
// 4000×3000 with EXIF orientation 6 as phones held upright store it, with sensor-like
// grain so that the file weighs what a phone's does (about 3 MB at quality 92) rather than
// the 0.9 MB of a smooth upscale, which would flatter both our decoder and djpeg.
func big12MP(b *testing.B) []byte {
	b.Helper()
	src := loadRGBA(b, synthBase)
	up := resample(src, rect{0, -300, 1350, 1500}, 3000, 4000)
	r := rand.New(rand.NewPCG(12, 2026))
	for i := 0; i < len(up.Pix); i += 4 {
		g := r.NormFloat64() * 5 // luma grain
		for c := range 3 {
			v := float64(up.Pix[i+c]) + g + r.NormFloat64()*1.5 // and a little chroma
			up.Pix[i+c] = uint8(min(255, max(0, math.Round(v))))
		}
	}
	// Orientation 6 means "rotate 90° clockwise to view": store the upright picture turned
	// 90° anticlockwise.
	stored := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for y := range 4000 {
		for x := range 3000 {
			copy(stored.Pix[stored.PixOffset(y, 2999-x):][:4], up.Pix[up.PixOffset(x, y):][:4])
		}
	}
	data := withOrientation(encodeJPEG(b, stored, 92), 6, binary.BigEndian)
	if out := os.Getenv("SPORTELLO_BENCH_12MP_OUT"); out != "" {
		// For `sportello photo bench`, which takes a file.
		if err := os.WriteFile(out, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return data
}

// BenchmarkCheckCrop12MP is check plus crop of a phone-sized photo; `sportello photo
// bench` prints the same per stage next to djpeg.
func BenchmarkCheckCrop12MP(b *testing.B) {
	data := big12MP(b)
	e := testEngine(b)
	b.ResetTimer()
	cpu := cpuNow()
	for range b.N {
		if _, err := e.Crop(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.StopTimer()
	djpeg := testenv.LookPath(b, "djpeg")
	path := filepath.Join(b.TempDir(), "12mp.jpg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	d, err := DjpegTime(context.Background(), djpeg, path, 5)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(d.Microseconds())/1000, "djpeg-ms")
	b.ReportMetric(float64(len(data))/1e6, "MB")
}

func TestBenchTable(t *testing.T) {
	testenv.SkipShort(t, "runs the face models")
	data, err := os.ReadFile(synthBase)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := testEngine(t).Bench(context.Background(), data, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0].W != 1350 || rows[2].W > 640 || rows[2].H > 480 {
		t.Fatalf("rows %+v", rows)
	}
	if live := rows[3]; !strings.Contains(live.Name, "live") || live.Stages.Segment != 0 || live.Stages.Crop != 0 || live.W != rows[2].W {
		t.Fatalf("live row %+v", live)
	}
	for _, r := range rows[:3] {
		s := r.Stages
		// The total is the wall time: at least the stages that run one after the other on
		// the caller's goroutine, at most all of them (plus the little glue between them).
		if serial, all := s.Decode+s.Detect+s.Mesh, s.Decode+s.Detect+s.Mesh+s.Segment+s.Checks+s.Crop; r.Total < serial || r.Total > all+5*time.Millisecond {
			t.Fatalf("%s: total %v outside [%v, %v] for stages %+v", r.Name, r.Total, serial, all, s)
		}
		if s.Segment == 0 || s.Checks == 0 || s.Crop == 0 {
			t.Fatalf("%s: a stage was not timed: %+v", r.Name, s)
		}
	}
	// djpeg, when installed, is timed in turn with the file's runs and only with those.
	if _, err := exec.LookPath("djpeg"); (err == nil) != (rows[0].Djpeg > 0) || rows[1].Djpeg != 0 {
		t.Fatalf("djpeg timed as %v and %v (lookup error %v)", rows[0].Djpeg, rows[1].Djpeg, err)
	}
	var b strings.Builder
	WriteBench(&b, rows, time.Millisecond)
	if !strings.Contains(b.String(), "djpeg") || !strings.Contains(b.String(), "640x480") {
		t.Fatalf("table:\n%s", b.String())
	}
}

// TestDjpegReference needs Debian's djpeg (libjpeg-turbo-progs), the bench's yardstick.
func TestDjpegReference(t *testing.T) {
	djpeg := testenv.LookPath(t, "djpeg")
	d, err := DjpegTime(context.Background(), djpeg, synthBase, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d <= 0 {
		t.Fatalf("djpeg took %v", d)
	}
	if _, err := DjpegTime(context.Background(), djpeg, "testdata/portraits/manifest.csv", 1); err == nil {
		t.Fatal("djpeg accepted a CSV file")
	}
}

// BenchmarkResampleCrop renders a crop-sized YCbCr region to the 827×1063 output, the
// crop stage's main cost besides the JPEG encoder.
func BenchmarkResampleCrop(b *testing.B) {
	src := image.NewYCbCr(image.Rect(0, 0, 1100, 1400), image.YCbCrSubsampleRatio420)
	for i := range src.Y {
		src.Y[i] = uint8(i)
	}
	b.ResetTimer()
	for range b.N {
		resample(src, rect{10, 20, 1090, 1390}, 827, 1063)
	}
}
