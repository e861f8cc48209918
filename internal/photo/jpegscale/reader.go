// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpegscale

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
)

// A FormatError reports that the input is not a valid JPEG.
type FormatError string

func (e FormatError) Error() string { return "invalid JPEG format: " + string(e) }

// An UnsupportedError reports that the input uses a valid but unimplemented JPEG feature.
type UnsupportedError string

func (e UnsupportedError) Error() string { return "unsupported JPEG feature: " + string(e) }

// ErrTooLarge is returned, wrapped with the declared size, when a JPEG declares
// more pixels than Options.MaxPixels allows. It is detected from the frame
// header, before any pixel memory is allocated.
var ErrTooLarge = errors.New("jpegscale: image too large")

// DefaultMaxPixels is the limit used when Options.MaxPixels is zero: about
// 64 MP, well above any camera a citizen brings and far below what would
// exhaust a server's memory.
const DefaultMaxPixels = 64 << 20

// Options controls a decode.
type Options struct {
	// Scale is the denominator of the output size, as libjpeg's scale_denom:
	// 1 (or 0) for full size, 2, 4 or 8. The output is ceil(width/Scale) by
	// ceil(height/Scale) pixels.
	Scale int
	// MaxPixels bounds width*height of the declared image; 0 means
	// DefaultMaxPixels and a negative value means no limit.
	MaxPixels int64
}

func (o Options) scale() (int, error) {
	switch o.Scale {
	case 0, 1:
		return 1, nil
	case 2, 4, 8:
		return o.Scale, nil
	}
	return 0, fmt.Errorf("jpegscale: scale 1/%d not supported (use 1, 2, 4 or 8)", o.Scale)
}

func (o Options) maxPixels() int64 {
	if o.MaxPixels == 0 {
		return DefaultMaxPixels
	}
	return o.MaxPixels
}

var errUnsupportedSubsamplingRatio = UnsupportedError("luma/chroma subsampling ratio")

// Component specification, specified in section B.2.2.
type component struct {
	h  int   // Horizontal sampling factor.
	v  int   // Vertical sampling factor.
	c  uint8 // Component identifier.
	tq uint8 // Quantization table destination selector.
}

const (
	dcTable = 0
	acTable = 1
	maxTc   = 1
	maxTh   = 3
	maxTq   = 3

	maxComponents = 4
	blockSize     = 64
)

const (
	sof0Marker = 0xc0 // Start Of Frame (Baseline Sequential).
	sof1Marker = 0xc1 // Start Of Frame (Extended Sequential).
	sof2Marker = 0xc2 // Start Of Frame (Progressive).
	dhtMarker  = 0xc4 // Define Huffman Table.
	rst0Marker = 0xd0 // ReSTart (0).
	rst7Marker = 0xd7 // ReSTart (7).
	soiMarker  = 0xd8 // Start Of Image.
	eoiMarker  = 0xd9 // End Of Image.
	sosMarker  = 0xda // Start Of Scan.
	dqtMarker  = 0xdb // Define Quantization Table.
	driMarker  = 0xdd // Define Restart Interval.
	comMarker  = 0xfe // COMment.
	// "APPlication specific" markers aren't part of the JPEG spec per se,
	// but in practice, their use is described at
	// https://www.sno.phy.queensu.ca/~phil/exiftool/TagNames/JPEG.html
	app0Marker  = 0xe0
	app14Marker = 0xee
	app15Marker = 0xef
)

// See https://www.sno.phy.queensu.ca/~phil/exiftool/TagNames/JPEG.html#Adobe
const (
	adobeTransformUnknown = 0
	adobeTransformYCbCr   = 1
	adobeTransformYCbCrK  = 2
)

// unzig maps from the zig-zag ordering to the natural ordering. For example,
// unzig[3] is the column and row of the fourth element in zig-zag order. The
// value is 16, which means first column (16%8 == 0) and third row (16/8 == 2).
var unzig = [blockSize]uint8{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}

// bufSize is the input buffer. It is larger than the standard library's 4 KB
// so that the bit reader's fast path rarely has to call fill.
const bufSize = 32 << 10

type decoder struct {
	r    io.Reader
	bits bits
	// bytes is a byte buffer, similar to a bufio.Reader. buf[i:j] are the
	// buffered bytes read from the underlying io.Reader that haven't yet been
	// passed further on.
	bytes struct {
		buf  [bufSize]byte
		i, j int
		eof  bool
	}
	width, height int

	opt   Options
	scale int
	// keep makes every scan store its coefficients instead of rendering
	// baseline blocks as they are decoded.
	keep bool
	// coeffs are the stored coefficients, natural order, 64 per block, one
	// slice per row of blocks. Rows are allocated when the scan first reaches
	// them rather than all at once, so that the allocator's zeroing leaves
	// them in cache for the coefficients written next: one pass over 36 to
	// 72 MB of memory instead of two.
	coeffs [maxComponents][][]int16
	sparse [maxComponents]*sparseStore // The store of sequential files.
	out    *planes                     // Destination of immediate (baseline) rendering.

	ri    int // Restart Interval.
	nComp int

	// As per section 4.5, there are four modes of operation (selected by the
	// SOF? markers): sequential DCT, progressive DCT, lossless and
	// hierarchical, although this implementation does not support the latter
	// two non-DCT modes. Sequential DCT is further split into baseline and
	// extended, as per section 4.11.
	baseline    bool
	progressive bool
	sawSOS      bool
	scans       int

	jfif                bool
	adobeTransformValid bool
	adobeTransform      uint8
	eobRun              uint16 // End-of-Band run, specified in section G.1.2.2.

	comp  [maxComponents]component
	huff  [maxTc + 1][maxTh + 1]huffman
	quant [maxTq + 1][blockSize]int32 // Quantization tables, in natural order.
	tmp   [2 * blockSize]byte
}

// fill reads more input, keeping the unread bytes buf[i:j].
func (d *decoder) fill() error {
	if d.bytes.eof {
		return io.ErrUnexpectedEOF
	}
	if d.bytes.i > 0 {
		n := copy(d.bytes.buf[:], d.bytes.buf[d.bytes.i:d.bytes.j])
		d.bytes.i, d.bytes.j = 0, n
	}
	if d.bytes.j == len(d.bytes.buf) {
		return nil
	}
	n, err := d.r.Read(d.bytes.buf[d.bytes.j:])
	d.bytes.j += n
	if n > 0 {
		return nil
	}
	if err == nil {
		// A reader that returns 0, nil is allowed to; try again on the next call.
		return nil
	}
	if err == io.EOF {
		d.bytes.eof = true
		err = io.ErrUnexpectedEOF
	}
	return err
}

// readByte returns the next byte. It does not care about byte stuffing.
func (d *decoder) readByte() (x byte, err error) {
	for tries := 0; d.bytes.i == d.bytes.j; tries++ {
		if err = d.fill(); err != nil {
			return 0, err
		}
		if tries > 100 {
			return 0, io.ErrNoProgress
		}
	}
	x = d.bytes.buf[d.bytes.i]
	d.bytes.i++
	return x, nil
}

// readFull reads exactly len(p) bytes into p. It does not care about byte
// stuffing.
func (d *decoder) readFull(p []byte) error {
	for tries := 0; ; tries++ {
		n := copy(p, d.bytes.buf[d.bytes.i:d.bytes.j])
		p = p[n:]
		d.bytes.i += n
		if len(p) == 0 {
			return nil
		}
		if n > 0 {
			tries = 0
		}
		if tries > 100 {
			return io.ErrNoProgress
		}
		if err := d.fill(); err != nil {
			return err
		}
	}
}

// ignore ignores the next n bytes.
func (d *decoder) ignore(n int) error {
	for tries := 0; ; tries++ {
		m := min(d.bytes.j-d.bytes.i, n)
		d.bytes.i += m
		n -= m
		if n == 0 {
			return nil
		}
		if m > 0 {
			tries = 0
		}
		if tries > 100 {
			return io.ErrNoProgress
		}
		if err := d.fill(); err != nil {
			return err
		}
	}
}

// Specified in section B.2.2.
func (d *decoder) processSOF(n int) error {
	if d.nComp != 0 {
		return FormatError("multiple SOF markers")
	}
	switch n {
	case 6 + 3*1: // Grayscale image.
		d.nComp = 1
	case 6 + 3*3: // YCbCr or RGB image.
		d.nComp = 3
	case 6 + 3*4: // YCbCrK or CMYK image.
		d.nComp = 4
	default:
		return UnsupportedError("number of components")
	}
	if err := d.readFull(d.tmp[:n]); err != nil {
		return err
	}
	// We only support 8-bit precision.
	if d.tmp[0] != 8 {
		return UnsupportedError("precision")
	}
	d.height = int(d.tmp[1])<<8 + int(d.tmp[2])
	d.width = int(d.tmp[3])<<8 + int(d.tmp[4])
	if int(d.tmp[5]) != d.nComp {
		return FormatError("SOF has wrong length")
	}
	if d.width == 0 || d.height == 0 {
		// A zero height announces a DNL marker, which no camera writes.
		return UnsupportedError("zero width or height")
	}
	if limit := d.opt.maxPixels(); limit > 0 && int64(d.width)*int64(d.height) > limit {
		return fmt.Errorf("%w: %dx%d is more than %d pixels", ErrTooLarge, d.width, d.height, limit)
	}

	for i := 0; i < d.nComp; i++ {
		d.comp[i].c = d.tmp[6+3*i]
		// Section B.2.2 states that "the value of C_i shall be different from
		// the values of C_1 through C_(i-1)".
		for j := 0; j < i; j++ {
			if d.comp[i].c == d.comp[j].c {
				return FormatError("repeated component identifier")
			}
		}

		d.comp[i].tq = d.tmp[8+3*i]
		if d.comp[i].tq > maxTq {
			return FormatError("bad Tq value")
		}

		hv := d.tmp[7+3*i]
		h, v := int(hv>>4), int(hv&0x0f)
		if h < 1 || 4 < h || v < 1 || 4 < v {
			return FormatError("luma/chroma subsampling ratio")
		}
		if h == 3 || v == 3 {
			return errUnsupportedSubsamplingRatio
		}
		switch d.nComp {
		case 1:
			// If a JPEG image has only one component, section A.2 says "this data
			// is non-interleaved by definition" and section A.2.2 says "[in this
			// case...] the order of data units within a scan shall be left-to-right
			// and top-to-bottom... regardless of the values of H_1 and V_1". Section
			// 4.8.2 also says "[for non-interleaved data], the MCU is defined to be
			// one data unit". Similarly, section A.1.1 explains that it is the ratio
			// of H_i to max_j(H_j) that matters, and similarly for V. For grayscale
			// images, H_1 is the maximum H_j for all components j, so that ratio is
			// always 1. The component's (h, v) is effectively always (1, 1): even if
			// the nominal (h, v) is (2, 1), a 20x5 image is encoded in three 8x8
			// MCUs, not two 16x8 MCUs.
			h, v = 1, 1

		case 3:
			// For YCbCr images, we only support 4:4:4, 4:4:0, 4:2:2, 4:2:0,
			// 4:1:1 or 4:1:0 chroma subsampling ratios. This implies that the
			// (h, v) values for the Y component are either (1, 1), (1, 2),
			// (2, 1), (2, 2), (4, 1) or (4, 2), and the Y component's values
			// must be a multiple of the Cb and Cr component's values. We also
			// assume that the two chroma components have the same subsampling
			// ratio.
			switch i {
			case 0: // Y.
				if v == 4 {
					return errUnsupportedSubsamplingRatio
				}
			case 1: // Cb.
				if d.comp[0].h%h != 0 || d.comp[0].v%v != 0 {
					return errUnsupportedSubsamplingRatio
				}
			case 2: // Cr.
				if d.comp[1].h != h || d.comp[1].v != v {
					return errUnsupportedSubsamplingRatio
				}
			}

		case 4:
			// For 4-component images (either CMYK or YCbCrK), we only support two
			// hv vectors: [0x11 0x11 0x11 0x11] and [0x22 0x11 0x11 0x22].
			switch i {
			case 0:
				if hv != 0x11 && hv != 0x22 {
					return errUnsupportedSubsamplingRatio
				}
			case 1, 2:
				if hv != 0x11 {
					return errUnsupportedSubsamplingRatio
				}
			case 3:
				if d.comp[0].h != h || d.comp[0].v != v {
					return errUnsupportedSubsamplingRatio
				}
			}
		}

		d.comp[i].h = h
		d.comp[i].v = v
	}
	return nil
}

// Specified in section B.2.4.1.
func (d *decoder) processDQT(n int) error {
loop:
	for n > 0 {
		n--
		x, err := d.readByte()
		if err != nil {
			return err
		}
		tq := x & 0x0f
		if tq > maxTq {
			return FormatError("bad Tq value")
		}
		switch x >> 4 {
		default:
			return FormatError("bad Pq value")
		case 0:
			if n < blockSize {
				break loop
			}
			n -= blockSize
			if err := d.readFull(d.tmp[:blockSize]); err != nil {
				return err
			}
			for zig := range blockSize {
				d.quant[tq][unzig[zig]] = int32(d.tmp[zig])
			}
		case 1:
			if n < 2*blockSize {
				break loop
			}
			n -= 2 * blockSize
			if err := d.readFull(d.tmp[:2*blockSize]); err != nil {
				return err
			}
			for zig := range blockSize {
				d.quant[tq][unzig[zig]] = int32(d.tmp[2*zig])<<8 | int32(d.tmp[2*zig+1])
			}
		}
	}
	if n != 0 {
		return FormatError("DQT has wrong length")
	}
	return nil
}

// Specified in section B.2.4.4.
func (d *decoder) processDRI(n int) error {
	if n != 2 {
		return FormatError("DRI has wrong length")
	}
	if err := d.readFull(d.tmp[:2]); err != nil {
		return err
	}
	d.ri = int(d.tmp[0])<<8 + int(d.tmp[1])
	return nil
}

func (d *decoder) processApp0Marker(n int) error {
	if n < 5 {
		return d.ignore(n)
	}
	if err := d.readFull(d.tmp[:5]); err != nil {
		return err
	}
	n -= 5

	d.jfif = d.tmp[0] == 'J' && d.tmp[1] == 'F' && d.tmp[2] == 'I' && d.tmp[3] == 'F' && d.tmp[4] == '\x00'

	if n > 0 {
		return d.ignore(n)
	}
	return nil
}

func (d *decoder) processApp14Marker(n int) error {
	if n < 12 {
		return d.ignore(n)
	}
	if err := d.readFull(d.tmp[:12]); err != nil {
		return err
	}
	n -= 12

	if d.tmp[0] == 'A' && d.tmp[1] == 'd' && d.tmp[2] == 'o' && d.tmp[3] == 'b' && d.tmp[4] == 'e' {
		d.adobeTransformValid = true
		d.adobeTransform = d.tmp[11]
	}

	if n > 0 {
		return d.ignore(n)
	}
	return nil
}

// decode reads a JPEG stream from r up to its End Of Image marker. With
// configOnly it stops after the frame header.
func (d *decoder) decode(r io.Reader, configOnly bool) error {
	d.r = r

	// Check for the Start Of Image marker.
	if err := d.readFull(d.tmp[:2]); err != nil {
		return err
	}
	if d.tmp[0] != 0xff || d.tmp[1] != soiMarker {
		return FormatError("missing SOI marker")
	}

	// Process the remaining segments until the End Of Image marker.
	for {
		err := d.readFull(d.tmp[:2])
		if err != nil {
			return err
		}
		for d.tmp[0] != 0xff {
			// Strictly speaking, this is a format error. However, libjpeg is
			// liberal in what it accepts, and so are we: extraneous data
			// between segments is silently ignored.
			d.tmp[0] = d.tmp[1]
			d.tmp[1], err = d.readByte()
			if err != nil {
				return err
			}
		}
		marker := d.tmp[1]
		if marker == 0 {
			// Treat "\xff\x00" as extraneous data.
			continue
		}
		for marker == 0xff {
			// Section B.1.1.2 says, "Any marker may optionally be preceded by any
			// number of fill bytes, which are bytes assigned code X'FF'".
			marker, err = d.readByte()
			if err != nil {
				return err
			}
		}
		if marker == eoiMarker { // End Of Image.
			break
		}
		if rst0Marker <= marker && marker <= rst7Marker {
			// Some encoders write a final restart marker after the last
			// entropy-coded segment; it is ignored as a harmless error.
			continue
		}

		// Read the 16-bit length of the segment. The value includes the 2 bytes for the
		// length itself, so we subtract 2 to get the number of remaining bytes.
		if err = d.readFull(d.tmp[:2]); err != nil {
			return err
		}
		n := int(d.tmp[0])<<8 + int(d.tmp[1]) - 2
		if n < 0 {
			return FormatError("short segment length")
		}

		switch marker {
		case sof0Marker, sof1Marker, sof2Marker:
			d.baseline = marker == sof0Marker
			d.progressive = marker == sof2Marker
			err = d.processSOF(n)
			if configOnly && d.jfif {
				return err
			}
		case dhtMarker:
			if configOnly {
				err = d.ignore(n)
			} else {
				err = d.processDHT(n)
			}
		case dqtMarker:
			if configOnly {
				err = d.ignore(n)
			} else {
				err = d.processDQT(n)
			}
		case sosMarker:
			if configOnly {
				return nil
			}
			err = d.processSOS(n)
		case driMarker:
			if configOnly {
				err = d.ignore(n)
			} else {
				err = d.processDRI(n)
			}
		case app0Marker:
			err = d.processApp0Marker(n)
		case app14Marker:
			err = d.processApp14Marker(n)
		default:
			if app0Marker <= marker && marker <= app15Marker || marker == comMarker {
				err = d.ignore(n)
			} else if marker < 0xc0 { // See Table B.1 "Marker code assignments".
				err = FormatError("unknown marker")
			} else {
				err = UnsupportedError("unknown marker")
			}
		}
		if err != nil {
			return err
		}
	}
	if configOnly {
		if d.nComp == 0 {
			return FormatError("missing SOF marker")
		}
		return nil
	}
	if !d.sawSOS {
		return FormatError("missing SOS marker")
	}
	return nil
}

func (d *decoder) isRGB() bool {
	if d.jfif {
		return false
	}
	if d.adobeTransformValid && d.adobeTransform == adobeTransformUnknown {
		// https://www.sno.phy.queensu.ca/~phil/exiftool/TagNames/JPEG.html#Adobe
		// says that 0 means Unknown (and in practice RGB) and 1 means YCbCr.
		return true
	}
	return d.comp[0].c == 'R' && d.comp[1].c == 'G' && d.comp[2].c == 'B'
}

// Decode reads a JPEG image from r at the scale opt asks for. The result is an
// *image.Gray, *image.YCbCr, *image.RGBA (RGB JPEGs) or *image.CMYK, as
// image/jpeg returns; at scale 1 its pixels are identical to image/jpeg's.
func Decode(r io.Reader, opt Options) (image.Image, error) {
	scale, err := opt.scale()
	if err != nil {
		return nil, err
	}
	d := &decoder{opt: opt, scale: scale}
	if err := d.decode(r, false); err != nil {
		return nil, err
	}
	if d.keep {
		c := d.coefficients()
		return c.render(c.Bounds(), scale)
	}
	return d.out.finish(d.info(), image.Rect(0, 0, ceilDiv(d.width, scale), ceilDiv(d.height, scale)))
}

// DecodeCoefficients reads a JPEG image from r and keeps its quantized DCT
// coefficients, so that the caller can render the whole image small and a
// part of it large without reading the file twice. If opt.Scale is 2, 4 or 8,
// the whole image at that scale is rendered during the decode, while each
// block is still in cache, and Image(opt.Scale) returns a copy of it; the
// Coefficients then hold that image besides the coefficients (their size is
// in the package documentation).
func DecodeCoefficients(r io.Reader, opt Options) (*Coefficients, error) {
	scale, err := opt.scale()
	if err != nil {
		return nil, err
	}
	d := &decoder{opt: opt, scale: scale, keep: true}
	if err := d.decode(r, false); err != nil {
		return nil, err
	}
	return d.coefficients(), nil
}

// DecodeConfig returns the color model and dimensions of a JPEG image without
// decoding the entire image, so that callers can refuse an image before they
// spend memory on it.
func DecodeConfig(r io.Reader) (image.Config, error) {
	d := &decoder{opt: Options{MaxPixels: -1}}
	if err := d.decode(r, true); err != nil {
		return image.Config{}, err
	}
	switch d.nComp {
	case 1:
		return image.Config{ColorModel: color.GrayModel, Width: d.width, Height: d.height}, nil
	case 3:
		cm := color.YCbCrModel
		if d.isRGB() {
			cm = color.RGBAModel
		}
		return image.Config{ColorModel: cm, Width: d.width, Height: d.height}, nil
	case 4:
		return image.Config{ColorModel: color.CMYKModel, Width: d.width, Height: d.height}, nil
	}
	return image.Config{}, FormatError("missing SOF marker")
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
