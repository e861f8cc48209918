package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"runtime"
	"sync"

	"github.com/sportello/sportello/internal/photo/jpegenc"
)

// encodeJPEG encodes the crop. A 4:2:0 picture is encoded as two halves at once, each
// with the standard library's encoder (forked as jpegenc, which writes the same bytes
// faster), and the halves are joined as the two restart intervals of one baseline JPEG: an encoder starts its DC prediction at zero and pads
// its last byte with ones, which is exactly what a restart marker asks of the data before
// and after it. The result decodes to the same pixels as a single encoding.
func encodeJPEG420(m image.Image, q int) ([]byte, error) {
	y, ok := m.(*image.YCbCr)
	b := m.Bounds()
	mcuW := (b.Dx() + 15) / 16
	// The cut is at a whole MCU row (16 px) near the middle, the upper part holding at
	// least as many rows as the lower: every restart interval but the last is full.
	rows := ((b.Dy()+15)/16 + 1) / 2
	if !ok || y.SubsampleRatio != image.YCbCrSubsampleRatio420 || b.Min != (image.Point{}) ||
		rows < 2 || 16*rows >= b.Dy() || rows*mcuW > 0xffff || runtime.GOMAXPROCS(0) < 2 {
		var buf bytes.Buffer
		err := jpegenc.Encode(&buf, m, &jpegenc.Options{Quality: q})
		return buf.Bytes(), err
	}
	cut := 16 * rows
	var top, bottom bytes.Buffer
	var terr error
	var wg sync.WaitGroup
	wg.Go(func() {
		terr = jpegenc.Encode(&top, y.SubImage(image.Rect(0, 0, b.Dx(), cut)), &jpegenc.Options{Quality: q})
	})
	berr := jpegenc.Encode(&bottom, y.SubImage(image.Rect(0, cut, b.Dx(), b.Dy())), &jpegenc.Options{Quality: q})
	wg.Wait()
	if err := errors.Join(terr, berr); err != nil {
		return nil, err
	}
	return joinRestart(top.Bytes(), bottom.Bytes(), b.Dy(), rows*mcuW)
}

var errJoin = errors.New("photo: unexpected JPEG layout from the encoder")

// joinRestart makes one JPEG of two baseline encodings of the upper and lower part of a
// picture h pixels high, the upper one being interval MCUs: the upper file's header with
// the full height and a restart interval, its entropy-coded data, RST0, the lower file's
// data, and the end marker.
func joinRestart(top, bottom []byte, h, interval int) ([]byte, error) {
	t, err := splitScan(top)
	if err != nil {
		return nil, err
	}
	b, err := splitScan(bottom)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(top)+len(b.data)+8)
	// The DRI segment goes just before the SOS segment.
	out = append(out, top[:t.sos]...)
	binary.BigEndian.PutUint16(out[t.sof+5:], uint16(h))
	out = append(out, 0xff, 0xdd, 0, 4, byte(interval>>8), byte(interval))
	out = append(out, top[t.sos:t.sos+t.sosLen]...)
	out = append(out, t.data...)
	out = append(out, 0xff, 0xd0)
	out = append(out, b.data...)
	return append(out, 0xff, 0xd9), nil
}

// scanParts locates, in a baseline JPEG from the standard library's encoder, the SOF0
// and SOS segments and the entropy-coded data between SOS and the end marker.
type scanParts struct {
	sof, sos, sosLen int
	data             []byte
}

func splitScan(j []byte) (scanParts, error) {
	var p scanParts
	if len(j) < 4 || j[0] != 0xff || j[1] != 0xd8 || j[len(j)-2] != 0xff || j[len(j)-1] != 0xd9 {
		return p, errJoin
	}
	p.sof = -1
	for i := 2; i+4 <= len(j); {
		if j[i] != 0xff {
			return p, errJoin
		}
		marker := j[i+1]
		n := 2 + int(binary.BigEndian.Uint16(j[i+2:]))
		if n < 4 || i+n > len(j)-2 {
			return p, errJoin
		}
		switch marker {
		case 0xc0:
			if n < 2+7 {
				return p, errJoin
			}
			p.sof = i
		case 0xda:
			if p.sof < 0 {
				return p, errJoin
			}
			p.sos, p.sosLen, p.data = i, n, j[i+n:len(j)-2]
			return p, nil
		}
		i += n
	}
	return p, errJoin
}
