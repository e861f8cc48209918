package simcard

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"strings"

	"github.com/sportello/sportello/internal/card/bac"
	"github.com/sportello/sportello/internal/card/emrtd"
	"github.com/sportello/sportello/internal/card/pace"
)

// Holder is the person and document a simulated card is issued for.
type Holder struct {
	Surname        string
	GivenNames     string
	DocumentNumber string // CIE form: 2 letters, 5 digits, 2 letters
	BirthDate      string // YYMMDD
	ExpiryDate     string // YYMMDD
	Sex            byte   // 'M', 'F' or '<'
	CodiceFiscale  string
	PlaceOfBirth   string
	FullBirthDate  string // YYYYMMDD, as DG11 holds it
	Address        string
	IssueDate      string // YYYYMMDD
	Authority      string
	CAN            string
	NIS            string
	Face           image.Image // nil draws a placeholder portrait
}

// DemoHolder is the fictional holder of the demo card (`--reader sim`).
func DemoHolder() Holder {
	return Holder{
		Surname: "ROSSI", GivenNames: "MARIA LUISA", DocumentNumber: "CA00000AA",
		BirthDate: "850101", ExpiryDate: "320101", Sex: 'F',
		CodiceFiscale: "RSSMLS85A41F205X", PlaceOfBirth: "MILANO (MI)", FullBirthDate: "19850101",
		Address: "VIA ROMA 1<<MILANO<<MI", IssueDate: "20220101", Authority: "COMUNE DI MILANO",
		CAN: "123456", NIS: "123456789012",
	}
}

// Signers make the security objects; tests pass the methods of a
// cardtest.PKI, so the simulated card carries SODs of a test country.
type Signers struct {
	EMRTD func(dgs map[int][]byte) ([]byte, error)
	IAS   func(nis, kpub []byte) ([]byte, error)
}

// CIEPACE returns what a CIE 3.0 advertises in EF.CardAccess, as read from
// real cards: one PACEInfo, DH generic mapping with 3DES over the RFC 5114
// 2048/256 group (parameter id 2).
func CIEPACE() []pace.Info {
	return []pace.Info{{Protocol: pace.DHGM3DES, Version: 2, ParameterID: 2}}
}

// MRZ returns the three TD1 lines of the holder's card, with check digits.
func (h Holder) MRZ() [3]string {
	line1 := pad("C<ITA"+h.DocumentNumber+string(bac.CheckDigit(h.DocumentNumber)), 30)
	line2 := h.BirthDate + string(bac.CheckDigit(h.BirthDate)) + string(h.Sex) +
		h.ExpiryDate + string(bac.CheckDigit(h.ExpiryDate)) + "ITA"
	line2 = pad(line2, 29)
	composite := line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
	line2 += string(bac.CheckDigit(composite))
	name := strings.ReplaceAll(h.Surname, " ", "<") + "<<" + strings.ReplaceAll(h.GivenNames, " ", "<")
	return [3]string{line1, line2, pad(name, 30)[:30]}
}

func pad(s string, n int) string {
	for len(s) < n {
		s += "<"
	}
	return s
}

// Personalise builds the profile of a CIE for h: data groups, SODs, an RSA key
// for internal authentication, PACE and BAC keys. keyBits is the internal
// authentication key size (2048 on real cards; tests may use 1024 for speed).
func Personalise(h Holder, s Signers, keyBits int, rnd io.Reader) (Profile, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	if s.EMRTD == nil || s.IAS == nil {
		return Profile{}, errors.New("simcard: both SOD signers are needed")
	}
	mrz := h.MRZ()
	face := h.Face
	if face == nil {
		face = Portrait(90, 120)
	}
	jp2, err := emrtd.EncodeFaceJPEG2000(face)
	if err != nil {
		return Profile{}, fmt.Errorf("simcard: face: %w", err)
	}
	b := face.Bounds()
	dgs := map[int][]byte{
		1: emrtd.BuildDG1(mrz[:]...),
		2: emrtd.BuildDG2(emrtd.Face{Gender: genderCode(h.Sex), FaceImageType: 1, ImageDataType: emrtd.ImageJPEG2000,
			Width: b.Dx(), Height: b.Dy(), ColourSpace: 1, SourceType: 2, Data: jp2}),
		11: emrtd.BuildFields(0x6B, []emrtd.Field{
			{Tag: 0x5F0E, Value: strings.ReplaceAll(h.Surname, " ", "<") + "<<" + strings.ReplaceAll(h.GivenNames, " ", "<")},
			{Tag: 0x5F10, Value: h.CodiceFiscale},
			{Tag: 0x5F2B, Value: h.FullBirthDate},
			{Tag: 0x5F11, Value: h.PlaceOfBirth},
			{Tag: 0x5F42, Value: h.Address},
		}),
		12: emrtd.BuildFields(0x6C, []emrtd.Field{
			{Tag: 0x5F19, Value: h.Authority},
			{Tag: 0x5F26, Value: h.IssueDate},
		}),
	}
	sod, err := s.EMRTD(dgs)
	if err != nil {
		return Profile{}, fmt.Errorf("simcard: eMRTD SOD: %w", err)
	}
	key, err := rsa.GenerateKey(rnd, keyBits)
	if err != nil {
		return Profile{}, err
	}
	kpub := x509.MarshalPKCS1PublicKey(&key.PublicKey)
	iasSOD, err := s.IAS([]byte(h.NIS), kpub)
	if err != nil {
		return Profile{}, fmt.Errorf("simcard: IAS SOD: %w", err)
	}
	files := map[uint16][]byte{emrtd.FIDCOM: emrtd.BuildCOM([]int{1, 2, 11, 12}), emrtd.FIDSOD: sod}
	for n, d := range dgs {
		files[emrtd.DGFile(n)] = d
	}
	return Profile{
		MRZKey: bac.Key{DocumentNumber: h.DocumentNumber, DateOfBirth: h.BirthDate, DateOfExpiry: h.ExpiryDate},
		CAN:    h.CAN,
		PACE:   CIEPACE(),
		EMRTD:  files,
		NIS:    h.NIS,
		// Real cards pad the key file; readers must hash only the DER object.
		Kpub:   append(append([]byte(nil), kpub...), make([]byte, 16)...),
		IASSOD: iasSOD,
		Key:    key,
		Rand:   rnd,
	}, nil
}

func genderCode(sex byte) byte {
	switch sex {
	case 'M':
		return 1
	case 'F':
		return 2
	}
	return 0
}

// Portrait draws a placeholder face: a grey background, a skin-toned oval
// and two eyes, enough to see that decoding worked.
func Portrait(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy := float64(w)/2, float64(h)*0.45
	rx, ry := float64(w)*0.3, float64(h)*0.32
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := (float64(x)-cx)/rx, (float64(y)-cy)/ry
			c := color.RGBA{200, 205, 210, 255}
			if dx*dx+dy*dy <= 1 {
				c = color.RGBA{225, 185, 160, 255}
			}
			for _, ex := range []float64{cx - rx*0.4, cx + rx*0.4} {
				ey := cy - ry*0.2
				if (float64(x)-ex)*(float64(x)-ex)+(float64(y)-ey)*(float64(y)-ey) < float64(w*w)/400 {
					c = color.RGBA{40, 30, 30, 255}
				}
			}
			img.Set(x, y, c)
		}
	}
	return img
}
