package jpegscale

import "encoding/binary"

// Orientation returns the EXIF orientation of a JPEG file, 1 to 8 as in the
// TIFF specification (1: upright; 3: rotated 180°; 6: rotate 90° clockwise
// to view; 8: rotate 90° counter-clockwise to view; 2, 4, 5, 7: mirrored),
// because phones store portraits sideways and say so only there. Missing,
// malformed or out-of-range tags give 1. b may be only the start of the file:
// the EXIF segment is at most 64 KiB and comes before the image data.
func Orientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xff || b[1] != soiMarker {
		return 1
	}
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xff {
			return 1
		}
		marker := b[i+1]
		if marker == 0xff { // Fill byte.
			i++
			continue
		}
		if marker == sosMarker || marker == eoiMarker {
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 {
			return 1
		}
		end := min(i+2+n, len(b))
		seg := b[i+4 : end]
		if marker == 0xe1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			if o := tiffOrientation(seg[6:]); o != 0 {
				return o
			}
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 of IFD0 of a TIFF structure, or returns 0.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 0
	}
	if order.Uint16(t[2:]) != 42 {
		return 0
	}
	ifd := uint64(order.Uint32(t[4:]))
	if ifd+2 > uint64(len(t)) {
		return 0
	}
	count := uint64(order.Uint16(t[ifd:]))
	for k := range count {
		e := ifd + 2 + 12*k
		if e+12 > uint64(len(t)) {
			return 0
		}
		entry := t[e : e+12]
		if order.Uint16(entry) != 0x0112 {
			continue
		}
		var v uint32
		switch typ := order.Uint16(entry[2:]); {
		case typ == 3 && order.Uint32(entry[4:]) >= 1: // SHORT, stored in the first two value bytes.
			v = uint32(order.Uint16(entry[8:]))
		case typ == 4 && order.Uint32(entry[4:]) >= 1: // LONG, which some writers use.
			v = order.Uint32(entry[8:])
		default:
			return 0
		}
		if v < 1 || v > 8 {
			return 0
		}
		return int(v)
	}
	return 0
}
