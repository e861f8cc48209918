package photo

import (
	"context"
	"image"
	"io"
	"math"
	"time"
)

// Options tune an Engine; the zero value means the defaults.
type Options struct {
	Limits Limits
	// AnalysisPixels is the size of the copy the models and checks see: the models
	// resample to 128–256 px anyway, and the checks are calibrated at this scale.
	AnalysisPixels int
	// Live makes Check a guide for a camera preview: the plain face mesh instead of the
	// attention model, and no person mask, so eyes_open and the background checks are not
	// assessed. The verdict on the final shot must come from a full Check.
	Live bool
	// PitchOffset (degrees) is subtracted from the mesh pitch, which reads about +15° on
	// a frontal face; it is calibrated on the compliant portraits.
	PitchOffset float64
}

// Engine checks and crops portraits. It holds no per-call state and is safe for
// concurrent use as long as its FaceModel is.
type Engine struct {
	model FaceModel
	opt   Options
}

// New returns an Engine over the given face model.
func New(model FaceModel, opt Options) *Engine {
	if opt.Limits.MaxBytes == 0 {
		opt.Limits.MaxBytes = DefaultLimits.MaxBytes
	}
	if opt.Limits.MaxPixels == 0 {
		opt.Limits.MaxPixels = DefaultLimits.MaxPixels
	}
	if opt.AnalysisPixels == 0 {
		opt.AnalysisPixels = 1_000_000
	}
	if opt.PitchOffset == 0 {
		opt.PitchOffset = defaultPitchOffset
	}
	// A zero offset is indistinguishable from "unset"; NaN asks for none at all.
	if math.IsNaN(opt.PitchOffset) {
		opt.PitchOffset = 0
	}
	return &Engine{model: model, opt: opt}
}

// Timings is what each stage of one run cost, for the bench command. The person mask is
// computed while the detector and the mesh run, and the crop while the checks run, so the
// stages overlap and Wall (the caller's wait, when the caller sets it) is less than their sum.
type Timings struct {
	Decode, Detect, Mesh, Segment, Checks, Crop time.Duration
	Wall                                        time.Duration
}

// Check decodes a portrait and reports every check. An error means the input could not
// be read (an *InputError) or the face model failed; a non-compliant photo is not an error.
func (e *Engine) Check(ctx context.Context, r io.Reader) (*Report, error) {
	src, err := e.decode(r)
	if err != nil {
		return nil, err
	}
	a, err := e.analyse(ctx, src, nil)
	if err != nil {
		return nil, err
	}
	return a.report(), nil
}

func (e *Engine) decode(r io.Reader) (*source, error) {
	data, err := readLimited(r, e.opt.Limits.MaxBytes)
	if err != nil {
		return nil, err
	}
	return decodeBytes(data, e.opt.Limits, e.opt.AnalysisPixels)
}

// analyse runs the models on a ~1 MP copy and measures everything the checks need.
func (e *Engine) analyse(ctx context.Context, src *source, t *Timings) (*analysis, error) {
	return e.analyseWith(ctx, src, t, nil, nil)
}

// segmented is the person mask computed on its own goroutine.
type segmented struct {
	mask *image.Gray
	err  error
	took time.Duration
}

// analyseWith is analyse with the detections given (a tracker's), or found when nil.
// onMesh, when not nil, is called once the main face's mesh is known and before the
// checks run, so that a caller can start work that needs only the geometry (the crop).
func (e *Engine) analyseWith(ctx context.Context, src *source, t *Timings, given []Detection, onMesh func(*analysis)) (*analysis, error) {
	start := time.Now()
	small, err := src.analysisImage(e.opt.AnalysisPixels)
	if err != nil {
		return nil, err
	}
	mark(t, &start, func(t *Timings) *time.Duration { return &t.Decode })
	aw, ah := small.Bounds().Dx(), small.Bounds().Dy()
	w, h := src.w, src.h
	a := &analysis{src: src, img: small, sx: float64(w) / float64(aw), sy: float64(h) / float64(ah), pitchOffset: e.opt.PitchOffset, live: e.opt.Live}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The person mask needs only the picture: it runs on a second core while the face is
	// found and meshed, which is about as long. The channel is buffered so an early return
	// below leaves nothing blocked.
	var seg chan segmented
	if !e.opt.Live {
		seg = make(chan segmented, 1)
		go func() {
			s := time.Now()
			m, err := e.model.Segment(small)
			seg <- segmented{m, err, time.Since(s)}
		}()
	}
	dets := given
	if dets == nil {
		dets, err = e.model.Detect(small)
		if err != nil {
			return nil, err
		}
		mark(t, &start, func(t *Timings) *time.Duration { return &t.Detect })
	}
	a.dets = dets
	a.main = -1
	best := 0.0
	for i, d := range dets {
		if d.Score < minFaceScore {
			continue
		}
		if area := (d.X1 - d.X0) * (d.Y1 - d.Y0); area > best {
			best, a.main = area, i
		}
	}
	if a.main < 0 {
		a.measure()
		return a, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	landmarks := e.model.Landmarks
	if pm, ok := e.model.(plainMesher); ok && e.opt.Live {
		landmarks = pm.PlainLandmarks
	}
	mesh, err := landmarks(small, dets[a.main])
	if err != nil {
		return nil, err
	}
	a.mesh = &mesh
	mark(t, &start, func(t *Timings) *time.Duration { return &t.Mesh })
	if onMesh != nil {
		onMesh(a)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if seg != nil {
		s := <-seg
		if s.err != nil {
			return nil, s.err
		}
		a.mask = s.mask
		if t != nil {
			t.Segment += s.took
		}
		// Waiting for the mask is not the checks' cost.
		start = time.Now()
	}
	a.measure()
	mark(t, &start, func(t *Timings) *time.Duration { return &t.Checks })
	return a, nil
}

// mark adds the time since *start to one field of t (when timing) and restarts the clock.
func mark(t *Timings, start *time.Time, field func(*Timings) *time.Duration) {
	now := time.Now()
	if t != nil {
		*field(t) += now.Sub(*start)
	}
	*start = now
}
