// Copyright 2012 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package jpegscale

// scanComp is one component of a scan, specified in section B.2.3.
type scanComp struct {
	compIndex uint8
	td        uint8 // DC table selector.
	ta        uint8 // AC table selector.
}

// maxScans bounds the scans of one image, as libjpeg-turbo's djpeg -maxscans
// does for untrusted input.
const maxScans = 1000

// mcuDims returns the number of MCUs across and down the image.
func (d *decoder) mcuDims() (mxx, myy int) {
	h0, v0 := d.comp[0].h, d.comp[0].v
	return (d.width + 8*h0 - 1) / (8 * h0), (d.height + 8*v0 - 1) / (8 * v0)
}

// Specified in section B.2.3.
func (d *decoder) processSOS(n int) error {
	if d.nComp == 0 {
		return FormatError("missing SOF marker")
	}
	// Each scan walks every block of its components, even when a few bytes
	// of end-of-band runs carry it, so a small file with thousands of scans
	// would cost seconds; encoders write at most a few dozen.
	d.scans++
	if d.scans > maxScans {
		return UnsupportedError("too many scans")
	}
	if n < 6 || 4+2*d.nComp < n || n%2 != 0 {
		return FormatError("SOS has wrong length")
	}
	if err := d.readFull(d.tmp[:n]); err != nil {
		return err
	}
	nComp := int(d.tmp[0])
	if n != 4+2*nComp {
		return FormatError("SOS length inconsistent with number of components")
	}
	var scan [maxComponents]scanComp
	totalHV := 0
	for i := 0; i < nComp; i++ {
		cs := d.tmp[1+2*i] // Component selector.
		compIndex := -1
		for j, comp := range d.comp[:d.nComp] {
			if cs == comp.c {
				compIndex = j
			}
		}
		if compIndex < 0 {
			return FormatError("unknown component selector")
		}
		scan[i].compIndex = uint8(compIndex)
		// Component identifiers are unique (processSOF checks), so it suffices
		// to check that the implicit indexes into d.comp are unique.
		for j := 0; j < i; j++ {
			if scan[i].compIndex == scan[j].compIndex {
				return FormatError("repeated component selector")
			}
		}
		totalHV += d.comp[compIndex].h * d.comp[compIndex].v

		// The baseline t <= 1 restriction is specified in table B.3.
		scan[i].td = d.tmp[2+2*i] >> 4
		if t := scan[i].td; t > maxTh || (d.baseline && t > 1) {
			return FormatError("bad Td value")
		}
		scan[i].ta = d.tmp[2+2*i] & 0x0f
		if t := scan[i].ta; t > maxTh || (d.baseline && t > 1) {
			return FormatError("bad Ta value")
		}
	}
	// Section B.2.3 states that if there is more than one component then the
	// total H*V values in a scan must be <= 10.
	if d.nComp > 1 && totalHV > 10 {
		return FormatError("total sampling factors too large")
	}

	// zigStart and zigEnd are the spectral selection bounds; ah and al are
	// the successive approximation high and low values (Ss, Se, Ah and Al in
	// the spec). For sequential JPEGs they are 0/63/0/0, as per table B.3.
	zigStart, zigEnd, ah, al := 0, blockSize-1, uint(0), uint(0)
	if d.progressive {
		zigStart = int(d.tmp[1+2*nComp])
		zigEnd = int(d.tmp[2+2*nComp])
		ah = uint(d.tmp[3+2*nComp] >> 4)
		al = uint(d.tmp[3+2*nComp] & 0x0f)
		if (zigStart == 0 && zigEnd != 0) || zigStart > zigEnd || blockSize <= zigEnd {
			return FormatError("bad spectral selection bounds")
		}
		if zigStart != 0 && nComp != 1 {
			return FormatError("progressive AC coefficients for more than one component")
		}
		if ah != 0 && ah != al+1 {
			return FormatError("bad successive approximation values")
		}
		if al > 13 {
			return FormatError("bad successive approximation values")
		}
	}
	// The standard library finds an empty table at the first symbol; we look
	// before the loop so that it needs no such check.
	for i := 0; i < nComp; i++ {
		if zigStart == 0 && ah == 0 && d.huff[dcTable][scan[i].td].nCodes == 0 {
			return FormatError("uninitialized Huffman table")
		}
		if zigEnd > 0 && d.huff[acTable][scan[i].ta].nCodes == 0 {
			return FormatError("uninitialized Huffman table")
		}
	}

	mxx, myy := d.mcuDims()
	if d.progressive {
		d.keep = true
	}
	if d.keep {
		for _, sc := range scan[:nComp] {
			i := sc.compIndex
			switch {
			case !d.progressive && d.sparse[i] == nil:
				d.sparse[i] = newSparseStore(mxx*d.comp[i].h, myy*d.comp[i].v)
			case d.progressive && d.coeffs[i] == nil:
				d.coeffs[i] = make([][]int16, myy*d.comp[i].v)
			}
		}
	}
	if d.out == nil && (!d.keep || d.scale > 1 && !d.progressive) {
		// Decode renders baseline blocks as they come; DecodeCoefficients
		// does too when asked for a reduced image, while the block is in
		// cache, which saves Image a pass over all the coefficients.
		d.out = newPlanes(d.nComp, &d.comp, d.scale, 0, 0, mxx, myy)
	}
	d.sawSOS = true

	d.resetBits()
	d.eobRun = 0
	rr := d.startRowRenderer(scan[:nComp], myy)
	if rr != nil {
		defer rr.stop()
	}
	mcu, expectedRST := 0, uint8(rst0Marker)
	var (
		// blk holds one block's coefficients, in natural order, unless
		// they go to the dense store, and pos the positions of its AC ones.
		blk [blockSize]int16
		// ent receives the sparse entries when there is no sparse store.
		ent [blockSize]uint32
		dc  [maxComponents]int32
		// bx and by are the location of the current block, in units of 8x8
		// blocks: the third block in the first row has (bx, by) = (2, 0).
		bx, by int
		// nbx and nby are the next block of a non-interleaved scan.
		nbx, nby int
	)
	for my := 0; my < myy; my++ {
		for mx := 0; mx < mxx; mx++ {
			for i := 0; i < nComp; i++ {
				compIndex := scan[i].compIndex
				hi := d.comp[compIndex].h
				vi := d.comp[compIndex].v
				jx, jy := 0, 0 // The block's place in the MCU, without a division.
				for j := 0; j < hi*vi; j++ {
					// Interleaved scans visit the blocks MCU by MCU; for
					// 4:2:0 a 32x16 image's Y blocks go
					//	0 1 4 5
					//	2 3 6 7
					// Non-interleaved scans go left to right, top to bottom,
					// and carry no data for blocks that lie inside the last
					// MCU but outside the image at the pixel level.
					if nComp != 1 {
						bx = hi*mx + jx
						by = vi*my + jy
						if jx++; jx == hi {
							jx = 0
							jy++
						}
					} else {
						bx, by = nbx, nby
						if nbx++; nbx == mxx*hi {
							nbx = 0
							nby++
						}
						if bx*8 >= d.width || by*8 >= d.height {
							continue
						}
					}

					b := &blk
					if d.progressive {
						row := d.coeffs[compIndex][by]
						if row == nil {
							row = make([]int16, blockSize*mxx*hi)
							d.coeffs[compIndex][by] = row
						}
						b = (*[blockSize]int16)(row[blockSize*bx : blockSize*bx+blockSize])
					}

					var (
						nac = 1 // Unknown after a refinement: not flat.
						err error
					)
					if ah != 0 {
						err = d.refine(b, &d.huff[acTable][scan[i].ta], zigStart, zigEnd, 1<<al)
					} else {
						e := &ent
						if sp := d.sparse[compIndex]; sp != nil {
							e = sp.reserve()
						}
						nac, err = d.decodeBlock(b, e, &d.huff[dcTable][scan[i].td], &d.huff[acTable][scan[i].ta],
							&dc[compIndex], zigStart, zigEnd, al)
					}
					if err != nil {
						return err
					}
					if d.out != nil && rr == nil {
						d.out.renderBlock(b, &d.quant[d.comp[compIndex].tq], int(compIndex), bx, by, nac == 0)
					}
					if b == &blk {
						if sp := d.sparse[compIndex]; sp != nil {
							sp.commit(b[0], nac, bx, by)
						}
						if rr == nil {
							// Nothing reads blk when the row renderer
							// has the block: its stale coefficients
							// are never looked at, only overwritten.
							blk = [blockSize]int16{}
						}
					}
				} // for j
			} // for i
			if err := d.checkOverrun(); err != nil {
				return err
			}
			mcu++
			if d.ri > 0 && mcu%d.ri == 0 && mcu < mxx*myy {
				// The bit reader stops in front of a marker and never takes
				// one, so the restart marker is next unless the data is corrupt,
				// in which case findRST resynchronizes.
				d.resetBits()
				if err := d.readFull(d.tmp[:2]); err != nil {
					return err
				} else if d.tmp[0] != 0xff || d.tmp[1] != expectedRST {
					if err := d.findRST(expectedRST); err != nil {
						return err
					}
				}
				expectedRST++
				if expectedRST == rst7Marker+1 {
					expectedRST = rst0Marker
				}
				// Reset the DC components, as per section F.2.1.3.1.
				dc = [maxComponents]int32{}
				// Reset the progressive decoder state, as per section G.1.2.2.
				d.eobRun = 0
			}
		} // for mx
		if rr != nil && (my%rowBand == rowBand-1 || my == myy-1) {
			rr.rowsDone(d, my+1)
		}
	} // for my
	d.resetBits()
	return nil
}

// decodeBlock decodes the coefficients zigStart..zigEnd of one block of a
// sequential scan or of a progressive scan's first pass, into b in natural
// order. It is the hot loop of the decoder: the bit buffer lives in locals
// and is refilled at most once per coefficient.
//
// It returns how many AC coefficients it stored, and writes them to ent[1:]
// in the sparse store's format as well: no AC coefficient means a flat
// block, which renders without an IDCT, and writing the entries here saves
// the sparse store a second pass over the block.
func (d *decoder) decodeBlock(b *[blockSize]int16, ent *[blockSize]uint32, dcH, acH *huffman, dc *int32, zigStart, zigEnd int, al uint) (nac int, err error) {
	a, n := d.bits.a, d.bits.n
	zig := zigStart
	if zig == 0 {
		zig++
		// Decode the DC coefficient, as specified in section F.2.2.1.
		if n < 32 {
			d.bits.a, d.bits.n = a, n
			d.refill()
			a, n = d.bits.a, d.bits.n
		}
		if e := dcH.fast[a>>(64-lutBits)]; e != 0 {
			l := uint(e & 0xff)
			a <<= l & 63
			n -= int(l)
			*dc += e >> 16
		} else {
			// The code is longer than lutBits, or its magnitude bits are.
			s, l, ok := dcH.decodeSym(a)
			if !ok {
				return 0, FormatError("bad Huffman code")
			}
			a <<= l & 63
			n -= l
			if s > 16 {
				return 0, UnsupportedError("excessive DC component")
			}
			*dc += extend(uint32(a>>((64-uint(s))&63)), s)
			a <<= s & 63
			n -= int(s)
		}
		b[0] = int16(*dc << (al & 31))
	}

	if zig <= zigEnd && d.eobRun > 0 {
		d.eobRun--
		d.bits.a, d.bits.n = a, n
		return 0, nil
	}
	// Decode the AC coefficients, as specified in section F.2.2.2.
	for zig <= zigEnd {
		if n < 32 {
			d.bits.a, d.bits.n = a, n
			d.refill()
			a, n = d.bits.a, d.bits.n
		}
		if e := acH.fast[a>>(64-lutBits)]; e != 0 {
			l := uint(e & 0xff)
			a <<= l & 63
			n -= int(l)
			zig += int(e>>8) & 0xff
			if zig > zigEnd {
				break
			}
			p := unzig[zig&63] & 63
			v := int16(e>>16) << (al & 15)
			b[p] = v
			nac++
			ent[nac&63] = uint32(uint16(v))<<16 | uint32(p)
			zig++
			continue
		}
		rs, l, ok := acH.decodeSym(a)
		if !ok {
			return 0, FormatError("bad Huffman code")
		}
		a <<= l & 63
		n -= l
		r, s := int(rs>>4), rs&0x0f
		if s != 0 {
			zig += r
			if zig > zigEnd {
				break
			}
			v := extend(uint32(a>>((64-uint(s))&63)), s)
			a <<= s & 63
			n -= int(s)
			p := unzig[zig&63] & 63
			c := int16(v << (al & 31))
			b[p] = c
			nac++
			ent[nac&63] = uint32(uint16(c))<<16 | uint32(p)
			zig++
			continue
		}
		if r != 0x0f {
			run := uint16(1) << (r & 15)
			if r != 0 {
				run |= uint16(a >> ((64 - uint(r)) & 63))
				a <<= uint(r) & 63
				n -= r
			}
			d.eobRun = run - 1
			break
		}
		zig += 0x10
	}
	d.bits.a, d.bits.n = a, n
	return nac, nil
}

// refine decodes a successive approximation refinement block, as specified in
// section G.1.2.
func (d *decoder) refine(b *[blockSize]int16, h *huffman, zigStart, zigEnd int, delta int16) error {
	// Refining a DC component is trivial.
	if zigStart == 0 {
		if d.decodeBit() {
			b[0] |= delta
		}
		return nil
	}

	// Refining AC components is more complicated; see sections G.1.2.2 and G.1.2.3.
	zig := zigStart
	if d.eobRun == 0 {
	loop:
		for ; zig <= zigEnd; zig++ {
			z := int16(0)
			value, err := d.decodeHuffman(h)
			if err != nil {
				return err
			}
			val0 := value >> 4
			val1 := value & 0x0f

			switch val1 {
			case 0:
				if val0 != 0x0f {
					d.eobRun = uint16(1 << val0)
					if val0 != 0 {
						d.eobRun |= uint16(d.decodeBits(int(val0)))
					}
					break loop
				}
			case 1:
				z = delta
				if !d.decodeBit() {
					z = -z
				}
			default:
				return FormatError("unexpected Huffman code")
			}

			zig = d.refineNonZeroes(b, zig, zigEnd, int(val0), delta)
			if zig > zigEnd {
				return FormatError("too many coefficients")
			}
			if z != 0 {
				b[unzig[zig&63]&63] = z
			}
		}
	}
	if d.eobRun > 0 {
		d.eobRun--
		d.refineNonZeroes(b, zig, zigEnd, -1, delta)
	}
	return nil
}

// refineNonZeroes refines non-zero entries of b in zig-zag order. If nz >= 0,
// the first nz zero entries are skipped over. It is most of a progressive
// decode's time (every refinement scan visits every non-zero coefficient of
// every block), so the bit buffer lives in locals and the sign is applied
// without a branch.
func (d *decoder) refineNonZeroes(b *[blockSize]int16, zig, zigEnd, nz int, delta int16) int {
	a, n := d.bits.a, d.bits.n
	for ; zig <= zigEnd; zig++ {
		u := unzig[zig&63] & 63
		c := b[u]
		if c == 0 {
			if nz == 0 {
				break
			}
			nz--
			continue
		}
		if n < 1 {
			d.bits.a, d.bits.n = a, n
			d.refill()
			a, n = d.bits.a, d.bits.n
		}
		bit := int16(a >> 63)
		a <<= 1
		n--
		// Move c away from zero by delta when the bit is set.
		sign := c >> 15
		b[u] = c + ((delta^sign)-sign)&-bit
	}
	d.bits.a, d.bits.n = a, n
	return zig
}

// findRST advances past the next RST restart marker that matches expectedRST.
// Other than I/O errors, it is also an error if we encounter an {0xFF, M}
// two-byte marker sequence where M is not 0x00, 0xFF or the expectedRST.
//
// Precondition: d.tmp[:2] holds the next two bytes of JPEG-encoded input.
func (d *decoder) findRST(expectedRST uint8) error {
	for {
		// i is the index such that, at the bottom of the loop, we read 2-i
		// bytes into d.tmp[i:2], maintaining the invariant that d.tmp[:2]
		// holds the next two bytes of JPEG-encoded input.
		i := 0

		if d.tmp[0] == 0xff {
			if d.tmp[1] == expectedRST {
				return nil
			} else if d.tmp[1] == 0xff {
				i = 1
			} else if d.tmp[1] != 0x00 {
				return FormatError("bad RST marker")
			}

		} else if d.tmp[1] == 0xff {
			d.tmp[0] = 0xff
			i = 1
		}

		if err := d.readFull(d.tmp[i:2]); err != nil {
			return err
		}
	}
}
