package face

import "math"

// taps are the source samples and weights that make one destination sample
// along one axis.
type taps struct {
	start []int
	w     [][]float32
}

// axisTaps maps n destination samples onto the source interval starting at
// offset with step scale (source pixels per destination pixel). Downscaling
// averages the covered area, so small inputs do not alias; upscaling is
// linear. Destination pixels outside the source count as black, which
// letterboxes.
func axisTaps(n, srcN int, offset, scale float64) taps {
	t := taps{start: make([]int, n), w: make([][]float32, n)}
	for i := range n {
		var lo, hi int
		var wf func(x int) float64
		if scale >= 1 {
			a, b := offset+float64(i)*scale, offset+float64(i+1)*scale
			lo, hi = int(math.Floor(a)), int(math.Ceil(b))-1
			wf = func(x int) float64 {
				return (math.Min(b, float64(x+1)) - math.Max(a, float64(x))) / scale
			}
		} else {
			c := offset + (float64(i)+0.5)*scale - 0.5
			lo = int(math.Floor(c))
			hi = lo + 1
			wf = func(x int) float64 { return 1 - math.Abs(float64(x)-c) }
		}
		lo2, hi2 := max(lo, 0), min(hi, srcN-1)
		if lo2 > hi2 {
			t.start[i] = 0
			continue
		}
		t.start[i] = lo2
		ws := make([]float32, hi2-lo2+1)
		var sum float64
		for x := lo2; x <= hi2; x++ {
			v := math.Max(wf(x), 0)
			ws[x-lo2] = float32(v)
			sum += v
		}
		// Upscaling, a centre inside the image but within half a pixel of
		// its edge repeats the edge rather than fading to black.
		if c := offset + (float64(i)+0.5)*scale; scale < 1 && c >= 0 && c < float64(srcN) && sum > 0 {
			for j := range ws {
				ws[j] = float32(float64(ws[j]) / sum)
			}
		}
		t.w[i] = ws
	}
	return t
}

// resize fills dst (dh×dw×3, row-major) with the source region whose top-left
// corner is (ox, oy) and whose destination pixel covers sx×sy source pixels,
// mapping 0..255 to lo..hi. It is separable: rows are combined first into
// one buffer (buf, reused between calls), then columns, so the cost is about
// one multiply-add per source sample and channel.
func resize(dst []float32, dw, dh int, p *pixels, ox, oy, sx, sy float64, lo, hi float32, buf *[]float32) {
	tx := axisTaps(dw, p.w, ox, sx)
	ty := axisTaps(dh, p.h, oy, sy)
	if cap(*buf) < 3*p.w {
		*buf = make([]float32, 3*p.w)
	}
	row := (*buf)[:3*p.w]
	k := (hi - lo) / 255
	x0 := tx.start[0]
	x1 := x0
	for i := range dw {
		if tx.w[i] != nil {
			x1 = max(x1, tx.start[i]+len(tx.w[i]))
		}
	}
	for v := range dh {
		clear(row[3*x0 : 3*x1])
		for j, wy := range ty.w[v] {
			src := p.pix[(ty.start[v]+j)*p.stride:]
			src = src[4*x0 : 4*x1]
			r := row[3*x0 : 3*x1]
			for j, i := 0, 0; j+2 < len(r) && i+3 < len(src); j, i = j+3, i+4 {
				r[j] += wy * float32(src[i])
				r[j+1] += wy * float32(src[i+1])
				r[j+2] += wy * float32(src[i+2])
			}
		}
		out := dst[v*dw*3 : (v+1)*dw*3]
		for u := range dw {
			var r, g, b float32
			s := tx.start[u]
			for j, wx := range tx.w[u] {
				q := row[3*(s+j) : 3*(s+j)+3]
				r += wx * q[0]
				g += wx * q[1]
				b += wx * q[2]
			}
			out[3*u], out[3*u+1], out[3*u+2] = lo+k*r, lo+k*g, lo+k*b
		}
	}
}

// affine maps destination coordinates (u, v) to source coordinates:
// x = a·u + b·v + c, y = d·u + e·v + f.
type affine struct{ a, b, c, d, e, f float64 }

func (m affine) apply(u, v float64) (float64, float64) {
	return m.a*u + m.b*v + m.c, m.d*u + m.e*v + m.f
}

// warp fills dst (n×n×3) by bilinear sampling of the source at m(u+½, v+½),
// black outside the image. It handles the rotated face crop, whose scale is
// near 1, so no area averaging is needed beyond ss×ss supersampling.
func warp(dst []float32, n int, p *pixels, m affine, ss int, lo, hi float32) {
	k := (hi - lo) / 255 / float32(ss*ss)
	for v := range n {
		for u := range n {
			var r, g, b float32
			for sv := range ss {
				for su := range ss {
					fu := float64(u) + (float64(su)+0.5)/float64(ss)
					fv := float64(v) + (float64(sv)+0.5)/float64(ss)
					x, y := m.apply(fu, fv)
					cr, cg, cb := p.bilinear(x-0.5, y-0.5)
					r, g, b = r+cr, g+cg, b+cb
				}
			}
			o := dst[3*(v*n+u) : 3*(v*n+u)+3]
			o[0], o[1], o[2] = lo+k*r, lo+k*g, lo+k*b
		}
	}
}

// bilinear samples at (x, y) in pixel-centre coordinates.
func (p *pixels) bilinear(x, y float64) (r, g, b float32) {
	fx, fy := math.Floor(x), math.Floor(y)
	x0, y0 := int(fx), int(fy)
	dx, dy := float32(x-fx), float32(y-fy)
	if x0 >= 0 && y0 >= 0 && x0+1 < p.w && y0+1 < p.h {
		i := y0*p.stride + 4*x0
		q0 := p.pix[i : i+8]
		q1 := p.pix[i+p.stride : i+p.stride+8]
		w00, w01, w10, w11 := (1-dx)*(1-dy), dx*(1-dy), (1-dx)*dy, dx*dy
		r = w00*float32(q0[0]) + w01*float32(q0[4]) + w10*float32(q1[0]) + w11*float32(q1[4])
		g = w00*float32(q0[1]) + w01*float32(q0[5]) + w10*float32(q1[1]) + w11*float32(q1[5])
		b = w00*float32(q0[2]) + w01*float32(q0[6]) + w10*float32(q1[2]) + w11*float32(q1[6])
		return
	}
	for j := range 2 {
		for i := range 2 {
			xx, yy := x0+i, y0+j
			if xx < 0 || yy < 0 || xx >= p.w || yy >= p.h {
				continue
			}
			w := (1 - dx) * (1 - dy)
			switch {
			case i == 1 && j == 0:
				w = dx * (1 - dy)
			case i == 0 && j == 1:
				w = (1 - dx) * dy
			case i == 1 && j == 1:
				w = dx * dy
			}
			q := p.pix[yy*p.stride+4*xx:]
			r += w * float32(q[0])
			g += w * float32(q[1])
			b += w * float32(q[2])
		}
	}
	return
}
