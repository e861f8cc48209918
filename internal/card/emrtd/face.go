package emrtd

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	jpeg2000 "github.com/ajroetker/go-jpeg2000"

	"github.com/sportello/sportello/internal/card/iso7816"
)

// Image data types of ISO/IEC 19794-5:2005 §5.7.2.
const (
	ImageJPEG     byte = 0
	ImageJPEG2000 byte = 1
)

// Face is one facial record of DG2 (ISO/IEC 19794-5:2005).
type Face struct {
	Gender        byte
	EyeColour     byte
	HairColour    byte
	FaceImageType byte
	ImageDataType byte
	Width         int
	Height        int
	ColourSpace   byte
	SourceType    byte
	Landmarks     int
	Data          []byte // the encoded image, JPEG or JPEG 2000
}

// Sizes of the fixed ISO 19794-5 parts.
const (
	faceHeaderLen    = 14 // "FAC\0", "010\0", record length, number of faces
	faceRecordHeader = 20
	landmarkLen      = 8
	imageInfoLen     = 12
)

// ErrNoFace means DG2 holds no facial image this package can read.
var ErrNoFace = errors.New("emrtd: DG2 has no ISO 19794-5 facial image")

// ParseDG2 returns the faces of DG2: 75 / 7F61 biometric information group
// template / 7F60 templates, each with a 5F2E ISO 19794-5 data block.
func ParseDG2(b []byte) ([]Face, error) {
	group, err := iso7816.Path(b, 0x75, 0x7F61)
	if err != nil {
		return nil, fmt.Errorf("emrtd: DG2: %w", err)
	}
	objs, err := iso7816.ParseAll(group)
	if err != nil {
		return nil, fmt.Errorf("emrtd: DG2: %w", err)
	}
	var faces []Face
	for _, o := range objs {
		if o.Tag != 0x7F60 {
			continue
		}
		if _, ok := iso7816.Find(o.Value, 0x7F2E); ok {
			return nil, errors.New("emrtd: DG2 uses ISO 39794-5, not supported yet")
		}
		block, ok := iso7816.Find(o.Value, 0x5F2E)
		if !ok {
			continue
		}
		fs, err := ParseFaceBlock(block)
		if err != nil {
			return nil, err
		}
		faces = append(faces, fs...)
	}
	if len(faces) == 0 {
		return nil, ErrNoFace
	}
	return faces, nil
}

// ParseFaceBlock decodes an ISO/IEC 19794-5:2005 facial record data block.
func ParseFaceBlock(b []byte) ([]Face, error) {
	if len(b) < faceHeaderLen || !bytes.Equal(b[:4], []byte("FAC\x00")) {
		return nil, errors.New("emrtd: face block does not start with FAC")
	}
	if !bytes.Equal(b[4:8], []byte("010\x00")) {
		return nil, fmt.Errorf("emrtd: face block version %q not supported", b[4:7])
	}
	recLen := binary.BigEndian.Uint32(b[8:12])
	if uint64(recLen) != uint64(len(b)) {
		return nil, fmt.Errorf("emrtd: face block says %d bytes, has %d", recLen, len(b))
	}
	n := int(binary.BigEndian.Uint16(b[12:14]))
	if n == 0 {
		return nil, ErrNoFace
	}
	rest := b[faceHeaderLen:]
	faces := make([]Face, 0, min(n, 4))
	for range n {
		if len(rest) < faceRecordHeader+imageInfoLen {
			return nil, errors.New("emrtd: facial record truncated")
		}
		blockLen := binary.BigEndian.Uint32(rest[0:4])
		if blockLen < faceRecordHeader+imageInfoLen || uint64(blockLen) > uint64(len(rest)) {
			return nil, fmt.Errorf("emrtd: facial record length %d out of range", blockLen)
		}
		rec := rest[:blockLen]
		rest = rest[blockLen:]
		f := Face{
			Landmarks:  int(binary.BigEndian.Uint16(rec[4:6])),
			Gender:     rec[6],
			EyeColour:  rec[7],
			HairColour: rec[8],
		}
		info := faceRecordHeader + f.Landmarks*landmarkLen
		if info+imageInfoLen > len(rec) {
			return nil, errors.New("emrtd: facial record landmarks overrun the record")
		}
		ii := rec[info : info+imageInfoLen]
		f.FaceImageType = ii[0]
		f.ImageDataType = ii[1]
		f.Width = int(binary.BigEndian.Uint16(ii[2:4]))
		f.Height = int(binary.BigEndian.Uint16(ii[4:6]))
		f.ColourSpace = ii[6]
		f.SourceType = ii[7]
		f.Data = rec[info+imageInfoLen:]
		if len(f.Data) == 0 {
			return nil, errors.New("emrtd: facial record without image")
		}
		faces = append(faces, f)
	}
	return faces, nil
}

// maxFacePixels refuses absurd declared sizes before decoding: an ICAO portrait
// is well under a megapixel.
const maxFacePixels = 2 << 20

// Decode decodes the face image (JPEG 2000 or JPEG).
func (f Face) Decode() (image.Image, error) {
	var cfg image.Config
	var err error
	switch f.ImageDataType {
	case ImageJPEG2000:
		cfg, err = decodeJPEG2000Config(f.Data)
	case ImageJPEG:
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(f.Data))
	default:
		return nil, fmt.Errorf("emrtd: image data type %d not supported", f.ImageDataType)
	}
	if err != nil {
		return nil, fmt.Errorf("emrtd: face image header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxFacePixels {
		return nil, fmt.Errorf("emrtd: face image of %dx%d refused", cfg.Width, cfg.Height)
	}
	if f.ImageDataType == ImageJPEG {
		return jpeg.Decode(bytes.NewReader(f.Data))
	}
	img, err := decodeJPEG2000(f.Data)
	if err != nil {
		return nil, fmt.Errorf("emrtd: JPEG 2000 face: %w", err)
	}
	return img, nil
}

// decodeJPEG2000 turns a decoder panic on hostile data into an error: the
// codestream comes from the card, and a bad card must not crash the reader.
func decodeJPEG2000(b []byte) (img image.Image, err error) {
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("decoder failed: %v", r)
		}
	}()
	return jpeg2000.Decode(bytes.NewReader(b))
}

func decodeJPEG2000Config(b []byte) (cfg image.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			cfg, err = image.Config{}, fmt.Errorf("decoder failed: %v", r)
		}
	}()
	return jpeg2000.DecodeConfig(bytes.NewReader(b))
}

// WritePNG decodes the face and writes it as PNG.
func (f Face) WritePNG(w io.Writer) error {
	img, err := f.Decode()
	if err != nil {
		return err
	}
	return png.Encode(w, img)
}

// EncodeFaceJPEG2000 compresses a portrait the way a CIE stores it, for the
// simulated card.
func EncodeFaceJPEG2000(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	err := jpeg2000.Encode(&buf, img, &jpeg2000.EncodeOptions{Quality: 0.8, FileFormat: jpeg2000.FormatJP2})
	return buf.Bytes(), err
}

// BuildDG2 wraps one encoded face image into DG2 with an ISO 19794-5 record.
func BuildDG2(f Face) []byte {
	rec := make([]byte, faceRecordHeader+imageInfoLen, faceRecordHeader+imageInfoLen+len(f.Data))
	binary.BigEndian.PutUint32(rec[0:4], uint32(faceRecordHeader+imageInfoLen+len(f.Data)))
	rec[6], rec[7], rec[8] = f.Gender, f.EyeColour, f.HairColour
	ii := rec[faceRecordHeader:]
	ii[0], ii[1] = f.FaceImageType, f.ImageDataType
	binary.BigEndian.PutUint16(ii[2:4], uint16(f.Width))
	binary.BigEndian.PutUint16(ii[4:6], uint16(f.Height))
	ii[6], ii[7] = f.ColourSpace, f.SourceType
	rec = append(rec, f.Data...)
	block := make([]byte, faceHeaderLen, faceHeaderLen+len(rec))
	copy(block, "FAC\x00010\x00")
	binary.BigEndian.PutUint32(block[8:12], uint32(faceHeaderLen+len(rec)))
	binary.BigEndian.PutUint16(block[12:14], 1)
	block = append(block, rec...)
	bht := iso7816.Encode(0xA1,
		iso7816.Encode(0x80, []byte{0x01, 0x01}), // ICAO header version 1.1
		iso7816.Encode(0x81, []byte{0x02}),       // biometric type: facial features
		iso7816.Encode(0x87, []byte{0x01, 0x01}), // format owner: ISO/IEC JTC 1/SC 37
		iso7816.Encode(0x88, []byte{0x00, 0x08})) // format type: face image
	return iso7816.Encode(0x75, iso7816.Encode(0x7F61,
		iso7816.Encode(0x02, []byte{0x01}),
		iso7816.Encode(0x7F60, bht, iso7816.Encode(0x5F2E, block))))
}
