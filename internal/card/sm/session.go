package sm

import (
	"crypto/cipher"
	"errors"
	"fmt"

	"github.com/sportello/sportello/internal/card/iso7816"
)

// ErrMAC means a secure messaging MAC did not verify: the data was altered or
// the two sides no longer share keys and counter. The session must end.
var ErrMAC = errors.New("sm: MAC does not verify")

// ErrNotProtected means a success answer arrived without secure messaging,
// which a genuine card never sends inside a session.
var ErrNotProtected = errors.New("sm: response not protected")

// Session holds the keys and the send sequence counter (SSC) of one secure
// messaging session. Both sides increment the SSC before every MAC, so a
// replayed or reordered APDU fails verification. Not safe for concurrent use:
// APDUs are strictly sequential anyway.
type Session struct {
	alg    Alg
	enc    cipher.Block
	macKey []byte
	ssc    []byte
}

// NewSession starts a session with the keys agreed by BAC or PACE and the
// initial SSC (from BAC's nonces, or zero after PACE).
func NewSession(alg Alg, kenc, kmac, ssc []byte) (*Session, error) {
	b, err := NewBlock(alg, kenc)
	if err != nil {
		return nil, err
	}
	if len(kmac) != alg.KeyLen() {
		return nil, fmt.Errorf("sm: MAC key of %d bytes for %s", len(kmac), alg)
	}
	if ssc == nil {
		ssc = make([]byte, alg.BlockSize())
	}
	if len(ssc) != alg.BlockSize() {
		return nil, fmt.Errorf("sm: SSC of %d bytes for %s", len(ssc), alg)
	}
	return &Session{alg: alg, enc: b, macKey: append([]byte(nil), kmac...), ssc: append([]byte(nil), ssc...)}, nil
}

// Alg is the session cipher.
func (s *Session) Alg() Alg { return s.alg }

// SSC returns a copy of the current send sequence counter.
func (s *Session) SSC() []byte { return append([]byte(nil), s.ssc...) }

func (s *Session) increment() {
	for i := len(s.ssc) - 1; i >= 0; i-- {
		s.ssc[i]++
		if s.ssc[i] != 0 {
			return
		}
	}
}

// iv is zero for 3DES and E(KSenc, SSC) for AES (ICAO 9303-11 §9.8.6.1).
func (s *Session) iv() []byte {
	iv := make([]byte, s.alg.BlockSize())
	if s.alg != TDES {
		s.enc.Encrypt(iv, s.ssc)
	}
	return iv
}

func (s *Session) mac(parts ...[]byte) ([]byte, error) {
	n := append([]byte(nil), s.ssc...)
	for _, p := range parts {
		n = append(n, p...)
	}
	return MAC(s.alg, s.macKey, Pad(n, s.alg.BlockSize()))
}

func (s *Session) encrypt(data []byte) []byte {
	return EncryptCBC(s.enc, s.iv(), Pad(data, s.alg.BlockSize()))
}

func (s *Session) decrypt(data []byte) ([]byte, error) {
	p, err := DecryptCBC(s.enc, s.iv(), data)
	if err != nil {
		return nil, err
	}
	return Unpad(p)
}

func (s *Session) dataObject(ins byte, data []byte) []byte {
	if len(data) == 0 {
		return nil
	}
	enc := s.encrypt(data)
	if ins&1 == 1 { // odd INS carries BER-TLV data: DO85 without padding indicator
		return iso7816.Encode(0x85, enc)
	}
	return iso7816.Encode(0x87, []byte{0x01}, enc)
}

func leObject(ne int) []byte {
	switch {
	case ne == 0:
		return nil
	case ne <= iso7816.MaxShortNe:
		return iso7816.Encode(0x97, []byte{byte(ne)}) // 256 becomes 00
	}
	return iso7816.Encode(0x97, []byte{byte(ne >> 8), byte(ne)}) // 65536 becomes 0000
}

// WrapCommand protects a plain command APDU (reader side).
func (s *Session) WrapCommand(apdu []byte) ([]byte, error) {
	c, err := iso7816.ParseCommand(apdu)
	if err != nil {
		return nil, err
	}
	if c.CLA&0x0C != 0 {
		return nil, fmt.Errorf("sm: command CLA %02X already has secure messaging bits", c.CLA)
	}
	cla := c.CLA | 0x0C
	header := Pad([]byte{cla, c.INS, c.P1, c.P2}, s.alg.BlockSize())
	s.increment()
	do87 := s.dataObject(c.INS, c.Data)
	do97 := leObject(c.Ne)
	cc, err := s.mac(header, do87, do97)
	if err != nil {
		return nil, err
	}
	data := append(append(append([]byte(nil), do87...), do97...), iso7816.Encode(0x8E, cc)...)
	ne := iso7816.MaxShortNe
	if len(data) > 255 || c.Ne > iso7816.MaxShortNe {
		ne = iso7816.MaxExtendedNe
	}
	return iso7816.Command{CLA: cla, INS: c.INS, P1: c.P1, P2: c.P2, Data: data, Ne: ne}.Bytes()
}

// splitObjects separates the MAC (DO8E) from the objects it covers, keeping
// their encodings byte for byte as the MAC was computed over them.
func splitObjects(b []byte) (covered []byte, objs map[uint32][]byte, mac []byte, err error) {
	objs = map[uint32][]byte{}
	for len(b) > 0 {
		obj, rest, err := iso7816.ParseTLV(b)
		if err != nil {
			return nil, nil, nil, err
		}
		raw := b[:len(b)-len(rest)]
		if _, dup := objs[obj.Tag]; dup {
			return nil, nil, nil, fmt.Errorf("sm: data object %X twice", obj.Tag)
		}
		if obj.Tag == 0x8E {
			if len(rest) != 0 {
				return nil, nil, nil, errors.New("sm: data after the MAC")
			}
			mac = obj.Value
		} else {
			covered = append(covered, raw...)
		}
		objs[obj.Tag] = obj.Value
		b = rest
	}
	if mac == nil {
		return nil, nil, nil, errors.New("sm: MAC data object missing")
	}
	return covered, objs, mac, nil
}

func (s *Session) decryptObject(objs map[uint32][]byte) ([]byte, error) {
	if v, ok := objs[0x87]; ok {
		if len(v) < 1 || v[0] != 0x01 {
			return nil, errors.New("sm: DO87 without padding indicator 01")
		}
		return s.decrypt(v[1:])
	}
	if v, ok := objs[0x85]; ok {
		return s.decrypt(v)
	}
	return nil, nil
}

// UnwrapResponse checks and decrypts a protected response (reader side) and
// returns the plain response with the status word the card protected in DO99.
// An unprotected error status word is passed through, since cards report
// secure messaging failures that way; an unprotected 9000 is refused.
func (s *Session) UnwrapResponse(resp []byte) ([]byte, error) {
	r, err := iso7816.ParseResponse(resp)
	if err != nil {
		return nil, err
	}
	s.increment()
	if len(r.Data) == 0 {
		if r.SW == iso7816.SWOK {
			return nil, ErrNotProtected
		}
		return r.Bytes(), nil
	}
	covered, objs, mac, err := splitObjects(r.Data)
	if err != nil {
		return nil, err
	}
	want, err := s.mac(covered)
	if err != nil {
		return nil, err
	}
	if !Equal(mac, want) {
		return nil, ErrMAC
	}
	sw, ok := objs[0x99]
	if !ok || len(sw) != 2 {
		return nil, errors.New("sm: protected status word (DO99) missing")
	}
	data, err := s.decryptObject(objs)
	if err != nil {
		return nil, err
	}
	return append(data, sw...), nil
}

// UnwrapCommand checks and decrypts a protected command (card side) and returns
// the plain command APDU.
func (s *Session) UnwrapCommand(apdu []byte) ([]byte, error) {
	c, err := iso7816.ParseCommand(apdu)
	if err != nil {
		return nil, err
	}
	if c.CLA&0x0C != 0x0C {
		return nil, ErrNotProtected
	}
	s.increment()
	covered, objs, mac, err := splitObjects(c.Data)
	if err != nil {
		return nil, err
	}
	header := Pad([]byte{c.CLA, c.INS, c.P1, c.P2}, s.alg.BlockSize())
	want, err := s.mac(header, covered)
	if err != nil {
		return nil, err
	}
	if !Equal(mac, want) {
		return nil, ErrMAC
	}
	data, err := s.decryptObject(objs)
	if err != nil {
		return nil, err
	}
	plain := iso7816.Command{CLA: c.CLA &^ 0x0C, INS: c.INS, P1: c.P1, P2: c.P2, Data: data}
	if le, ok := objs[0x97]; ok {
		switch len(le) {
		case 1:
			plain.Ne = int(le[0])
			if plain.Ne == 0 {
				plain.Ne = iso7816.MaxShortNe
			}
		case 2:
			plain.Ne = int(le[0])<<8 | int(le[1])
			if plain.Ne == 0 {
				plain.Ne = iso7816.MaxExtendedNe
			}
		default:
			return nil, errors.New("sm: DO97 of bad length")
		}
	}
	return plain.Bytes()
}

// WrapResponse protects a plain response (card side).
func (s *Session) WrapResponse(resp []byte) ([]byte, error) {
	r, err := iso7816.ParseResponse(resp)
	if err != nil {
		return nil, err
	}
	s.increment()
	do87 := s.dataObject(0, r.Data)
	do99 := iso7816.Encode(0x99, []byte{byte(r.SW >> 8), byte(r.SW)})
	cc, err := s.mac(do87, do99)
	if err != nil {
		return nil, err
	}
	out := append(append(append([]byte(nil), do87...), do99...), iso7816.Encode(0x8E, cc)...)
	return append(out, byte(r.SW>>8), byte(r.SW)), nil
}

// Channel is a Transceiver that protects every APDU with a session, so the
// layers above read files the same way with or without secure messaging.
type Channel struct {
	Card    iso7816.Transceiver
	Session *Session
}

// Transmit wraps the command, sends it and unwraps the answer.
func (c *Channel) Transmit(apdu []byte) ([]byte, error) {
	w, err := c.Session.WrapCommand(apdu)
	if err != nil {
		return nil, err
	}
	resp, err := c.Card.Transmit(w)
	if err != nil {
		return nil, err
	}
	return c.Session.UnwrapResponse(resp)
}
