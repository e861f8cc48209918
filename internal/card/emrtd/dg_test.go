package emrtd

import (
	"bytes"
	"encoding/hex"
	"image"
	"image/color"
	"slices"
	"testing"

	"github.com/sportello/sportello/internal/card/iso7816"
)

func h(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseCOM(t *testing.T) {
	// ICAO 9303-11 Appendix D.4 reads these bytes of EF.COM.
	com, err := ParseCOM(h("60145F0104303130365F36063034303030305C026175"))
	if err != nil {
		t.Fatal(err)
	}
	if com.LDSVersion != "0106" || com.UnicodeVersion != "040000" || !slices.Equal(com.DataGroups(), []int{1, 2}) {
		t.Fatalf("%+v %v", com, com.DataGroups())
	}
	built, err := ParseCOM(BuildCOM([]int{1, 2, 11, 12}))
	if err != nil || !slices.Equal(built.DataGroups(), []int{1, 2, 11, 12}) {
		t.Fatalf("%v %v", built, err)
	}
	for _, bad := range []string{"", "6100", "60035F0100"} {
		if _, err := ParseCOM(h(bad)); err == nil {
			t.Errorf("ParseCOM(%s) accepted", bad)
		}
	}
}

func TestParseDG1(t *testing.T) {
	td1 := []string{"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"}
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"TD1", BuildDG1(td1...), true},
		{"short MRZ", BuildDG1("I<UTO"), false},
		{"lower case", BuildDG1(td1[0], td1[1], "eriksson<<anna<maria<<<<<<<<<<"), false},
		{"wrong outer tag", iso7816.Encode(0x62, iso7816.Encode(0x5F1F, []byte(td1[0]+td1[1]+td1[2]))), false},
	}
	for _, tt := range tests {
		got, err := ParseDG1(tt.in)
		if (err == nil) != tt.ok {
			t.Fatalf("%s: err = %v", tt.name, err)
		}
		if tt.ok && !slices.Equal(MRZLines(got), td1) {
			t.Fatalf("%s: lines %q", tt.name, MRZLines(got))
		}
	}
}

func TestFieldsRoundTrip(t *testing.T) {
	in := []Field{{Tag: 0x5F0E, Value: "ROSSI<<MARIA"}, {Tag: 0x5F10, Value: "RSSMRA85A41F205X"}, {Tag: 0x5F42, Value: "VIA ROMA 1"}}
	got, err := ParseDG11(BuildFields(0x6B, in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1].Name != "personal number" || got[1].Value != "RSSMRA85A41F205X" {
		t.Fatalf("%+v", got)
	}
	if _, err := ParseDG12(BuildFields(0x6B, in)); err == nil {
		t.Fatal("DG11 parsed as DG12")
	}
}

func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 24, 32))
	for y := range 32 {
		for x := range 24 {
			img.Set(x, y, color.RGBA{uint8(x * 10), uint8(y * 8), 100, 255})
		}
	}
	return img
}

func TestFaceRoundTrip(t *testing.T) {
	jp2, err := EncodeFaceJPEG2000(testImage())
	if err != nil {
		t.Fatal(err)
	}
	dg2 := BuildDG2(Face{Gender: 2, ImageDataType: ImageJPEG2000, Width: 24, Height: 32, Data: jp2})
	faces, err := ParseDG2(dg2)
	if err != nil {
		t.Fatal(err)
	}
	if len(faces) != 1 || faces[0].Width != 24 || faces[0].Gender != 2 || !bytes.Equal(faces[0].Data, jp2) {
		t.Fatalf("%+v", faces)
	}
	var png bytes.Buffer
	if err := faces[0].WritePNG(&png); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png.Bytes(), []byte("\x89PNG")) {
		t.Fatal("not a PNG")
	}
}

func TestParseFaceBlockRejects(t *testing.T) {
	jp2, _ := EncodeFaceJPEG2000(testImage())
	good := BuildDG2(Face{ImageDataType: ImageJPEG2000, Width: 24, Height: 32, Data: jp2})
	block, err := iso7816.Path(good, 0x75, 0x7F61, 0x7F60, 0x5F2E)
	if err != nil {
		t.Fatal(err)
	}
	mutate := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), block...)) }
	tests := map[string][]byte{
		"magic":         mutate(func(b []byte) []byte { b[0] = 'X'; return b }),
		"version":       mutate(func(b []byte) []byte { b[5] = '2'; return b }),
		"record length": mutate(func(b []byte) []byte { b[11]++; return b }),
		"no faces":      mutate(func(b []byte) []byte { b[13] = 0; return b }),
		"landmarks":     mutate(func(b []byte) []byte { b[18], b[19] = 0xFF, 0xFF; return b }),
		"truncated":     mutate(func(b []byte) []byte { return b[:30] }),
	}
	for name, b := range tests {
		if _, err := ParseFaceBlock(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	bad := Face{ImageDataType: ImageJPEG2000, Data: []byte("not a codestream")}
	if _, err := bad.Decode(); err == nil {
		t.Error("garbage JPEG 2000 decoded")
	}
}

// fileCard serves one EF in plain, with B0 and B1, to test chunked reading.
type fileCard struct {
	data    []byte
	sawB1   bool
	maxRead int
}

func (f *fileCard) Transmit(apdu []byte) ([]byte, error) {
	c, err := iso7816.ParseCommand(apdu)
	if err != nil {
		return nil, err
	}
	off := int(c.P1)<<8 | int(c.P2)
	n := c.Ne
	if c.INS == 0xB1 {
		f.sawB1 = true
		v, _ := iso7816.Find(c.Data, 0x54)
		off = 0
		for _, b := range v {
			off = off<<8 | int(b)
		}
		n -= 4
	}
	if n > f.maxRead {
		f.maxRead = n
	}
	end := min(off+n, len(f.data))
	out := f.data[off:end]
	if c.INS == 0xB1 {
		out = iso7816.Encode(0x53, out)
	}
	return append(append([]byte(nil), out...), 0x90, 0x00), nil
}

func TestReadSelectedChunks(t *testing.T) {
	for _, size := range []int{3, 200, 5000, 40000} {
		content := make([]byte, size)
		for i := range content {
			content[i] = byte(i * 7)
		}
		file := iso7816.Encode(0x75, content)
		card := &fileCard{data: file}
		got, err := ReadSelected(card)
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if !bytes.Equal(got, file) {
			t.Fatalf("size %d: content differs", size)
		}
		if card.maxRead > maxChunk {
			t.Fatalf("size %d: read %d bytes at once", size, card.maxRead)
		}
		if card.sawB1 != (len(file) > 0x8000) {
			t.Fatalf("size %d: B1 used = %v", size, card.sawB1)
		}
	}
}

func FuzzParseDG2(f *testing.F) {
	jp2, _ := EncodeFaceJPEG2000(testImage())
	f.Add(BuildDG2(Face{ImageDataType: ImageJPEG2000, Width: 24, Height: 32, Data: jp2}))
	f.Add(BuildDG2(Face{ImageDataType: ImageJPEG, Width: 1, Height: 1, Data: []byte{0xFF, 0xD8}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		faces, err := ParseDG2(b)
		if err != nil {
			return
		}
		for _, face := range faces {
			if len(face.Data) == 0 {
				t.Fatal("face without data accepted")
			}
			_, _ = face.Decode()
		}
	})
}

func FuzzParseFaceBlock(f *testing.F) {
	jp2, _ := EncodeFaceJPEG2000(testImage())
	block, _ := iso7816.Path(BuildDG2(Face{ImageDataType: ImageJPEG2000, Width: 24, Height: 32, Data: jp2}), 0x75, 0x7F61, 0x7F60, 0x5F2E)
	f.Add(block)
	f.Fuzz(func(t *testing.T, b []byte) {
		faces, err := ParseFaceBlock(b)
		if err == nil && len(faces) == 0 {
			t.Fatal("no faces and no error")
		}
	})
}

func FuzzParseDataGroups(f *testing.F) {
	f.Add(BuildDG1("I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"))
	f.Add(BuildFields(0x6B, []Field{{Tag: 0x5F10, Value: "X"}}))
	f.Add(h("60145F0104303130365F36063034303030305C026175"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseDG1(b)
		_, _ = ParseDG11(b)
		_, _ = ParseDG12(b)
		if c, err := ParseCOM(b); err == nil {
			_ = c.DataGroups()
		}
	})
}
