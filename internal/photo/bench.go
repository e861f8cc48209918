package photo

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"text/tabwriter"
	"time"
)

// BenchRow is the median cost of each stage on one version of a file.
type BenchRow struct {
	Name   string
	W, H   int
	Stages Timings
	Total  time.Duration
	// Djpeg is the median time of Debian's djpeg fully decoding the same file, run in
	// turn with ours so that a busy machine slows both alike; 0 when djpeg is missing.
	Djpeg time.Duration
}

// Bench times check+crop on data and on 1 MP and 640×480 re-encodings of it, runs times
// each, and returns the medians per stage.
func (e *Engine) Bench(ctx context.Context, data []byte, runs int) ([]BenchRow, error) {
	src, err := decodeBytes(data, e.opt.Limits, e.opt.AnalysisPixels)
	if err != nil {
		return nil, err
	}
	versions := []struct {
		name string
		data []byte
	}{{"file", data}}
	for _, v := range []struct {
		name   string
		pixels float64
		w, h   int
	}{{"1 MP", 1e6, 0, 0}, {"640x480", 0, 640, 480}} {
		s := 1.0
		if v.pixels > 0 {
			s = math.Sqrt(v.pixels / float64(src.w*src.h))
		} else {
			s = min(float64(v.w)/float64(src.w), float64(v.h)/float64(src.h))
		}
		if s >= 1 {
			continue
		}
		small, err := src.renderAt(src.bounds(), int(float64(src.w)*s), int(float64(src.h)*s))
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: 90}); err != nil {
			return nil, err
		}
		versions = append(versions, struct {
			name string
			data []byte
		}{v.name, buf.Bytes()})
	}
	var rows []BenchRow
	for _, v := range versions {
		row, err := e.benchVersion(ctx, v.name, v.data, runs)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	if len(versions) > 0 {
		// Live guidance is judged on one core, as a booth shares its CPU with the camera.
		prev := runtime.GOMAXPROCS(1)
		last := versions[len(versions)-1]
		row, err := e.benchLive(ctx, last.name+" live, 1 core", last.data, max(runs, 2*10))
		runtime.GOMAXPROCS(prev)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// benchVersion times runs of one file through Crop (check plus crop), as a caller would
// wait for it: the total is the wall time, less than the sum of the stages that overlap.
func (e *Engine) benchVersion(ctx context.Context, name string, data []byte, runs int) (BenchRow, error) {
	src, err := decodeBytes(data, e.opt.Limits, e.opt.AnalysisPixels)
	if err != nil {
		return BenchRow{}, err
	}
	// djpeg takes a file: the first version (the user's file) is timed against it.
	var djpeg, path string
	if name == "file" {
		if djpeg, _ = exec.LookPath("djpeg"); djpeg != "" {
			f, err := os.CreateTemp("", "sportello-bench-*.jpg")
			if err != nil {
				return BenchRow{}, err
			}
			path = f.Name()
			defer os.Remove(path)
			_, err = f.Write(data)
			if err := cmp.Or(err, f.Close()); err != nil {
				return BenchRow{}, err
			}
		}
	}
	samples := make([]Timings, 0, runs)
	var dj []time.Duration
	for i := 0; i < runs; i++ {
		var t Timings
		start := time.Now()
		_, err := e.crop(ctx, bytes.NewReader(data), &t)
		t.Wall = time.Since(start)
		if err != nil && !errors.Is(err, ErrNoCrop) {
			return BenchRow{}, err
		}
		samples = append(samples, t)
		if path != "" {
			d, err := DjpegTime(ctx, djpeg, path, 1)
			if err != nil {
				return BenchRow{}, err
			}
			dj = append(dj, d)
		}
	}
	row := BenchRow{Name: name, W: src.w, H: src.h, Stages: medianTimings(samples), Djpeg: median(dj)}
	totals := make([]time.Duration, len(samples))
	for i, s := range samples {
		totals[i] = s.Wall
	}
	row.Total = median(totals)
	return row, nil
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration{}, d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func medianTimings(ts []Timings) Timings {
	pick := func(f func(Timings) time.Duration) time.Duration {
		d := make([]time.Duration, len(ts))
		for i, t := range ts {
			d[i] = f(t)
		}
		return median(d)
	}
	return Timings{
		Decode:  pick(func(t Timings) time.Duration { return t.Decode }),
		Detect:  pick(func(t Timings) time.Duration { return t.Detect }),
		Mesh:    pick(func(t Timings) time.Duration { return t.Mesh }),
		Segment: pick(func(t Timings) time.Duration { return t.Segment }),
		Checks:  pick(func(t Timings) time.Duration { return t.Checks }),
		Crop:    pick(func(t Timings) time.Duration { return t.Crop }),
	}
}

// DjpegTime is the median wall time of Debian's djpeg fully decoding the file at path,
// the reference the issue sets for our own decode+check+crop.
func DjpegTime(ctx context.Context, djpeg, path string, runs int) (time.Duration, error) {
	d := make([]time.Duration, 0, runs)
	for i := 0; i < runs; i++ {
		cmd := exec.CommandContext(ctx, djpeg, "-outfile", os.DevNull, path)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("djpeg: %v: %s", err, out)
		}
		d = append(d, time.Since(start))
	}
	return median(d), nil
}

// WriteBench prints the rows, with the ratio to djpeg: the first row's own figure, measured
// in turn with it, or else djpeg when it is > 0.
func WriteBench(w io.Writer, rows []BenchRow, djpeg time.Duration) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "version\tsize\tdecode ms\tdetect ms\tmesh ms\tsegment ms\tchecks ms\tcrop ms\ttotal ms\tper second\t")
	for _, r := range rows {
		s := r.Stages
		fmt.Fprintf(tw, "%s\t%dx%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t\n", r.Name, r.W, r.H,
			ms(s.Decode), ms(s.Detect), ms(s.Mesh), ms(s.Segment), ms(s.Checks), ms(s.Crop), ms(r.Total), 1/r.Total.Seconds())
	}
	tw.Flush()
	fmt.Fprintf(w, "\ntotal is the wall time of check+crop on %d cores: the mask runs beside detect+mesh and the crop beside the checks, so stages overlap\n", runtime.GOMAXPROCS(0))
	if len(rows) > 0 && rows[0].Djpeg > 0 {
		// Measured in turn with our runs, it is the fairer yardstick on a busy machine.
		djpeg = rows[0].Djpeg
	}
	if djpeg > 0 && len(rows) > 0 {
		fmt.Fprintf(w, "\ndjpeg full decode of the file: %s ms; check+crop / djpeg = %.2f× (target ≤ 2×)\n", ms(djpeg), rows[0].Total.Seconds()/djpeg.Seconds())
	}
}

// benchLive times a Tracker on the frames of a preview (the file decoded once: a camera
// hands over pixels), over two detector periods so that tracked frames are counted too.
func (e *Engine) benchLive(ctx context.Context, name string, data []byte, frames int) (BenchRow, error) {
	src, err := decodeBytes(data, e.opt.Limits, e.opt.AnalysisPixels)
	if err != nil {
		return BenchRow{}, err
	}
	img, err := src.renderAt(src.bounds(), src.w, src.h)
	if err != nil {
		return BenchRow{}, err
	}
	tr := e.NewTracker()
	samples := make([]Timings, 0, frames)
	for range frames {
		var t Timings
		if _, err := tr.Frame(ctx, img, &t); err != nil {
			return BenchRow{}, err
		}
		samples = append(samples, t)
	}
	row := BenchRow{Name: name, W: src.w, H: src.h, Stages: medianTimings(samples)}
	totals := make([]time.Duration, len(samples))
	var detect time.Duration
	for i, s := range samples {
		totals[i] = s.Decode + s.Detect + s.Mesh + s.Segment + s.Checks + s.Crop
		detect += s.Detect
	}
	// The detector runs on one frame in ten: show its mean cost per frame, not the median 0.
	row.Stages.Detect = detect / time.Duration(len(samples))
	row.Total = median(totals)
	return row, nil
}
