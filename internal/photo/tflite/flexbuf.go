package tflite

import (
	"encoding/binary"
	"fmt"
	"math"
)

// This is a minimal FlexBuffers reader, written by hand because the
// flatbuffers Go runtime has none. MediaPipe's custom operators keep their
// options in a FlexBuffers map; only maps of scalars and typed int vectors
// are needed. Every read is bounds-checked.

// FlexBuffers value types used here.
const (
	fbInt           = 1
	fbUint          = 2
	fbFloat         = 3
	fbIndirectInt   = 6
	fbIndirectUint  = 7
	fbIndirectFloat = 8
	fbMap           = 9
	fbVectorInt     = 11
	fbVectorUint    = 12
)

type flexRef struct {
	buf         []byte
	pos         int
	parentWidth int
	width       int // width of the pointed-to data
	typ         int
}

func flexUint(buf []byte, pos, width int) (uint64, error) {
	if pos < 0 || width <= 0 || pos+width > len(buf) {
		return 0, corrupt("flexbuffer read out of range")
	}
	switch width {
	case 1:
		return uint64(buf[pos]), nil
	case 2:
		return uint64(binary.LittleEndian.Uint16(buf[pos:])), nil
	case 4:
		return uint64(binary.LittleEndian.Uint32(buf[pos:])), nil
	case 8:
		return binary.LittleEndian.Uint64(buf[pos:]), nil
	}
	return 0, corrupt("flexbuffer width %d", width)
}

func flexInt(buf []byte, pos, width int) (int64, error) {
	u, err := flexUint(buf, pos, width)
	if err != nil {
		return 0, err
	}
	shift := 64 - 8*uint(width)
	return int64(u<<shift) >> shift, nil
}

func flexRoot(buf []byte) (flexRef, error) {
	n := len(buf)
	if n < 3 {
		return flexRef{}, corrupt("flexbuffer too short")
	}
	bw := int(buf[n-1])
	packed := buf[n-2]
	return flexRef{buf: buf, pos: n - 2 - bw, parentWidth: bw, width: 1 << (packed & 3), typ: int(packed >> 2)}, nil
}

func (r flexRef) indirect() (int, error) {
	off, err := flexUint(r.buf, r.pos, r.parentWidth)
	if err != nil {
		return 0, err
	}
	if off > uint64(r.pos) {
		return 0, corrupt("flexbuffer offset out of range")
	}
	return r.pos - int(off), nil
}

// lookup finds key in a map.
func (r flexRef) lookup(key string) (flexRef, bool, error) {
	if r.typ != fbMap {
		return flexRef{}, false, corrupt("flexbuffer root is not a map")
	}
	p, err := r.indirect()
	if err != nil {
		return flexRef{}, false, err
	}
	bw := r.width
	n, err := flexUint(r.buf, p-bw, bw)
	if err != nil {
		return flexRef{}, false, err
	}
	if n > uint64(len(r.buf)) {
		return flexRef{}, false, corrupt("flexbuffer map size")
	}
	keysRef := flexRef{buf: r.buf, pos: p - 3*bw, parentWidth: bw}
	keys, err := keysRef.indirect()
	if err != nil {
		return flexRef{}, false, err
	}
	kw, err := flexUint(r.buf, p-2*bw, bw)
	if err != nil {
		return flexRef{}, false, err
	}
	for i := range int(n) {
		kr := flexRef{buf: r.buf, pos: keys + i*int(kw), parentWidth: int(kw)}
		kp, err := kr.indirect()
		if err != nil {
			return flexRef{}, false, err
		}
		if !flexKeyIs(r.buf, kp, key) {
			continue
		}
		tp := p + int(n)*bw + i
		if tp >= len(r.buf) {
			return flexRef{}, false, corrupt("flexbuffer type out of range")
		}
		packed := r.buf[tp]
		return flexRef{buf: r.buf, pos: p + i*bw, parentWidth: bw, width: 1 << (packed & 3), typ: int(packed >> 2)}, true, nil
	}
	return flexRef{}, false, nil
}

func flexKeyIs(buf []byte, pos int, key string) bool {
	if pos+len(key) >= len(buf) {
		return false
	}
	return string(buf[pos:pos+len(key)]) == key && buf[pos+len(key)] == 0
}

func (r flexRef) float() (float64, error) {
	switch r.typ {
	case fbFloat, fbIndirectFloat:
		pos, w := r.pos, r.parentWidth
		if r.typ == fbIndirectFloat {
			var err error
			if pos, err = r.indirect(); err != nil {
				return 0, err
			}
			w = r.width
		}
		u, err := flexUint(r.buf, pos, w)
		if err != nil {
			return 0, err
		}
		if w == 4 {
			return float64(math.Float32frombits(uint32(u))), nil
		}
		if w == 8 {
			return math.Float64frombits(u), nil
		}
		return 0, corrupt("flexbuffer float width %d", w)
	}
	i, err := r.int()
	return float64(i), err
}

func (r flexRef) int() (int64, error) {
	switch r.typ {
	case fbInt:
		return flexInt(r.buf, r.pos, r.parentWidth)
	case fbUint:
		u, err := flexUint(r.buf, r.pos, r.parentWidth)
		return int64(u), err
	case fbIndirectInt, fbIndirectUint:
		p, err := r.indirect()
		if err != nil {
			return 0, err
		}
		if r.typ == fbIndirectUint {
			u, err := flexUint(r.buf, p, r.width)
			return int64(u), err
		}
		return flexInt(r.buf, p, r.width)
	case fbFloat, fbIndirectFloat:
		f, err := r.float()
		return int64(f), err
	}
	return 0, corrupt("flexbuffer type %d is not a number", r.typ)
}

// ints reads a typed vector of integers.
func (r flexRef) ints() ([]int64, error) {
	if r.typ != fbVectorInt && r.typ != fbVectorUint {
		return nil, corrupt("flexbuffer type %d is not an int vector", r.typ)
	}
	p, err := r.indirect()
	if err != nil {
		return nil, err
	}
	n, err := flexUint(r.buf, p-r.width, r.width)
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.buf)/r.width) {
		return nil, corrupt("flexbuffer vector length %d", n)
	}
	out := make([]int64, n)
	for i := range out {
		if r.typ == fbVectorUint {
			u, err := flexUint(r.buf, p+i*r.width, r.width)
			if err != nil {
				return nil, err
			}
			out[i] = int64(u)
			continue
		}
		if out[i], err = flexInt(r.buf, p+i*r.width, r.width); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// flexOptions reads named numbers from a custom operator's FlexBuffers map.
type flexOptions struct{ root flexRef }

func parseFlexOptions(b []byte) (flexOptions, error) {
	r, err := flexRoot(b)
	if err != nil {
		return flexOptions{}, err
	}
	if r.typ != fbMap {
		return flexOptions{}, corrupt("custom options are not a map")
	}
	return flexOptions{r}, nil
}

func (o flexOptions) get(key string) (flexRef, error) {
	v, ok, err := o.root.lookup(key)
	if err != nil {
		return v, err
	}
	if !ok {
		return v, fmt.Errorf("custom option %q missing", key)
	}
	return v, nil
}

func (o flexOptions) int(key string) (int, error) {
	v, err := o.get(key)
	if err != nil {
		return 0, err
	}
	i, err := v.int()
	if err != nil {
		return 0, err
	}
	if i < math.MinInt32 || i > math.MaxInt32 {
		return 0, corrupt("option %q = %d", key, i)
	}
	return int(i), nil
}

func (o flexOptions) float(key string) (float64, error) {
	v, err := o.get(key)
	if err != nil {
		return 0, err
	}
	return v.float()
}

func (o flexOptions) ints(key string) ([]int64, error) {
	v, err := o.get(key)
	if err != nil {
		return nil, err
	}
	return v.ints()
}
