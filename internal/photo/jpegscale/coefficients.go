package jpegscale

import (
	"fmt"
	"image"
)

// Coefficients holds a JPEG image's quantized DCT coefficients after the one
// pass of entropy decoding, which is most of a decode's cost. Rendering from
// them is cheap, and cheaper still at reduced scale or for a part of the
// image: the photo engine analyses Image(4) and then renders Crop(r, 1) only
// where the final photo is cut.
//
// Its methods only read it, so one Coefficients may be rendered from several
// goroutines at once.
type Coefficients struct {
	width, height int
	mxx, myy      int
	info          colorInfo
	quant         [maxComponents][blockSize]int32 // Natural order, per component.
	coeffs        [maxComponents][][]int16        // Progressive: rows of blocks; a nil row is all zero.
	sparse        [maxComponents]*sparseStore     // Sequential.
	// preview is the whole image at 1/preview.scale, rendered during the
	// decode, or nil.
	preview *planes
}

func (d *decoder) coefficients() *Coefficients {
	c := &Coefficients{width: d.width, height: d.height, info: d.info(), coeffs: d.coeffs, sparse: d.sparse}
	c.mxx, c.myy = d.mcuDims()
	if d.keep && d.out != nil {
		c.preview = d.out
	}
	for i := range d.nComp {
		c.quant[i] = d.quant[d.comp[i].tq]
	}
	return c
}

// Bounds returns the image's full-size bounds, which Crop's rectangle is in.
func (c *Coefficients) Bounds() image.Rectangle { return image.Rect(0, 0, c.width, c.height) }

// Image renders the whole image at 1/scale (scale 1, 2, 4 or 8). The result
// has the types and bounds that Decode gives for the same scale.
func (c *Coefficients) Image(scale int) (image.Image, error) {
	if p := c.preview; p != nil && p.scale == scale {
		want := image.Rect(0, 0, ceilDiv(c.width, scale), ceilDiv(c.height, scale))
		return p.clone().finish(c.info, want)
	}
	return c.render(c.Bounds(), scale)
}

// Crop renders the part of the image inside r, given in full-size pixel
// coordinates, at 1/scale. The result's bounds are r divided by scale
// (rounding outwards) and clipped to the image, in the coordinates of the
// whole image at that scale, so its pixels are those of Image(scale) at the
// same points. Only the MCUs that r touches are transformed.
func (c *Coefficients) Crop(r image.Rectangle, scale int) (image.Image, error) {
	return c.render(r, scale)
}

func (c *Coefficients) render(r image.Rectangle, scale int) (image.Image, error) {
	s, err := Options{Scale: scale}.scale()
	if err != nil {
		return nil, err
	}
	in := r.Intersect(c.Bounds())
	if in.Empty() {
		return nil, fmt.Errorf("jpegscale: crop %v outside the image %v", r, c.Bounds())
	}
	r = in
	comp := &c.info.comp
	mw, mh := 8*comp[0].h, 8*comp[0].v // MCU size in full-size pixels.
	mx0, my0 := r.Min.X/mw, r.Min.Y/mh
	mx1, my1 := ceilDiv(r.Max.X, mw), ceilDiv(r.Max.Y, mh)
	p := newPlanes(c.info.nComp, comp, s, mx0, my0, mx1, my1)
	for i := range c.info.nComp {
		hi, vi := comp[i].h, comp[i].v
		coeffs, q := c.coeffs[i], &c.quant[i]
		if sp := c.sparse[i]; sp != nil {
			var b [blockSize]int16
			for by := my0 * vi; by < my1*vi; by++ {
				for bx := mx0 * hi; bx < mx1*hi; bx++ {
					flat := sp.get(&b, bx, by)
					p.renderBlock(&b, q, i, bx, by, flat)
					b = [blockSize]int16{}
				}
			}
			continue
		}
		if coeffs == nil {
			// No scan carried this component: its samples stay zero, as in
			// image/jpeg.
			continue
		}
		var zero [blockSize]int16
		for by := my0 * vi; by < my1*vi; by++ {
			row := coeffs[by]
			for bx := mx0 * hi; bx < mx1*hi; bx++ {
				if row == nil {
					// A row no scan reached, as in a progressive file
					// whose last scans are missing.
					p.renderBlock(&zero, q, i, bx, by, true)
					continue
				}
				p.renderBlock((*[blockSize]int16)(row[blockSize*bx:blockSize*bx+blockSize]), q, i, bx, by, false)
			}
		}
	}
	want := image.Rect(r.Min.X/s, r.Min.Y/s, ceilDiv(r.Max.X, s), ceilDiv(r.Max.Y, s))
	return p.finish(c.info, want)
}
