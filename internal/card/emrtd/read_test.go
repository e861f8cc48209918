package emrtd_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"image"
	"sync"
	"testing"

	"github.com/sportello/sportello/internal/card/bac"
	"github.com/sportello/sportello/internal/card/emrtd"
	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/pace"
	"github.com/sportello/sportello/internal/card/simcard"
	"github.com/sportello/sportello/internal/card/sm"
)

// stubSigners stand in for a PKI: reading does not look inside the SOD.
var stubSigners = simcard.Signers{
	EMRTD: func(dgs map[int][]byte) ([]byte, error) { return iso7816.Encode(0x77, []byte("eMRTD SOD")), nil },
	IAS:   func(nis, kpub []byte) ([]byte, error) { return iso7816.Encode(0x30, []byte("IAS SOD")), nil },
}

var (
	profileOnce sync.Once
	profile     simcard.Profile
	profileErr  error
)

func demoProfile(t *testing.T) simcard.Profile {
	t.Helper()
	profileOnce.Do(func() {
		profile, profileErr = simcard.Personalise(simcard.DemoHolder(), stubSigners, 1024, nil)
	})
	if profileErr != nil {
		t.Fatal(profileErr)
	}
	return profile
}

func newCard(t *testing.T, mutate func(*simcard.Profile)) *simcard.Card {
	t.Helper()
	p := demoProfile(t)
	if mutate != nil {
		mutate(&p)
	}
	c, err := simcard.New(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestReadSimulatedCard(t *testing.T) {
	h := simcard.DemoHolder()
	mrzKey := bac.Key{DocumentNumber: h.DocumentNumber, DateOfBirth: h.BirthDate, DateOfExpiry: h.ExpiryDate}
	tests := []struct {
		name   string
		pace   []pace.Info
		access emrtd.Access
		method string
		proto  string
	}{
		{"PACE CAN DH 3DES (CIE 3.0)", simcard.CIEPACE(), emrtd.Access{CAN: h.CAN}, "PACE", pace.DHGM3DES.String()},
		{"PACE MRZ DH 3DES", simcard.CIEPACE(), emrtd.Access{MRZ: &mrzKey}, "PACE", pace.DHGM3DES.String()},
		{"PACE CAN ECDH AES", []pace.Info{{Protocol: pace.ECDHGMAES128, Version: 2, ParameterID: 13}}, emrtd.Access{CAN: h.CAN}, "PACE", pace.ECDHGMAES128.String()},
		{"PACE CAN ECDH AES-256", []pace.Info{{Protocol: pace.ECDHGMAES256, Version: 2, ParameterID: 15}}, emrtd.Access{CAN: h.CAN}, "PACE", pace.ECDHGMAES256.String()},
		{"BAC when no EF.CardAccess", nil, emrtd.Access{MRZ: &mrzKey}, "BAC", ""},
		{"BAC when PACE variant unsupported", []pace.Info{{Protocol: pace.ECDHGMAES128, Version: 2, ParameterID: 17}}, emrtd.Access{MRZ: &mrzKey}, "BAC", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := newCard(t, func(p *simcard.Profile) { p.PACE = tt.pace })
			doc, err := emrtd.Read(card, tt.access, rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Method != tt.method {
				t.Fatalf("method %s, want %s", doc.Method, tt.method)
			}
			if tt.proto != "" && doc.PACE.Protocol.String() != tt.proto {
				t.Fatalf("protocol %v", doc.PACE.Protocol)
			}
			mrz := h.MRZ()
			if doc.MRZ != mrz[0]+mrz[1]+mrz[2] {
				t.Fatalf("MRZ %q", doc.MRZ)
			}
			p := demoProfile(t)
			for n, fid := range map[int]uint16{1: emrtd.FIDDG1, 2: emrtd.FIDDG2, 11: emrtd.FIDDG11, 12: emrtd.FIDDG12} {
				if !bytes.Equal(doc.Raw[n], p.EMRTD[fid]) {
					t.Fatalf("DG%d differs from the card's file", n)
				}
			}
			if !bytes.Equal(doc.SOD, p.EMRTD[emrtd.FIDSOD]) {
				t.Fatal("SOD differs")
			}
			if len(doc.Faces) != 1 {
				t.Fatalf("%d faces", len(doc.Faces))
			}
			img, err := doc.Faces[0].Decode()
			if err != nil {
				t.Fatal(err)
			}
			if img.Bounds() != image.Rect(0, 0, 90, 120) {
				t.Fatalf("face %v", img.Bounds())
			}
			if cf := field(doc.DG11, 0x5F10); cf != h.CodiceFiscale {
				t.Fatalf("codice fiscale %q", cf)
			}
			if a := field(doc.DG12, 0x5F19); a != h.Authority {
				t.Fatalf("authority %q", a)
			}
		})
	}
}

func field(fs []emrtd.Field, tag uint32) string {
	for _, f := range fs {
		if f.Tag == tag {
			return f.Value
		}
	}
	return ""
}

func TestWrongSecretsRejected(t *testing.T) {
	h := simcard.DemoHolder()
	wrongMRZ := bac.Key{DocumentNumber: h.DocumentNumber, DateOfBirth: "850102", DateOfExpiry: h.ExpiryDate}
	tests := []struct {
		name   string
		pace   []pace.Info
		access emrtd.Access
		want   error
	}{
		{"wrong CAN", simcard.CIEPACE(), emrtd.Access{CAN: "654321"}, pace.ErrAuthFailed},
		{"wrong MRZ with PACE", simcard.CIEPACE(), emrtd.Access{MRZ: &wrongMRZ}, pace.ErrAuthFailed},
		{"wrong MRZ with BAC", nil, emrtd.Access{MRZ: &wrongMRZ}, bac.ErrAuthFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := newCard(t, func(p *simcard.Profile) { p.PACE = tt.pace })
			if _, err := emrtd.Read(card, tt.access, rand.Reader); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	card := newCard(t, func(p *simcard.Profile) { p.PACE = nil })
	if _, err := emrtd.Read(card, emrtd.Access{CAN: h.CAN}, rand.Reader); err == nil {
		t.Fatal("CAN accepted by a BAC-only chip")
	}
}

// tamper flips one bit of the nth protected response, as an attacker on the
// radio link would.
type tamper struct {
	card  iso7816.Transceiver
	nth   int
	count int
}

func (tp *tamper) Transmit(apdu []byte) ([]byte, error) {
	resp, err := tp.card.Transmit(apdu)
	if err != nil || len(apdu) == 0 || apdu[0]&0x0C != 0x0C {
		return resp, err
	}
	tp.count++
	if tp.count == tp.nth && len(resp) > 4 {
		resp = append([]byte(nil), resp...)
		resp[len(resp)/2] ^= 0x01
	}
	return resp, nil
}

func TestSecureMessagingTamperingDetected(t *testing.T) {
	h := simcard.DemoHolder()
	for _, tt := range []struct {
		name string
		pace []pace.Info
		nth  int
	}{
		{"PACE 3DES, application select", simcard.CIEPACE(), 1},
		{"PACE 3DES, inside DG2", simcard.CIEPACE(), 12},
		{"PACE AES, inside DG1", []pace.Info{{Protocol: pace.ECDHGMAES128, Version: 2, ParameterID: 12}}, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			card := newCard(t, func(p *simcard.Profile) { p.PACE = tt.pace })
			_, err := emrtd.Read(&tamper{card: card, nth: tt.nth}, emrtd.Access{CAN: h.CAN}, rand.Reader)
			if !errors.Is(err, sm.ErrMAC) {
				t.Fatalf("err = %v, want sm.ErrMAC", err)
			}
		})
	}
}

// forge flips a bit in a protected command: the card must refuse it (6988)
// and drop the session.
type forge struct {
	card  iso7816.Transceiver
	count int
}

func (f *forge) Transmit(apdu []byte) ([]byte, error) {
	if len(apdu) > 8 && apdu[0]&0x0C == 0x0C {
		f.count++
		if f.count == 3 {
			apdu = append([]byte(nil), apdu...)
			apdu[len(apdu)-4] ^= 0x40
		}
	}
	return f.card.Transmit(apdu)
}

func TestCardRejectsForgedCommand(t *testing.T) {
	card := newCard(t, nil)
	_, err := emrtd.Read(&forge{card: card}, emrtd.Access{CAN: simcard.DemoHolder().CAN}, rand.Reader)
	if !iso7816.IsSW(err, iso7816.SWSMObjectsIncorrect) {
		t.Fatalf("err = %v, want 6988", err)
	}
}

func TestFilesNeedAccessControl(t *testing.T) {
	card := newCard(t, nil)
	r, err := iso7816.Send(card, iso7816.Command{INS: 0xA4, P1: 4, P2: 0x0C, Data: emrtd.AID})
	if err != nil || !r.OK() {
		t.Fatalf("select: %v %04X", err, r.SW)
	}
	if err := emrtd.SelectFile(card, emrtd.FIDDG1); !iso7816.IsSW(err, iso7816.SWSecurityNotSatisfied) {
		t.Fatalf("plain select of DG1: err = %v", err)
	}
}

// refusePACE answers MSE:Set AT with 6A80, as a chip whose PACE is broken.
type refusePACE struct{ card iso7816.Transceiver }

func (r refusePACE) Transmit(apdu []byte) ([]byte, error) {
	if len(apdu) > 3 && apdu[1] == 0x22 && apdu[2] == 0xC1 {
		return []byte{0x6A, 0x80}, nil
	}
	return r.card.Transmit(apdu)
}

func TestFallbackToBACWhenPACERefused(t *testing.T) {
	h := simcard.DemoHolder()
	key := bac.Key{DocumentNumber: h.DocumentNumber, DateOfBirth: h.BirthDate, DateOfExpiry: h.ExpiryDate}
	doc, err := emrtd.Read(refusePACE{newCard(t, nil)}, emrtd.Access{MRZ: &key}, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Method != "BAC" {
		t.Fatalf("method %s", doc.Method)
	}
	// With only the CAN there is nothing to fall back to.
	if _, err := emrtd.Read(refusePACE{newCard(t, nil)}, emrtd.Access{CAN: h.CAN}, rand.Reader); !iso7816.IsSW(err, iso7816.SWWrongData) {
		t.Fatalf("CAN only: err = %v", err)
	}
}

type apduLog struct {
	card      iso7816.Transceiver
	sent, got [][]byte
}

func (l *apduLog) Transmit(apdu []byte) ([]byte, error) {
	resp, err := l.card.Transmit(apdu)
	l.sent = append(l.sent, apdu)
	l.got = append(l.got, resp)
	return resp, err
}

// The PACE opening matches what a real CIE 3.0 was seen to accept: MSE:Set AT
// with only the protocol and the CAN reference, an 8-byte 3DES nonce, and the
// 264-byte mapping step as an extended APDU with Le 0000.
func TestCIEPACETranscriptShape(t *testing.T) {
	l := &apduLog{card: newCard(t, nil)}
	if _, err := emrtd.Open(l, emrtd.Access{CAN: simcard.DemoHolder().CAN}, rand.Reader); err != nil {
		t.Fatal(err)
	}
	var mse, step1, step2 int = -1, -1, -1
	for i, a := range l.sent {
		switch {
		case bytes.HasPrefix(a, []byte{0x00, 0x22, 0xC1, 0xA4}):
			mse = i
		case bytes.Equal(a, []byte{0x10, 0x86, 0x00, 0x00, 0x02, 0x7C, 0x00, 0x00}):
			step1 = i
		case bytes.HasPrefix(a, []byte{0x10, 0x86, 0x00, 0x00, 0x00, 0x01, 0x08, 0x7C, 0x82, 0x01, 0x04, 0x81}):
			step2 = i
		}
	}
	if mse < 0 || step1 < 0 || step2 < 0 {
		t.Fatalf("PACE steps not found: %d %d %d", mse, step1, step2)
	}
	if got, want := l.sent[mse], []byte{0x00, 0x22, 0xC1, 0xA4, 0x0F, 0x80, 0x0A, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x01, 0x01, 0x83, 0x01, 0x02}; !bytes.Equal(got, want) {
		t.Fatalf("MSE:Set AT %X", got)
	}
	if r := l.got[step1]; len(r) != 14 || !bytes.HasPrefix(r, []byte{0x7C, 0x0A, 0x80, 0x08}) {
		t.Fatalf("step 1 answer %X", r)
	}
	if a := l.sent[step2]; len(a) != 7+264+2 || !bytes.HasSuffix(a, []byte{0x00, 0x00}) {
		t.Fatalf("mapping step of %d bytes, ends %X", len(a), a[len(a)-2:])
	}
}
