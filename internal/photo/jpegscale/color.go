package jpegscale

import (
	"image"
	"image/draw"
)

// ToRGBA converts a decoded image to *image.RGBA with the same bounds, for
// the face models that want interleaved RGB. YCbCr, Gray and CMYK images take
// fast paths whose results equal image/draw's; an *image.RGBA is returned as
// it is, not copied.
func ToRGBA(m image.Image) *image.RGBA {
	if rgba, ok := m.(*image.RGBA); ok {
		return rgba
	}
	b := m.Bounds()
	dst := &image.RGBA{Pix: make([]byte, 4*b.Dx()*b.Dy()), Stride: 4 * b.Dx(), Rect: b}
	switch m := m.(type) {
	case *image.YCbCr:
		ycbcrToRGBA(dst, m)
	case *image.Gray:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, y):][:b.Dx()]
			row := dst.Pix[dst.PixOffset(b.Min.X, y):][:4*len(src)]
			for x, v := range src {
				p := row[4*x : 4*x+4 : 4*x+4]
				p[0], p[1], p[2], p[3] = v, v, v, 255
			}
		}
	case *image.CMYK:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			src := m.Pix[m.PixOffset(b.Min.X, y):][:4*b.Dx()]
			row := dst.Pix[dst.PixOffset(b.Min.X, y):][:4*b.Dx()]
			for x := 0; x < len(src); x += 4 {
				s := src[x : x+4 : x+4]
				p := row[x : x+4 : x+4]
				// The same arithmetic as color.CMYKToRGB.
				w := 0xffff - uint32(s[3])*0x101
				p[0] = uint8((0xffff - uint32(s[0])*0x101) * w / 0xffff >> 8)
				p[1] = uint8((0xffff - uint32(s[1])*0x101) * w / 0xffff >> 8)
				p[2] = uint8((0xffff - uint32(s[2])*0x101) * w / 0xffff >> 8)
				p[3] = 255
			}
		}
	default:
		draw.Draw(dst, b, m, b.Min, draw.Src)
	}
	return dst
}

// ycbcrToRGBA converts src into dst, which has the same bounds, with the
// arithmetic of color.YCbCrToRGB, one row at a time so that the chroma
// offsets are not recomputed for every pixel as image/draw does.
func ycbcrToRGBA(dst *image.RGBA, src *image.YCbCr) {
	b := src.Rect
	var hs, vs int // log2 of the chroma subsampling.
	switch src.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		hs = 1
	case image.YCbCrSubsampleRatio420:
		hs, vs = 1, 1
	case image.YCbCrSubsampleRatio440:
		vs = 1
	case image.YCbCrSubsampleRatio411:
		hs = 2
	case image.YCbCrSubsampleRatio410:
		hs, vs = 2, 1
	}
	w := b.Dx()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		yrow := src.Y[src.YOffset(b.Min.X, y):][:w]
		co := (y>>vs - b.Min.Y>>vs) * src.CStride
		cw := (b.Max.X-1)>>hs - b.Min.X>>hs + 1
		cb := src.Cb[co:][:cw]
		cr := src.Cr[co:][:cw]
		row := dst.Pix[dst.PixOffset(b.Min.X, y):][:4*w]
		c0 := b.Min.X >> hs
		if hs == 1 && b.Min.X&1 == 0 {
			// 4:2:0 and 4:2:2 from an even column: each chroma sample
			// serves two pixels, so its products are computed once.
			for ci := range cb[:(w+1)/2] {
				cb1 := int32(cb[ci]) - 128
				cr1 := int32(cr[ci]) - 128
				rc, gc, bc := 91881*cr1, -22554*cb1-46802*cr1, 116130*cb1
				for i := 2 * ci; i < min(2*ci+2, w); i++ {
					yy1 := int32(yrow[i]) * 0x10101
					p := row[4*i : 4*i+4 : 4*i+4]
					p[0] = clamp16(yy1 + rc)
					p[1] = clamp16(yy1 + gc)
					p[2] = clamp16(yy1 + bc)
					p[3] = 255
				}
			}
			continue
		}
		for i, yv := range yrow {
			ci := (b.Min.X+i)>>hs - c0
			yy1 := int32(yv) * 0x10101
			cb1 := int32(cb[ci]) - 128
			cr1 := int32(cr[ci]) - 128
			r := yy1 + 91881*cr1
			g := yy1 - 22554*cb1 - 46802*cr1
			bl := yy1 + 116130*cb1
			p := row[4*i : 4*i+4 : 4*i+4]
			p[0] = clamp16(r)
			p[1] = clamp16(g)
			p[2] = clamp16(bl)
			p[3] = 255
		}
	}
}

// clamp16 is color.YCbCrToRGB's rounding: v is 16.16 fixed point.
func clamp16(v int32) uint8 {
	if uint32(v)&0xff000000 == 0 {
		return uint8(v >> 16)
	}
	return uint8(^(v >> 31))
}
