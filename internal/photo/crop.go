package photo

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// MaxCropBytes is the CIE upload limit for the final JPEG.
const MaxCropBytes = 500 << 10

// Cropped is the final CIE photo and the report of the source it was cut from.
type Cropped struct {
	JPEG          []byte
	Width, Height int
	Quality       int
	Source        *Report
}

// Crop cuts the CIE photo from a portrait: 35×45, 709–1063 px high, JPEG ≤ 500 KB
// without metadata, pixels only resampled (the background is never touched). When the
// source cannot give a compliant crop it returns an error wrapping ErrNoCrop that names
// the reason, instead of a bad file.
func (e *Engine) Crop(ctx context.Context, r io.Reader) (*Cropped, error) {
	return e.crop(ctx, r, nil)
}

func (e *Engine) crop(ctx context.Context, r io.Reader, t *Timings) (*Cropped, error) {
	start := time.Now()
	src, err := e.decode(r)
	if err != nil {
		return nil, err
	}
	if t != nil {
		t.Decode += time.Since(start)
	}
	// The crop needs only the mesh's geometry, so it is rendered on its own goroutine while
	// the person mask is awaited and the checks run; if the checks then refuse the crop,
	// the rendering is simply dropped.
	type rendered struct {
		plan *cropPlan
		c    *Cropped
		err  error
		took time.Duration
	}
	var early chan rendered
	onMesh := func(a *analysis) {
		plan, _ := planCrop(a.head(), float64(src.w), float64(src.h))
		if plan == nil {
			return
		}
		early = make(chan rendered, 1)
		go func() {
			s := time.Now()
			c, err := renderCrop(src, plan, nil)
			early <- rendered{plan, c, err, time.Since(s)}
		}()
	}
	a, err := e.analyseWith(ctx, src, t, nil, onMesh)
	if err != nil {
		return nil, err
	}
	rep := a.report()
	// Only geometry and resolution block the crop: the other defects are the citizen's to
	// fix, and the crop is still useful to show them.
	if res, _ := rep.Check("resolution"); a.plan == nil || res.Status == Fail {
		if t != nil && early != nil {
			// The bench still counts what the crop costs on a source too small for it.
			t.Crop += (<-early).took
		}
		return nil, noCrop(rep)
	}
	var c *Cropped
	if early != nil {
		if got := <-early; got.plan.r == a.plan.r {
			c, err = got.c, got.err
			if t != nil {
				t.Crop += got.took
			}
		}
	}
	if c == nil && err == nil {
		s := time.Now()
		c, err = renderCrop(src, a.plan, rep)
		if t != nil {
			t.Crop += time.Since(s)
		}
	}
	if err != nil {
		return nil, err
	}
	c.Source = rep
	return c, nil
}

func noCrop(rep *Report) error {
	var why []string
	for _, id := range []string{"face_found", "crop_geometry", "resolution"} {
		if c, ok := rep.Check(id); ok && c.Status != Pass {
			s := id
			if c.Note != "" {
				s += ": " + c.Note
			}
			why = append(why, s)
		}
	}
	if len(why) == 0 {
		why = append(why, "no crop fits")
	}
	return fmt.Errorf("%w: %s", ErrNoCrop, strings.Join(why, "; "))
}

// renderCrop resamples the planned rectangle and encodes it, lowering the JPEG quality
// step by step until the file fits the 500 KB limit.
func renderCrop(src *source, plan *cropPlan, rep *Report) (*Cropped, error) {
	oh, denom := cropSize(plan.r.H())
	ow := int(math.Round(float64(oh) * frameAspect))
	out, err := src.renderYCbCr(plan.r, ow, oh, denom)
	if err != nil {
		return nil, err
	}
	for q := 95; q >= 50; q -= 5 {
		enc, err := encodeJPEG420(out, q)
		if err != nil {
			return nil, err
		}
		out := withDensity(enc, dpi(oh))
		if len(out) <= MaxCropBytes {
			return &Cropped{JPEG: out, Width: ow, Height: oh, Quality: q, Source: rep}, nil
		}
	}
	return nil, fmt.Errorf("%w: cannot fit %d KB even at quality 50", ErrNoCrop, MaxCropBytes>>10)
}

// goodOutHeight is the height (508 dpi at 45 mm) that a crop rendered at a reduced DCT
// scale must still reach: a phone photo's crop is often 2000 px high, and rendering it at
// half scale, about 1000 px and as sharp as that height allows, costs a quarter of a
// full-scale render resampled down.
const goodOutHeight = 900

// cropSize is the output height for a crop h source pixels high, and the DCT scale to
// render it from (1/denom).
func cropSize(h float64) (oh, denom int) {
	for _, d := range []int{8, 4, 2} {
		if h/float64(d) >= goodOutHeight {
			return min(maxOutHeight, int(math.Round(h/float64(d)))), d
		}
	}
	return min(maxOutHeight, max(minOutHeight, int(math.Round(h)))), 1
}

// dpi is the print resolution that makes h pixels 45 mm high (709 px: 400 dpi, 1063: 600).
func dpi(h int) int { return int(math.Round(float64(h) / (45 / 25.4))) }

// withDensity puts a JFIF header carrying the print resolution after the start-of-image
// marker: the counter's software reads it to print at 35×45 mm. It is the only metadata.
func withDensity(j []byte, dpi int) []byte {
	app0 := []byte{0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 1, byte(dpi >> 8), byte(dpi), byte(dpi >> 8), byte(dpi), 0, 0}
	out := make([]byte, 0, len(j)+len(app0))
	out = append(out, j[:2]...)
	out = append(out, app0...)
	return append(out, j[2:]...)
}
