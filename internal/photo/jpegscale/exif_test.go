package jpegscale

import (
	"encoding/binary"
	"testing"
)

// exifJPEG builds the start of a JPEG with an APP0 segment and an APP1 EXIF
// segment whose IFD0 holds the given 12-byte entries.
func exifJPEG(order binary.AppendByteOrder, entries ...[]byte) []byte {
	tiff := []byte("II\x2a\x00\x08\x00\x00\x00")
	if order == binary.BigEndian {
		tiff = []byte("MM\x00\x2a\x00\x00\x00\x08")
	}
	tiff = order.AppendUint16(tiff, uint16(len(entries)))
	for _, e := range entries {
		tiff = append(tiff, e...)
	}
	tiff = order.AppendUint32(tiff, 0) // No next IFD.
	seg := append([]byte("Exif\x00\x00"), tiff...)
	b := []byte{0xff, 0xd8, 0xff, 0xe0, 0x00, 0x07, 'J', 'F', 'I', 'F', 0}
	b = append(b, 0xff, 0xe1)
	b = binary.BigEndian.AppendUint16(b, uint16(len(seg)+2))
	b = append(b, seg...)
	return append(b, 0xff, 0xda, 0x00, 0x02)
}

func entry(order binary.AppendByteOrder, tag, typ uint16, count, value uint32) []byte {
	e := order.AppendUint16(nil, tag)
	e = order.AppendUint16(e, typ)
	e = order.AppendUint32(e, count)
	if typ == 3 {
		e = order.AppendUint16(e, uint16(value))
		return order.AppendUint16(e, 0)
	}
	return order.AppendUint32(e, value)
}

func TestOrientation(t *testing.T) {
	le, be := binary.AppendByteOrder(binary.LittleEndian), binary.AppendByteOrder(binary.BigEndian)
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"little-endian 6", exifJPEG(le, entry(le, 0x010f, 2, 4, 0), entry(le, 0x0112, 3, 1, 6)), 6},
		{"big-endian 8", exifJPEG(be, entry(be, 0x0112, 3, 1, 8)), 8},
		{"big-endian 3", exifJPEG(be, entry(be, 0x0110, 2, 4, 0), entry(be, 0x0112, 3, 1, 3)), 3},
		{"LONG instead of SHORT", exifJPEG(le, entry(le, 0x0112, 4, 1, 5)), 5},
		{"out of range", exifJPEG(le, entry(le, 0x0112, 3, 1, 9)), 1},
		{"zero", exifJPEG(le, entry(le, 0x0112, 3, 1, 0)), 1},
		{"wrong type", exifJPEG(le, entry(le, 0x0112, 2, 1, 6)), 1},
		{"no orientation tag", exifJPEG(le, entry(le, 0x010f, 2, 4, 0)), 1},
		{"no EXIF", readFixture(t, "video-001.jpeg"), 1},
		{"not a JPEG", []byte("\x89PNG\r\n\x1a\n"), 1},
		{"empty", nil, 1},
		{"truncated in the IFD", exifJPEG(le, entry(le, 0x0112, 3, 1, 6))[:40], 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Orientation(tt.data); got != tt.want {
				t.Errorf("Orientation = %d, want %d", got, tt.want)
			}
		})
	}
	// Every prefix must be safe.
	full := exifJPEG(be, entry(be, 0x0112, 3, 1, 8))
	for i := range full {
		_ = Orientation(full[:i])
	}
}
