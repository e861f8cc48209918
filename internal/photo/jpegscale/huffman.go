// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpegscale

import (
	"encoding/binary"
	"io"
)

// maxCodeLength is the maximum (inclusive) number of bits in a Huffman code.
const maxCodeLength = 16

// maxNCodes is the maximum (inclusive) number of codes in a Huffman tree.
const maxNCodes = 256

// lutBits is the log-2 size of the Huffman look-up tables. The standard
// library uses 8; with 10 almost every code of a photo's AC table, and most
// code+magnitude pairs, resolve in one look-up.
const lutBits = 10

// huffman is a Huffman decoder, specified in section C.
type huffman struct {
	// nCodes is the number of codes in the tree.
	nCodes int32
	// lut is the look-up table for the next lutBits bits in the bit-stream.
	// The high 8 bits of the uint16 are the encoded value. The low 8 bits
	// are the code length, or 0 if the code is longer than lutBits.
	lut [1 << lutBits]uint16
	// fast resolves a code together with its magnitude bits when both fit
	// in lutBits: coefficient<<16 | run<<8 | total length, or 0. For AC
	// tables an end of block is a run of 64, which ends any band, and a run
	// of 16 zeros is a run of 15 and a zero coefficient; for DC tables the
	// coefficient is the difference to the previous DC.
	fast [1 << lutBits]int32
	// vals are the decoded values, sorted by their encoding.
	vals [maxNCodes]uint8
	// minCodes[i] is the minimum code of length i+1, or -1 if there are no
	// codes of that length.
	minCodes [maxCodeLength]int32
	// maxCodes[i] is the maximum code of length i+1, or -1 if there are no
	// codes of that length.
	maxCodes [maxCodeLength]int32
	// valsIndices[i] is the index into vals of minCodes[i].
	valsIndices [maxCodeLength]int32
}

// bits is the bit reader's state. Unlike the standard library's, it keeps up
// to 64 bits, MSB first, and never fails: past the end of the entropy-coded
// data it supplies zero bits and counts them, and the scan loop turns any
// consumed padding into errShortHuffmanData once per MCU instead of checking
// an error after every symbol.
type bits struct {
	a   uint64 // Unread bits, left-aligned: the next bit is bit 63.
	n   int    // Number of valid bits in a, padding included.
	pad int    // Number of zero bits appended after the end of the data.
	end bool   // A marker or the end of input has been reached.
	err error  // A read error other than EOF, reported at the next check.
}

// errShortHuffmanData means that the Huffman data ended before the image did.
var errShortHuffmanData = FormatError("short Huffman data")

// refill tops d.bits up to more than 56 bits. It stops in front of a marker
// (0xff followed by anything but 0x00), leaving it for the segment reader.
func (d *decoder) refill() {
	// Fast path: when the next eight bytes hold no 0xff, one load takes as
	// many whole bytes as fit, instead of one byte and two tests at a time.
	if i := d.bytes.i; !d.bits.end && d.bytes.j-i >= 8 {
		x := binary.BigEndian.Uint64(d.bytes.buf[i : i+8])
		// A byte of x is 0xff exactly when that byte of ^x is zero.
		if nx := ^x; (nx-0x0101010101010101)&^nx&0x8080808080808080 == 0 {
			k := (64 - d.bits.n) >> 3
			d.bits.a |= x >> ((64 - 8*k) & 63) << ((64 - d.bits.n - 8*k) & 63)
			d.bits.n += 8 * k
			d.bytes.i = i + k
			return
		}
	}
	for d.bits.n <= 56 {
		if d.bits.end {
			d.bits.pad += 64 - d.bits.n
			d.bits.n = 64
			return
		}
		i := d.bytes.i
		if i+1 >= d.bytes.j {
			d.refillSlow()
			continue
		}
		c := d.bytes.buf[i]
		if c == 0xff {
			if d.bytes.buf[i+1] != 0 {
				d.bits.end = true
				continue
			}
			i++
		}
		d.bytes.i = i + 1
		d.bits.a |= uint64(c) << (56 - d.bits.n)
		d.bits.n += 8
	}
}

// refillSlow handles the last byte of the buffer: it reads more input, or
// takes the final byte, or declares the end of the data.
func (d *decoder) refillSlow() {
	before := d.bytes.j - d.bytes.i
	err := d.fill()
	if err == nil && d.bytes.j-d.bytes.i > before {
		return
	}
	if err != nil && err != io.ErrUnexpectedEOF {
		d.bits.err = err
		d.bits.end = true
		return
	}
	if err == nil {
		// The reader made no progress; fill's caller retries, but a reader
		// that never makes progress must not spin forever.
		d.bits.err = io.ErrNoProgress
		d.bits.end = true
		return
	}
	if d.bytes.i < d.bytes.j && d.bytes.buf[d.bytes.i] != 0xff {
		d.bits.a |= uint64(d.bytes.buf[d.bytes.i]) << (56 - d.bits.n)
		d.bits.n += 8
		d.bytes.i++
		return
	}
	d.bits.end = true
}

// checkOverrun reports whether the decoder has consumed bits that were not
// in the input.
func (d *decoder) checkOverrun() error {
	if d.bits.n < d.bits.pad {
		if d.bits.err != nil {
			return d.bits.err
		}
		return errShortHuffmanData
	}
	return nil
}

// resetBits discards buffered bits, at a restart marker or the start of a scan.
func (d *decoder) resetBits() {
	d.bits = bits{}
}

// decodeHuffmanSlow decodes a code longer than lutBits. It needs at least 16
// bits in a.
func (h *huffman) decodeSlow(a uint64) (value uint8, length int, ok bool) {
	code := int32(a >> 48)
	for l := lutBits + 1; l <= maxCodeLength; l++ {
		c := code >> (maxCodeLength - l)
		if c <= h.maxCodes[l-1] {
			return h.vals[uint8(h.valsIndices[l-1]+c-h.minCodes[l-1])], l, true
		}
	}
	return 0, 0, false
}

// decodeSym decodes the code at the top of a, which must hold at least 16
// bits, by the look-up table or, for long codes, by decodeSlow.
func (h *huffman) decodeSym(a uint64) (value uint8, length int, ok bool) {
	if v := h.lut[a>>(64-lutBits)]; v != 0 {
		return uint8(v >> 8), int(v & 0xff), true
	}
	return h.decodeSlow(a)
}

// decodeHuffman returns the next Huffman-coded value from the bit-stream.
func (d *decoder) decodeHuffman(h *huffman) (uint8, error) {
	if d.bits.n < 16 {
		d.refill()
	}
	v, n, ok := h.decodeSym(d.bits.a)
	if !ok {
		return 0, FormatError("bad Huffman code")
	}
	d.bits.a <<= n & 63
	d.bits.n -= n
	return v, nil
}

func (d *decoder) decodeBit() bool {
	if d.bits.n < 1 {
		d.refill()
	}
	ret := d.bits.a>>63 != 0
	d.bits.a <<= 1
	d.bits.n--
	return ret
}

// decodeBits reads n bits, n <= 16.
func (d *decoder) decodeBits(n int) uint32 {
	if d.bits.n < n {
		d.refill()
	}
	ret := uint32(d.bits.a >> (64 - n))
	if n == 0 {
		ret = 0
	}
	d.bits.a <<= n
	d.bits.n -= n
	return ret
}

// extend is EXTEND of section F.2.2.1: it maps the s magnitude bits x to a
// signed coefficient. Branch-free, because the sign of a coefficient is a
// coin toss that the branch predictor cannot learn.
func extend(x uint32, s uint8) int32 {
	// neg is all ones when the top magnitude bit is 0, i.e. the value is negative.
	neg := int32(((x >> ((s - 1) & 31)) & 1) - 1)
	if s == 0 {
		return 0
	}
	return int32(x) + (neg & ((-1 << (s & 31)) + 1))
}

// processDHT processes a Define Huffman Table marker, and initializes a huffman
// struct from its contents. Specified in section B.2.4.2.
func (d *decoder) processDHT(n int) error {
	for n > 0 {
		if n < 17 {
			return FormatError("DHT has wrong length")
		}
		if err := d.readFull(d.tmp[:17]); err != nil {
			return err
		}
		tc := d.tmp[0] >> 4
		if tc > maxTc {
			return FormatError("bad Tc value")
		}
		th := d.tmp[0] & 0x0f
		// The baseline th <= 1 restriction is specified in table B.5.
		if th > maxTh || (d.baseline && th > 1) {
			return FormatError("bad Th value")
		}
		h := &d.huff[tc][th]

		// nCodes[i] is the number of codes with code length i+1.
		h.nCodes = 0
		var nCodes [maxCodeLength]int32
		for i := range nCodes {
			nCodes[i] = int32(d.tmp[i+1])
			h.nCodes += nCodes[i]
		}
		if h.nCodes == 0 {
			return FormatError("Huffman table has zero length")
		}
		if h.nCodes > maxNCodes {
			return FormatError("Huffman table has excessive length")
		}
		n -= int(h.nCodes) + 17
		if n < 0 {
			return FormatError("DHT has wrong length")
		}
		if err := d.readFull(h.vals[:h.nCodes]); err != nil {
			return err
		}
		if err := h.build(&nCodes, tc == acTable); err != nil {
			h.nCodes = 0
			return err
		}
	}
	return nil
}

// build derives the look-up tables from the code counts and h.vals.
func (h *huffman) build(nCodes *[maxCodeLength]int32, ac bool) error {
	clear(h.lut[:])
	clear(h.fast[:])
	var x, code uint32
	for i := range uint32(maxCodeLength) {
		length := i + 1
		for range nCodes[i] {
			if code >= 1<<length {
				// More codes than this length can hold: the standard library
				// would index out of its table here, we refuse the file.
				return FormatError("over-subscribed Huffman table")
			}
			if length <= lutBits {
				shift := lutBits - length
				base := code << shift
				lutValue := uint16(h.vals[x])<<8 | uint16(length)
				for k := uint32(0); k < 1<<shift; k++ {
					h.lut[base|k] = lutValue
				}
			}
			code++
			x++
		}
		code <<= 1
	}

	var c, index int32
	for i, n := range nCodes {
		if n == 0 {
			h.minCodes[i] = -1
			h.maxCodes[i] = -1
			h.valsIndices[i] = -1
		} else {
			h.minCodes[i] = c
			h.maxCodes[i] = c + n - 1
			h.valsIndices[i] = index
			c += n
			index += n
		}
		c <<= 1
	}

	for idx, v := range h.lut {
		length := uint32(v & 0xff)
		if length == 0 {
			continue
		}
		rs := uint8(v >> 8)
		run, s := uint32(rs>>4), uint32(rs&0x0f)
		if !ac {
			run, s = 0, uint32(rs)
			if s > 16 {
				continue // Left to decodeBlock's error path.
			}
		} else if s == 0 {
			switch run {
			case 0: // End of block.
				h.fast[idx] = 64<<8 | int32(length)
			case 15: // Sixteen zeros.
				h.fast[idx] = 15<<8 | int32(length)
			}
			continue
		}
		if length+s > lutBits {
			continue
		}
		mag := (uint32(idx) >> (lutBits - length - s)) & (1<<s - 1)
		coef := extend(mag, uint8(s))
		h.fast[idx] = coef<<16 | int32(run<<8|(length+s))
	}
	return nil
}
