package pace

import (
	"fmt"
	"io"

	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/sm"
)

// Option changes how Authenticate talks to the chip.
type Option func(*options)

type options struct {
	parameterID bool
}

// WithParameterID sends the domain parameter id (tag 84) in MSE:Set AT. BSI
// TR-03110 asks for it when the chip offers more than one PACEInfo; the CIE
// offers exactly one and is known to answer 9000 without it.
func WithParameterID() Option { return func(o *options) { o.parameterID = true } }

// Authenticate runs PACE with generic mapping as the reader (ICAO 9303-11
// §4.4) and returns the secure messaging session, whose SSC starts at zero.
// rnd supplies the two ephemeral private keys.
func Authenticate(t iso7816.Transceiver, info Info, pw Password, rnd io.Reader, opts ...Option) (*sm.Session, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	g, alg, err := setup(info)
	if err != nil {
		return nil, err
	}
	oc, err := oidContent(info.Protocol)
	if err != nil {
		return nil, err
	}
	at := append(iso7816.Encode(0x80, oc), iso7816.Encode(0x83, []byte{pw.Ref})...)
	if o.parameterID && info.ParameterID >= 0 {
		at = append(at, iso7816.Encode(0x84, []byte{byte(info.ParameterID)})...)
	}
	r, err := iso7816.Send(t, iso7816.Command{INS: 0x22, P1: 0xC1, P2: 0xA4, Data: at})
	if err != nil {
		return nil, err
	}
	if err := r.Err("MSE:Set AT"); err != nil {
		return nil, err
	}

	// Step 1: the chip's nonce, encrypted with K_pi.
	z, err := generalAuthenticate(t, true, nil, 0x80)
	if err != nil {
		return nil, err
	}
	nb, err := nonceBlock(alg, pw)
	if err != nil {
		return nil, err
	}
	s, err := sm.DecryptCBC(nb, nil, z)
	if err != nil {
		return nil, fmt.Errorf("pace: nonce: %w", err)
	}

	// Step 2: generic mapping.
	skMap, err := newPrivateKey(g, rnd)
	if err != nil {
		return nil, err
	}
	pkMap := g.publicKey(skMap)
	pkMapIC, err := generalAuthenticate(t, true, iso7816.Encode(0x81, pkMap), 0x82)
	if err != nil {
		return nil, err
	}
	if err := distinct(pkMap, pkMapIC); err != nil {
		return nil, err
	}
	h, err := g.shared(skMap, pkMapIC)
	if err != nil {
		return nil, err
	}
	gm, err := g.mapped(toInt(s), h)
	if err != nil {
		return nil, err
	}

	// Step 3: key agreement on the mapped generator.
	sk, err := newPrivateKey(gm, rnd)
	if err != nil {
		return nil, err
	}
	pk := gm.publicKey(sk)
	pkIC, err := generalAuthenticate(t, true, iso7816.Encode(0x83, pk), 0x84)
	if err != nil {
		return nil, err
	}
	if err := distinct(pk, pkIC); err != nil {
		return nil, err
	}
	k, err := gm.shared(sk, pkIC)
	if err != nil {
		return nil, err
	}
	session, kmac, err := sessionKeys(alg, k.secret)
	if err != nil {
		return nil, err
	}

	// Step 4: mutual authentication tokens.
	tIFD, err := token(alg, kmac, info.Protocol, gm.pubTag(), pkIC)
	if err != nil {
		return nil, err
	}
	tIC, err := generalAuthenticate(t, false, iso7816.Encode(0x85, tIFD), 0x86)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAuthFailed, err)
	}
	want, err := token(alg, kmac, info.Protocol, gm.pubTag(), pk)
	if err != nil {
		return nil, err
	}
	if !sm.Equal(tIC, want) {
		return nil, ErrAuthFailed
	}
	return session, nil
}

// generalAuthenticate sends one GENERAL AUTHENTICATE step (chained with CLA 10
// until the last) and returns the value of tag want in the answer.
func generalAuthenticate(t iso7816.Transceiver, chained bool, obj []byte, want uint32) ([]byte, error) {
	cla := byte(0x00)
	if chained {
		cla = 0x10
	}
	data := iso7816.Encode(0x7C, obj)
	// A 2048-bit DH key does not fit a short APDU. The extended form with
	// Le = 0000 is the one a CIE has been seen to accept (with Le = 0100 or
	// chaining it refused the mapping step).
	ne := iso7816.MaxShortNe
	if len(data) > 255 {
		ne = iso7816.MaxExtendedNe
	}
	r, err := iso7816.Send(t, iso7816.Command{CLA: cla, INS: 0x86, Data: data, Ne: ne})
	if err != nil {
		return nil, err
	}
	if err := r.Err("GENERAL AUTHENTICATE"); err != nil {
		return nil, err
	}
	return dynamicData(r.Data, want)
}
