package tflite

import (
	"fmt"
	"math"
)

// The three MediaPipe custom operators of face_landmark_with_attention
// (version 2 of each, as MediaPipe registers them). They let the model crop
// its own feature maps around the eyes and lips: Landmarks2TransformMatrix
// turns coarse landmarks into a crop matrix, TransformTensorBilinear samples
// a feature map through it, and TransformLandmarks maps refined points back.

// needVersion2 refuses the version-1 variants, which have other semantics.
func needVersion2(d *opDef) error {
	if d.version != 2 {
		return fmt.Errorf("%w version %d of %s", errUnsupported, d.version, d.custom)
	}
	return nil
}

// landmarksMatrix is Landmarks2TransformMatrix v2: from [1, N, 3] landmarks,
// a 4×4 row-major matrix mapping crop pixels (x, y, 0, 1) to landmark space.
type landmarksMatrix struct {
	in, out       int
	subset        []int
	left, right   int
	target        float64
	outW, outH    float64
	scaleX, scale float64
}

func (b *builder) landmarksToMatrix(d *opDef) (op, error) {
	if err := needVersion2(d); err != nil {
		return nil, err
	}
	ins, outs, err := b.io(d, 1, 1, 1)
	if err != nil {
		return nil, err
	}
	s := b.shape(ins[0])
	if len(s) != 3 || s[0] != 1 || s[2] != 3 {
		return nil, fmt.Errorf("landmarks shape %v", s)
	}
	o, err := parseFlexOptions(d.customOpts)
	if err != nil {
		return nil, err
	}
	k := &landmarksMatrix{in: ins[0], out: outs[0]}
	idx, err := o.ints("subset_idxs")
	if err != nil {
		return nil, err
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("empty subset")
	}
	for _, i := range idx {
		if i < 0 || i >= int64(s[1]) {
			return nil, fmt.Errorf("subset index %d of %d landmarks", i, s[1])
		}
		k.subset = append(k.subset, int(i))
	}
	if k.left, err = o.int("left_rotation_idx"); err != nil {
		return nil, err
	}
	if k.right, err = o.int("right_rotation_idx"); err != nil {
		return nil, err
	}
	if k.left < 0 || k.right < 0 || k.left >= s[1] || k.right >= s[1] {
		return nil, fmt.Errorf("rotation landmarks %d, %d of %d", k.left, k.right, s[1])
	}
	if k.target, err = o.float("target_rotation_radians"); err != nil {
		return nil, err
	}
	ow, err := o.int("output_width")
	if err != nil {
		return nil, err
	}
	oh, err := o.int("output_height")
	if err != nil {
		return nil, err
	}
	if ow <= 0 || oh <= 0 {
		return nil, fmt.Errorf("output size %d×%d", ow, oh)
	}
	k.outW, k.outH = float64(ow), float64(oh)
	if k.scaleX, err = o.float("scale_x"); err != nil {
		return nil, err
	}
	if k.scale, err = o.float("scale_y"); err != nil {
		return nil, err
	}
	return k, b.setOut(outs[0], []int{1, 4, 4})
}

func (k *landmarksMatrix) run(s *Session) {
	lm, out := s.buf(k.in), s.buf(k.out)
	at := func(i int) (float64, float64) { return float64(lm[3*i]), float64(lm[3*i+1]) }
	lx, ly := at(k.left)
	rx, ry := at(k.right)
	r := k.target - math.Atan2(ry-ly, rx-lx)
	c, sn := math.Cos(r), math.Sin(r)
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, i := range k.subset {
		x, y := at(i)
		x, y = c*x-sn*y, sn*x+c*y
		minX, maxX = math.Min(minX, x), math.Max(maxX, x)
		minY, maxY = math.Min(minY, y), math.Max(maxY, y)
	}
	w, h := maxX-minX, maxY-minY
	mx, my := (minX+maxX)/2, (minY+maxY)/2
	// Back to landmark space: the inverse rotation of the box centre.
	cx, cy := c*mx+sn*my, -sn*mx+c*my
	// t = shift(cx, cy) · rot(−r) · scale · shift(−W/2, −H/2), as 2×3.
	sx, sy := k.scaleX*w/k.outW, k.scale*h/k.outH
	a, bb := c*sx, sn*sy // rot(−r) = [[c, s], [−s, c]]
	d, e := -sn*sx, c*sy
	tx := cx - a*k.outW/2 - bb*k.outH/2
	ty := cy - d*k.outW/2 - e*k.outH/2
	m := [16]float64{a, bb, 0, tx, d, e, 0, ty, 0, 0, 1, 0, 0, 0, 0, 1}
	for i, v := range m {
		out[i] = float32(v)
	}
}

// transformTensor is TransformTensorBilinear v2: samples a [1, H, W, C]
// feature map at the matrix's image of each output pixel, with MediaPipe's
// half-pixel correction, zero outside.
type transformTensor struct {
	in, mat, out int
	h, w, c      int
	oh, ow       int
}

func (b *builder) transformTensor(d *opDef) (op, error) {
	if err := needVersion2(d); err != nil {
		return nil, err
	}
	ins, outs, err := b.io(d, 2, 2, 1)
	if err != nil {
		return nil, err
	}
	h, w, c, err := b.nhwc(ins[0])
	if err != nil {
		return nil, err
	}
	if b.m.slots[ins[1]].n != 16 {
		return nil, fmt.Errorf("matrix shape %v", b.shape(ins[1]))
	}
	o, err := parseFlexOptions(d.customOpts)
	if err != nil {
		return nil, err
	}
	k := &transformTensor{in: ins[0], mat: ins[1], out: outs[0], h: h, w: w, c: c}
	if k.oh, err = o.int("output_height"); err != nil {
		return nil, err
	}
	if k.ow, err = o.int("output_width"); err != nil {
		return nil, err
	}
	return k, b.setOut(outs[0], []int{1, k.oh, k.ow, c})
}

func (k *transformTensor) run(s *Session) {
	in, m, out := s.buf(k.in), s.buf(k.mat), s.buf(k.out)
	x0, x1, x3 := m[0], m[1], m[3]+m[0]*0.5+m[1]*0.5-0.5
	y0, y1, y3 := m[4], m[5], m[7]+m[4]*0.5+m[5]*0.5-0.5
	c := k.c
	read := func(y, x int) []float32 {
		if y < 0 || x < 0 || y >= k.h || x >= k.w {
			return nil
		}
		return in[(y*k.w+x)*c : (y*k.w+x+1)*c]
	}
	for oy := range k.oh {
		for ox := range k.ow {
			o := out[(oy*k.ow+ox)*c : (oy*k.ow+ox+1)*c]
			tx := x0*float32(ox) + x1*float32(oy) + x3
			ty := y0*float32(ox) + y1*float32(oy) + y3
			if !(tx >= 0 && ty >= 0 && tx <= float32(k.w-1) && ty <= float32(k.h-1)) {
				clear(o)
				continue
			}
			fx, fy := float32(math.Floor(float64(tx))), float32(math.Floor(float64(ty)))
			ix, iy := int(fx), int(fy)
			dx, dy := tx-fx, ty-fy
			q11, q21 := read(iy, ix), read(iy, ix+1)
			q12, q22 := read(iy+1, ix), read(iy+1, ix+1)
			for i := range o {
				var v11, v21, v12, v22 float32
				if q11 != nil {
					v11 = q11[i]
				}
				if q21 != nil {
					v21 = q21[i]
				}
				if q12 != nil {
					v12 = q12[i]
				}
				if q22 != nil {
					v22 = q22[i]
				}
				upper := (1-dx)*v11 + dx*v21
				lower := (1-dx)*v12 + dx*v22
				o[i] = dy*lower + (1-dy)*upper
			}
		}
	}
}

// transformLandmarks is TransformLandmarks v2: applies the matrix's first two
// rows to [1, N, 2|3] points, keeping z.
type transformLandmarks struct {
	in, mat, out int
	n, dims      int
}

func (b *builder) transformLandmarks(d *opDef) (op, error) {
	if err := needVersion2(d); err != nil {
		return nil, err
	}
	ins, outs, err := b.io(d, 2, 2, 1)
	if err != nil {
		return nil, err
	}
	s := b.shape(ins[0])
	if len(s) != 3 || s[0] != 1 || (s[2] != 2 && s[2] != 3) || b.m.slots[ins[1]].n != 16 {
		return nil, fmt.Errorf("landmarks %v, matrix %v", s, b.shape(ins[1]))
	}
	k := &transformLandmarks{in: ins[0], mat: ins[1], out: outs[0], n: s[1], dims: s[2]}
	return k, b.setOut(outs[0], s)
}

func (k *transformLandmarks) run(s *Session) {
	in, m, out := s.buf(k.in), s.buf(k.mat), s.buf(k.out)
	for i := range k.n {
		p := i * k.dims
		x, y := in[p], in[p+1]
		out[p] = m[0]*x + m[1]*y + m[3]
		out[p+1] = m[4]*x + m[5]*y + m[7]
		if k.dims == 3 {
			out[p+2] = in[p+2]
		}
	}
}
