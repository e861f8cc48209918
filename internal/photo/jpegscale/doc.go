// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package jpegscale decodes baseline and progressive JPEG images, optionally at
// 1/2, 1/4 or 1/8 of their size, and can keep the entropy-decoded DCT
// coefficients so that one pass over the file serves several renders.
//
// It is a fork of the Go standard library's image/jpeg decoder (BSD-3-Clause,
// see LICENSE in this directory). We forked it because the photo engine has to
// check and crop a 12 MP phone photo in about twice the time libjpeg-turbo
// takes to decode it, and image/jpeg can neither decode at reduced scale (the
// analysis only needs about 1 MP) nor decode the file once and reconstruct just
// the part the crop keeps. The marker parsing, the progressive scan logic and
// the full-size IDCT are the standard library's, so at scale 1/1 the output is
// identical to image/jpeg's, pixel for pixel; the bit reader, the Huffman
// tables, the reduced IDCTs (exact box filters) and the coefficient store are
// new.
//
// The photo engine's sequence is:
//
//	o := jpegscale.Orientation(data) // EXIF rotation of phone photos
//	c, err := jpegscale.DecodeCoefficients(r, jpegscale.Options{Scale: 4, MaxPixels: limit})
//	small, err := c.Image(4)     // rendered during the decode
//	crop, err := c.Crop(rect, 2) // rect in full-size coordinates; scale 1 or 2
//	rgba := jpegscale.ToRGBA(small)
//
// Rendering the crop at 1/2 instead of 1/1 when that still gives the output
// resolution saves most of its cost.
//
// Callers refuse decompression bombs before anything is allocated: every
// decode checks the declared size against [Options.MaxPixels] and fails with
// [ErrTooLarge]. Coefficients of a sequential file take 4 bytes per non-zero
// coefficient and 8 per block, about 1.2 bytes a pixel for a 12 MP photo at
// quality 90; those of a progressive file take 2 bytes per coefficient, 3
// bytes a pixel for 4:2:0 and 6 for 4:4:4.
package jpegscale
