// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// applyBlack and convertToRGB come from image/jpeg's reader.go.

package jpegscale

import (
	"image"
	"slices"
)

// planes is the destination of block rendering: one 8-bit plane per
// component, covering a whole number of MCUs at the output scale.
type planes struct {
	scale int
	nComp int
	gray  *image.Gray
	ycc   *image.YCbCr
	black []byte // The fourth (K) component of CMYK and YCbCrK images.
	// pix, stride and the block origin (bx0, by0) of each component's plane.
	pix      [maxComponents][]byte
	stride   [maxComponents]int
	bx0, by0 [maxComponents]int
	sub      [maxComponents]bool // Whether the component is subsampled relative to component 0.
}

// newPlanes allocates planes for the MCUs [mx0, mx1) x [my0, my1) at 1/scale.
func newPlanes(nComp int, comp *[maxComponents]component, scale, mx0, my0, mx1, my1 int) *planes {
	p := &planes{scale: scale, nComp: nComp}
	k := 8 / scale // Output pixels per block side.
	h0, v0 := comp[0].h, comp[0].v
	r := image.Rect(mx0*k*h0, my0*k*v0, mx1*k*h0, my1*k*v0)
	for i := range nComp {
		p.bx0[i], p.by0[i] = mx0*comp[i].h, my0*comp[i].v
		p.sub[i] = comp[i].h != h0 || comp[i].v != v0
	}
	if nComp == 1 {
		p.gray = image.NewGray(r)
		p.pix[0], p.stride[0] = p.gray.Pix, p.gray.Stride
		return p
	}
	var ratio image.YCbCrSubsampleRatio
	switch (h0/comp[1].h)<<4 | v0/comp[1].v {
	case 0x11:
		ratio = image.YCbCrSubsampleRatio444
	case 0x12:
		ratio = image.YCbCrSubsampleRatio440
	case 0x21:
		ratio = image.YCbCrSubsampleRatio422
	case 0x22:
		ratio = image.YCbCrSubsampleRatio420
	case 0x41:
		ratio = image.YCbCrSubsampleRatio411
	case 0x42:
		ratio = image.YCbCrSubsampleRatio410
	default:
		panic("unreachable: processSOF admits no other ratio")
	}
	p.ycc = image.NewYCbCr(r, ratio)
	p.pix[0], p.stride[0] = p.ycc.Y, p.ycc.YStride
	p.pix[1], p.stride[1] = p.ycc.Cb, p.ycc.CStride
	p.pix[2], p.stride[2] = p.ycc.Cr, p.ycc.CStride
	if nComp == 4 {
		p.stride[3] = (mx1 - mx0) * k * comp[3].h
		p.black = make([]byte, p.stride[3]*(my1-my0)*k*comp[3].v)
		p.pix[3] = p.black
	}
	return p
}

// clone returns a deep copy of p, so that images handed out from it do not
// share pixels.
func (p *planes) clone() *planes {
	c := *p
	switch {
	case p.gray != nil:
		g := *p.gray
		g.Pix = slices.Clone(g.Pix)
		c.gray = &g
		c.pix[0] = g.Pix
	case p.ycc != nil:
		y := *p.ycc
		y.Y, y.Cb, y.Cr = slices.Clone(y.Y), slices.Clone(y.Cb), slices.Clone(y.Cr)
		c.ycc = &y
		c.pix[0], c.pix[1], c.pix[2] = y.Y, y.Cb, y.Cr
		if p.black != nil {
			c.black = slices.Clone(p.black)
			c.pix[3] = c.black
		}
	}
	return &c
}

// renderBlock dequantizes one block, runs the IDCT for the planes' scale and
// stores the samples. bx and by are in blocks of the whole image. flat says
// that all AC coefficients are zero, which the Huffman decoder knows for free;
// the shortcut gives exactly what the full transform would.
func (p *planes) renderBlock(b *[blockSize]int16, q *[blockSize]int32, ci, bx, by int, flat bool) {
	k := 8 / p.scale
	stride := p.stride[ci]
	dst := p.pix[ci][k*((by-p.by0[ci])*stride+bx-p.bx0[ci]):]
	if flat && p.scale != 8 {
		dc := int32(b[0]) * q[0]
		var v uint8
		if p.scale == 1 {
			v = clamp8((dc<<17+1<<19)>>20 + 128)
		} else {
			v = clamp8((a0*((a0*dc+1<<6)>>7)+1<<16)>>17 + 128)
		}
		_ = dst[(k-1)*stride+k-1]
		for y := range k {
			row := dst[y*stride : y*stride+k]
			for x := range row {
				row[x] = v
			}
		}
		return
	}
	switch p.scale {
	case 1:
		render1(b, q, dst, stride)
	case 2:
		render2(b, q, dst, stride)
	case 4:
		render4(b, q, dst, stride)
	default:
		dst[0] = clamp8((int32(b[0])*q[0]+4)>>3 + 128)
	}
}

// clamp8 saturates v to [0, 255].
func clamp8(v int32) uint8 {
	if uint32(v) > 255 {
		return uint8(^(v >> 31))
	}
	return uint8(v)
}

// render1 is the standard library's reconstructBlock: same arithmetic, same
// output.
func render1(b *[blockSize]int16, q *[blockSize]int32, dst []byte, stride int) {
	var w block
	idct(b, q, &w)
	_ = dst[7*stride+7]
	for y := range 8 {
		row := dst[y*stride : y*stride+8 : y*stride+8]
		ws := w[8*y : 8*y+8 : 8*y+8]
		for x := range row {
			row[x] = clamp8(ws[x] + 128)
		}
	}
}

// The reduced IDCTs use 1-D matrices A, in 1/4096ths, whose entry [n][u] is
// the mean, over the k = 2 (or 4) full-size samples that output sample n
// covers, of basis function u:
//
//	A[n][u] = 1/k Σ_{x=nk}^{nk+k-1} C(u)/2 cos((2x+1)uπ/16), C(0)=1/√2, C(u>0)=1.
//
// So a reduced block is the box-filtered full-size block, not an
// approximation of it, up to rounding. For k = 2 (scale 1/2):
//
//	{1448, 1856, 1338, 652, 0, -435, -554, -369},
//	{1448, 769, -1338, -1573, 0, 1051, 554, -153},
//	{1448, -769, -1338, 1573, 0, -1051, 554, 153},
//	{1448, -1856, 1338, -652, 0, 435, -554, 369},
//
// and for k = 4 (scale 1/4), where even frequencies average out:
//
//	{1448, 1312, 0, -461, 0, 308, 0, -261},
//	{1448, -1312, 0, 461, 0, -308, 0, 261},
//
// Rows n and k-1-n are even or odd images of each other, which the code
// uses to halve the multiplications.
const (
	a0 = 1448 // Every row's DC weight, 4096/(2√2).

	a2n0u1, a2n0u2, a2n0u3, a2n0u5, a2n0u6, a2n0u7 = 1856, 1338, 652, -435, -554, -369
	a2n1u1, a2n1u3, a2n1u5, a2n1u7                 = 769, -1573, 1051, -153

	a4u1, a4u3, a4u5, a4u7 = 1312, -461, 308, -261
)

// render2 renders a block as 4x4 samples.
func render2(b *[blockSize]int16, q *[blockSize]int32, dst []byte, stride int) {
	var t [8][4]int32
	for v := range 8 {
		if v == 4 {
			continue // A's column 4 is zero.
		}
		r := b[8*v : 8*v+8 : 8*v+8]
		if r[0]|r[1]|r[2]|r[3]|r[5]|r[6]|r[7] == 0 {
			continue
		}
		qr := q[8*v : 8*v+8 : 8*v+8]
		t[v] = reduce2Line(int32(r[0])*qr[0], int32(r[1])*qr[1], int32(r[2])*qr[2], int32(r[3])*qr[3],
			int32(r[5])*qr[5], int32(r[6])*qr[6], int32(r[7])*qr[7], 7)
	}
	_ = dst[3*stride+3]
	for n := range 4 {
		o := reduce2Line(t[0][n], t[1][n], t[2][n], t[3][n], t[5][n], t[6][n], t[7][n], 17)
		for m, v := range o {
			dst[m*stride+n] = clamp8(v + 128)
		}
	}
}

// reduce2Line multiplies the 1/2-scale A by the vector f (f4 omitted: its weights are
// zero) and shifts the result right by shift, rounding.
func reduce2Line(f0, f1, f2, f3, f5, f6, f7 int32, shift uint) [4]int32 {
	c0 := a0 * f0
	e := a2n0u2*f2 + a2n0u6*f6
	e0, e1 := c0+e, c0-e
	o0 := a2n0u1*f1 + a2n0u3*f3 + a2n0u5*f5 + a2n0u7*f7
	o1 := a2n1u1*f1 + a2n1u3*f3 + a2n1u5*f5 + a2n1u7*f7
	round := int32(1) << (shift - 1)
	return [4]int32{(e0 + o0 + round) >> shift, (e1 + o1 + round) >> shift, (e1 - o1 + round) >> shift, (e0 - o0 + round) >> shift}
}

// render4 renders a block as 2x2 samples. Even frequencies above 0 average
// to zero over 4 samples, so only columns and rows 0, 1, 3, 5 and 7 count.
func render4(b *[blockSize]int16, q *[blockSize]int32, dst []byte, stride int) {
	var t0, t1 [8]int32 // Row results for output columns 0 and 1.
	for _, v := range [5]int{0, 1, 3, 5, 7} {
		r := b[8*v : 8*v+8 : 8*v+8]
		if r[0]|r[1]|r[3]|r[5]|r[7] == 0 {
			continue
		}
		qr := q[8*v : 8*v+8 : 8*v+8]
		even := int32(r[0]) * qr[0] * a0
		odd := int32(r[1])*qr[1]*a4u1 + int32(r[3])*qr[3]*a4u3 + int32(r[5])*qr[5]*a4u5 + int32(r[7])*qr[7]*a4u7
		t0[v] = (even + odd + 1<<6) >> 7
		t1[v] = (even - odd + 1<<6) >> 7
	}
	_ = dst[stride+1]
	for n, t := range [2]*[8]int32{&t0, &t1} {
		even := a0 * t[0]
		odd := a4u1*t[1] + a4u3*t[3] + a4u5*t[5] + a4u7*t[7]
		dst[n] = clamp8((even+odd+1<<16)>>17 + 128)
		dst[stride+n] = clamp8((even-odd+1<<16)>>17 + 128)
	}
}

// colorInfo is what finishing a render needs to know about the colour model.
type colorInfo struct {
	nComp          int
	comp           [maxComponents]component
	rgb            bool
	adobeValid     bool
	adobeTransform uint8
}

func (d *decoder) info() colorInfo {
	return colorInfo{
		nComp:          d.nComp,
		comp:           d.comp,
		rgb:            d.nComp == 3 && d.isRGB(),
		adobeValid:     d.adobeTransformValid,
		adobeTransform: d.adobeTransform,
	}
}

// finish turns the planes into the image type image/jpeg returns and crops it
// to want, in output pixels.
func (p *planes) finish(ci colorInfo, want image.Rectangle) (image.Image, error) {
	switch {
	case p.gray != nil:
		return p.gray.SubImage(want), nil
	case p.black != nil:
		m, err := p.applyBlack(ci)
		if err != nil {
			return nil, err
		}
		return m.SubImage(want), nil
	case ci.rgb:
		return p.convertToRGB().SubImage(want), nil
	}
	return p.ycc.SubImage(want), nil
}

// applyBlack combines the planes into a CMYK image. The formula used depends
// on whether the JPEG image is stored as CMYK or YCbCrK, indicated by the
// APP14 (Adobe) metadata.
//
// Adobe CMYK JPEG images are inverted, where 255 means no ink instead of full
// ink, so we apply "v = 255 - v" at various points. Note that a double
// inversion is a no-op, so inversions might be implicit in the code below.
func (p *planes) applyBlack(ci colorInfo) (*image.CMYK, error) {
	if !ci.adobeValid {
		return nil, UnsupportedError("unknown color model: 4-component JPEG doesn't have Adobe APP14 metadata")
	}
	bounds := p.ycc.Rect
	if ci.adobeTransform != adobeTransformUnknown {
		// Convert the YCbCr part of the YCbCrK to RGB, invert the RGB to get
		// CMY, and patch in the original K. The RGB to CMY inversion cancels
		// out the 'Adobe inversion' described above, so in practice, only the
		// fourth channel (black) is inverted.
		img := &image.RGBA{Pix: make([]byte, 4*bounds.Dx()*bounds.Dy()), Stride: 4 * bounds.Dx(), Rect: bounds}
		ycbcrToRGBA(img, p.ycc)
		for iBase, y := 0, 0; y < bounds.Dy(); iBase, y = iBase+img.Stride, y+1 {
			for i, x := iBase+3, 0; x < bounds.Dx(); i, x = i+4, x+1 {
				img.Pix[i] = 255 - p.black[y*p.stride[3]+x]
			}
		}
		return &image.CMYK{Pix: img.Pix, Stride: img.Stride, Rect: img.Rect}, nil
	}

	// The first three channels (cyan, magenta, yellow) were decoded into
	// separate, possibly subsampled planes; interleave them.
	img := image.NewCMYK(bounds)
	for t := range 4 {
		src, stride, sub := p.pix[t], p.stride[t], p.sub[t]
		for iBase, y := 0, 0; y < bounds.Dy(); iBase, y = iBase+img.Stride, y+1 {
			sy := y
			if sub {
				sy /= 2
			}
			for i, x := iBase+t, 0; x < bounds.Dx(); i, x = i+4, x+1 {
				sx := x
				if sub {
					sx /= 2
				}
				img.Pix[i] = 255 - src[sy*stride+sx]
			}
		}
	}
	return img, nil
}

// convertToRGB copies the planes of a JPEG whose three components are R, G
// and B, not Y, Cb and Cr, into an RGBA image.
func (p *planes) convertToRGB() *image.RGBA {
	bounds := p.ycc.Rect
	img := image.NewRGBA(bounds)
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		po := img.PixOffset(bounds.Min.X, y)
		for x := bounds.Min.X; x < bounds.Max.X; x, po = x+1, po+4 {
			img.Pix[po+0] = p.ycc.Y[p.ycc.YOffset(x, y)]
			img.Pix[po+1] = p.ycc.Cb[p.ycc.COffset(x, y)]
			img.Pix[po+2] = p.ycc.Cr[p.ycc.COffset(x, y)]
			img.Pix[po+3] = 255
		}
	}
	return img
}
