//go:build unix

package jpegscale

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/testenv"
)

// bench12MP is a 12 MP phone portrait (3000x4000) encoded three ways.
type bench12MP struct {
	name string
	data []byte
	path string // The same bytes on disk, for djpeg.
}

func make12MP(b *testing.B) []bench12MP {
	b.Helper()
	m := natural(b, 3000, 4000)
	files := []bench12MP{{name: "std-420-q90", data: encodeStd(b, m, 90)}}
	if _, err := exec.LookPath("cjpeg"); err == nil || testenv.InCI() {
		files = append(files,
			bench12MP{name: "cjpeg-444-q90", data: cjpeg(b, m, "-quality", "90", "-sample", "1x1")},
			bench12MP{name: "cjpeg-420-q90-progressive", data: cjpeg(b, m, "-quality", "90", "-progressive")},
		)
	}
	for i := range files {
		files[i].path = writeTemp(b, files[i].name+".jpg", files[i].data)
	}
	return files
}

// cropRect is where the photo engine would cut a CIE photo out of a 3000x4000
// portrait: a 35x45 box around the face, 1400x1800 pixels (2.5 MP).
var cropRect = image.Rect(800, 900, 2200, 2700)

// method is one way of getting pixels out of a file, as a benchmark runs it.
type method struct {
	name string
	run  func(f bench12MP) error
}

func methods(djpeg string) []method {
	ms := []method{
		{"image/jpeg full", func(f bench12MP) error {
			_, err := jpeg.Decode(bytes.NewReader(f.data))
			return err
		}},
	}
	for _, s := range []int{1, 2, 4, 8} {
		ms = append(ms, method{fmt.Sprintf("jpegscale 1/%d", s), func(f bench12MP) error {
			_, err := Decode(bytes.NewReader(f.data), Options{Scale: s})
			return err
		}})
	}
	ms = append(ms,
		method{"jpegscale coefficients only", func(f bench12MP) error {
			_, err := DecodeCoefficients(bytes.NewReader(f.data), Options{})
			return err
		}},
		method{"jpegscale coeffs with 1/4 image", func(f bench12MP) error {
			c, err := DecodeCoefficients(bytes.NewReader(f.data), Options{Scale: 4})
			if err != nil {
				return err
			}
			_, err = c.Image(4)
			return err
		}},
		// What the photo engine does: one pass over the file that also
		// renders the ~0.75 MP analysis image, then the crop at full or half
		// size, both converted to RGBA for the models and the encoder.
		engine(1), engine(2),
	)
	if djpeg != "" {
		ms = append(ms,
			method{"djpeg full", func(f bench12MP) error {
				return exec.Command(djpeg, "-outfile", "/dev/null", f.path).Run()
			}},
			method{"djpeg -scale 1/4", func(f bench12MP) error {
				return exec.Command(djpeg, "-scale", "1/4", "-outfile", "/dev/null", f.path).Run()
			}},
		)
	}
	return ms
}

// engine is the photo engine's use of the package, with the crop rendered at
// 1/cropScale.
func engine(cropScale int) method {
	name := fmt.Sprintf("jpegscale coeffs+1/4 RGBA+1/%d crop RGBA", cropScale)
	return method{name, func(f bench12MP) error {
		c, err := DecodeCoefficients(bytes.NewReader(f.data), Options{Scale: 4})
		if err != nil {
			return err
		}
		small, err := c.Image(4)
		if err != nil {
			return err
		}
		_ = ToRGBA(small)
		crop, err := c.Crop(cropRect, cropScale)
		if err != nil {
			return err
		}
		_ = ToRGBA(crop)
		return nil
	}}
}

// BenchmarkDecode12MP times each method on its own: go test -bench=Decode12MP.
func BenchmarkDecode12MP(b *testing.B) {
	files := make12MP(b)
	djpeg, _ := exec.LookPath("djpeg")
	for _, f := range files {
		for _, m := range methods(djpeg) {
			b.Run(f.name+"/"+strings.NewReplacer(" ", "_", "/", ":").Replace(m.name), func(b *testing.B) {
				b.SetBytes(int64(len(f.data)))
				for b.Loop() {
					if err := m.run(f); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkTable12MP prints every method's median time and its ratio to
// djpeg's full decode, measured side by side: the methods take turns within
// each round, so a noisy neighbour on the shared machine slows them alike.
// Run it once: go test -run='^$' -bench=Table12MP -benchtime=1x.
func BenchmarkTable12MP(b *testing.B) {
	files := make12MP(b)
	djpeg := testenv.LookPath(b, "djpeg")
	for b.Loop() {
		for _, f := range files {
			// Printed, not logged: the testing package cuts long benchmark logs.
			fmt.Println(Measure(b, f, methods(djpeg), 9))
		}
	}
}

// cpuTime is the CPU time this process and its waited-for children (djpeg)
// have used. Under contention from other work on the machine it is steadier
// than wall time, so the table shows both.
func cpuTime() time.Duration {
	var self, children syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	return time.Duration(self.Utime.Nano() + self.Stime.Nano() + children.Utime.Nano() + children.Stime.Nano())
}

// Measure runs each method rounds times, interleaved, and formats a table of
// median wall and CPU times and their ratios to the method named
// "djpeg full".
func Measure(tb testing.TB, f bench12MP, ms []method, rounds int) string {
	tb.Helper()
	wall := make([][]time.Duration, len(ms))
	cpu := make([][]time.Duration, len(ms))
	for range rounds {
		for i, m := range ms {
			start, startCPU := time.Now(), cpuTime()
			if err := m.run(f); err != nil {
				tb.Fatalf("%s: %v", m.name, err)
			}
			wall[i] = append(wall[i], time.Since(start))
			cpu[i] = append(cpu[i], cpuTime()-startCPU)
		}
	}
	median := func(ts []time.Duration) time.Duration {
		slices.Sort(ts)
		return ts[len(ts)/2]
	}
	medWall, medCPU := make([]time.Duration, len(ms)), make([]time.Duration, len(ms))
	var refWall, refCPU time.Duration
	for i := range ms {
		medWall[i], medCPU[i] = median(wall[i]), median(cpu[i])
		if ms[i].name == "djpeg full" {
			refWall, refCPU = medWall[i], medCPU[i]
		}
	}
	ratio := func(a, b time.Duration) string {
		if b == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", float64(a)/float64(b))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s (%d bytes), median of %d interleaved rounds\n", f.name, len(f.data), rounds)
	fmt.Fprintf(&sb, "%-40s %9s %7s %9s %7s\n", "method", "wall", "÷djpeg", "CPU", "÷djpeg")
	for i, m := range ms {
		fmt.Fprintf(&sb, "%-40s %9s %7s %9s %7s\n", m.name,
			medWall[i].Round(100*time.Microsecond), ratio(medWall[i], refWall),
			medCPU[i].Round(100*time.Microsecond), ratio(medCPU[i], refCPU))
	}
	return sb.String()
}
