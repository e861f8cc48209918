package simcard

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/sportello/sportello/internal/card/bac"
	"github.com/sportello/sportello/internal/card/emrtd"
	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/pace"
	"github.com/sportello/sportello/internal/card/sm"
)

// Application identifiers of the IAS and CIE applications (CIE "accessi
// pinless" manual).
var (
	AIDIAS = []byte{0xA0, 0x00, 0x00, 0x00, 0x30, 0x80, 0x00, 0x00, 0x00, 0x09, 0x81, 0x60, 0x01}
	AIDCIE = []byte{0xA0, 0x00, 0x00, 0x00, 0x00, 0x39}
)

// File identifiers in the CIE application.
const (
	FIDNIS    uint16 = 0x1001 // EF.ID_Servizi, also short file id 1
	FIDKpub   uint16 = 0x1005 // EF.Servizi_Int.Kpub
	FIDIASSOD uint16 = 0x1006
)

// Profile is what a card is personalised with.
type Profile struct {
	MRZKey bac.Key     // opens BAC, and PACE with the MRZ password
	CAN    string      // opens PACE with the CAN
	PACE   []pace.Info // advertised in EF.CardAccess; empty means BAC only
	// EMRTD holds the eMRTD files by identifier: EF.COM, the data groups, EF.SOD.
	EMRTD map[uint16][]byte

	NIS    string          // 12 digits
	Kpub   []byte          // EF.Servizi_Int.Kpub as stored
	IASSOD []byte          // EF.SOD of the IAS application
	Key    *rsa.PrivateKey // internal authentication key matching Kpub

	// Rand feeds challenges, nonces and keys; nil means crypto/rand.
	Rand io.Reader
}

type application int

const (
	appNone application = iota
	appMF
	appEMRTD
	appIAS
	appCIE
)

// Card is a simulated CIE. It is safe for concurrent use, though a reader
// sends one APDU at a time anyway.
type Card struct {
	mu sync.Mutex
	p  Profile

	cardAccess []byte
	app        application
	selected   []byte // current EF content
	selectedID uint16
	session    *sm.Session
	bac        *bac.Chip
	pace       *pace.Chip
	iaKeySet   bool
	pending    []byte // GET RESPONSE data
}

// New personalises a card.
func New(p Profile) (*Card, error) {
	if p.Rand == nil {
		p.Rand = rand.Reader
	}
	c := &Card{p: p}
	if len(p.PACE) > 0 {
		ca, err := pace.EncodeCardAccess(p.PACE)
		if err != nil {
			return nil, err
		}
		c.cardAccess = ca
		secrets := map[byte][]byte{}
		if p.CAN != "" {
			pw, err := pace.CAN(p.CAN)
			if err != nil {
				return nil, err
			}
			secrets[pace.RefCAN] = pw.Secret
		}
		if p.MRZKey.Validate() == nil {
			secrets[pace.RefMRZ] = p.MRZKey.PACESecret()
		}
		c.pace = pace.NewChip(p.PACE, secrets)
	}
	if p.MRZKey.Validate() == nil {
		chip, err := bac.NewChip(p.MRZKey)
		if err != nil {
			return nil, err
		}
		c.bac = chip
	}
	return c, nil
}

// ATR is the answer to reset: T=0 and T=1, with the historical bytes of a CIE 3.0.
func (c *Card) ATR() []byte {
	atr := []byte{0x3B, 0x8F, 0x80, 0x01,
		0x80, 0x31, 0x80, 0x65, 0xB0, 0x85, 0x04, 0x00, 0x11, 0x12, 0x0F, 0xFF, 0x82, 0x90, 0x00}
	tck := byte(0)
	for _, b := range atr[1:] {
		tck ^= b
	}
	return append(atr, tck)
}

// Reset drops every session and selection, as a power cycle does.
func (c *Card) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.app, c.selected, c.selectedID, c.session, c.iaKeySet, c.pending = appNone, nil, 0, nil, false, nil
}

func sw(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }

// Transmit processes one command APDU.
func (c *Card) Transmit(apdu []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	protected := len(apdu) > 0 && apdu[0]&0x0C == 0x0C
	if protected {
		if c.session == nil {
			return sw(iso7816.SWSMObjectsMissing), nil
		}
		plain, err := c.session.UnwrapCommand(apdu)
		if err != nil {
			// A bad MAC ends the session: the reader must authenticate again.
			c.session = nil
			return sw(iso7816.SWSMObjectsIncorrect), nil
		}
		apdu = plain
	} else if c.session != nil {
		// A plain command ends secure messaging (ICAO 9303-11 §9.8.5).
		c.session = nil
	}
	cmd, err := iso7816.ParseCommand(apdu)
	if err != nil {
		return sw(iso7816.SWWrongLength), nil
	}
	resp, next := c.dispatch(cmd)
	if protected && c.session != nil {
		out, err := c.session.WrapResponse(resp)
		if err != nil {
			return nil, err
		}
		resp = out
	}
	if next != nil {
		c.session = next
	}
	return resp, nil
}

// dispatch returns the plain response and, after a successful BAC or PACE,
// the session that starts with the next command.
func (c *Card) dispatch(cmd iso7816.Command) ([]byte, *sm.Session) {
	if cmd.CLA&0x10 != 0 && cmd.INS != 0x86 {
		return sw(iso7816.SWCLANotSupported), nil
	}
	switch cmd.INS {
	case 0xA4:
		return c.selectCmd(cmd), nil
	case 0xB0, 0xB1:
		return c.readBinary(cmd), nil
	case 0x84:
		return c.getChallenge(cmd), nil
	case 0x82:
		return c.externalAuthenticate(cmd)
	case 0x22:
		return c.manageSecurityEnvironment(cmd), nil
	case 0x86:
		return c.generalAuthenticate(cmd)
	case 0x88:
		return c.internalAuthenticate(cmd), nil
	case 0xC0:
		return c.getResponse(cmd), nil
	}
	return sw(iso7816.SWINSNotSupported), nil
}

func (c *Card) selectCmd(cmd iso7816.Command) []byte {
	c.selected, c.selectedID = nil, 0
	switch cmd.P1 {
	case 0x00:
		if bytes.Equal(cmd.Data, []byte{0x3F, 0x00}) || len(cmd.Data) == 0 {
			c.app = appMF
			return sw(iso7816.SWOK)
		}
	case 0x04:
		switch {
		case bytes.Equal(cmd.Data, emrtd.AID):
			c.app = appEMRTD
		case bytes.Equal(cmd.Data, AIDIAS):
			c.app = appIAS
		case bytes.Equal(cmd.Data, AIDCIE):
			if c.app != appIAS && c.app != appCIE {
				return sw(iso7816.SWFileNotFound)
			}
			c.app = appCIE
		default:
			return sw(iso7816.SWFileNotFound)
		}
		return sw(iso7816.SWOK)
	case 0x02:
		if len(cmd.Data) != 2 {
			return sw(iso7816.SWWrongData)
		}
		fid := uint16(cmd.Data[0])<<8 | uint16(cmd.Data[1])
		data, status := c.file(fid)
		if status != iso7816.SWOK {
			return sw(status)
		}
		c.selected, c.selectedID = data, fid
		return sw(iso7816.SWOK)
	}
	return sw(iso7816.SWWrongP1P2)
}

// file finds an EF in the current application and checks its access rule:
// eMRTD files need secure messaging, EF.CardAccess and the NIS files do not.
func (c *Card) file(fid uint16) ([]byte, uint16) {
	switch c.app {
	case appNone, appMF:
		if fid == emrtd.FIDCardAccess && c.cardAccess != nil {
			return c.cardAccess, iso7816.SWOK
		}
	case appEMRTD:
		if fid == emrtd.FIDCardAccess && c.cardAccess != nil {
			return c.cardAccess, iso7816.SWOK
		}
		if data, ok := c.p.EMRTD[fid]; ok {
			if c.session == nil {
				return nil, iso7816.SWSecurityNotSatisfied
			}
			return data, iso7816.SWOK
		}
	case appCIE:
		switch fid {
		case FIDNIS:
			if c.p.NIS != "" {
				return []byte(c.p.NIS), iso7816.SWOK
			}
		case FIDKpub:
			if c.p.Kpub != nil {
				return c.p.Kpub, iso7816.SWOK
			}
		case FIDIASSOD:
			if c.p.IASSOD != nil {
				return c.p.IASSOD, iso7816.SWOK
			}
		}
	}
	return nil, iso7816.SWFileNotFound
}

// maxPlainRead is the most a CIE answers to one unprotected READ BINARY
// (seen in the official SDK, which reads Kpub at offsets 0 and 0xE7).
const maxPlainRead = 0xE7

func (c *Card) readBinary(cmd iso7816.Command) []byte {
	offset := int(cmd.P1)<<8 | int(cmd.P2)
	if cmd.INS == 0xB0 && cmd.P1&0x80 != 0 {
		// Short file identifier in P1, offset in P2; the file becomes current.
		sfi := uint16(cmd.P1 & 0x1F)
		fid := sfi
		switch {
		case c.app == appCIE && sfi <= 0x0F:
			fid = 0x1000 | sfi
		case c.app == appEMRTD || c.app == appMF || c.app == appNone:
			fid = 0x0100 | sfi
		}
		data, status := c.file(fid)
		if status != iso7816.SWOK {
			return sw(status)
		}
		c.selected, c.selectedID = data, fid
		offset = int(cmd.P2)
	}
	if cmd.INS == 0xB1 && (cmd.P1 != 0 || cmd.P2 != 0) {
		// P1-P2 name the file: a short identifier in the low five bits, or a FID.
		fid := uint16(cmd.P1)<<8 | uint16(cmd.P2)
		if cmd.P1 == 0 && cmd.P2 <= 0x1F && c.app == appCIE {
			fid = 0x1000 | uint16(cmd.P2)
		} else if cmd.P1 == 0 && cmd.P2 <= 0x1F {
			fid = 0x0100 | uint16(cmd.P2)
		}
		data, status := c.file(fid)
		if status != iso7816.SWOK {
			return sw(status)
		}
		c.selected, c.selectedID = data, fid
	}
	if cmd.INS == 0xB1 {
		off, ok := iso7816.Find(cmd.Data, 0x54)
		if !ok || len(off) == 0 || len(off) > 3 {
			return sw(iso7816.SWWrongData)
		}
		offset = 0
		for _, b := range off {
			offset = offset<<8 | int(b)
		}
	}
	if c.selected == nil {
		return sw(iso7816.SWConditionsNotSatisfied)
	}
	if offset > len(c.selected) {
		return sw(iso7816.SWWrongP1P2)
	}
	n := cmd.Ne
	if c.session == nil && n > maxPlainRead {
		n = maxPlainRead
	}
	if cmd.INS == 0xB1 {
		n -= 4 // room for the DO53 header
	}
	if n <= 0 {
		n = 1
	}
	end := min(offset+n, len(c.selected))
	data := c.selected[offset:end]
	status := iso7816.SWOK
	if end-offset < n && cmd.Ne != iso7816.MaxShortNe {
		status = iso7816.SWWarningEOF
	}
	if cmd.INS == 0xB1 {
		data = iso7816.Encode(0x53, data)
	}
	return append(append([]byte(nil), data...), sw(status)...)
}

func (c *Card) getChallenge(cmd iso7816.Command) []byte {
	if c.app != appEMRTD || c.bac == nil {
		return sw(iso7816.SWConditionsNotSatisfied)
	}
	if cmd.Ne != 8 {
		return sw(0x6C08)
	}
	ch, err := c.bac.Challenge(c.p.Rand)
	if err != nil {
		return sw(iso7816.SWUnknown)
	}
	return append(ch, sw(iso7816.SWOK)...)
}

func (c *Card) externalAuthenticate(cmd iso7816.Command) ([]byte, *sm.Session) {
	if c.app != appEMRTD || c.bac == nil {
		return sw(iso7816.SWConditionsNotSatisfied), nil
	}
	resp, s, err := c.bac.ExternalAuthenticate(cmd.Data, c.p.Rand)
	if err != nil {
		return sw(iso7816.SWSecurityNotSatisfied), nil
	}
	return append(resp, sw(iso7816.SWOK)...), s
}

func (c *Card) manageSecurityEnvironment(cmd iso7816.Command) []byte {
	switch {
	case cmd.P1 == 0xC1 && cmd.P2 == 0xA4:
		if c.pace == nil {
			return sw(iso7816.SWINSNotSupported)
		}
		if err := c.pace.SetAT(cmd.Data); err != nil {
			return sw(iso7816.SWWrongData)
		}
		return sw(iso7816.SWOK)
	case cmd.P1 == 0x41 && cmd.P2 == 0xA4:
		// Internal authentication key: algorithm 02 (RSA PKCS#1), key 83.
		if c.app != appCIE || !bytes.Equal(cmd.Data, []byte{0x80, 0x01, 0x02, 0x84, 0x01, 0x83}) {
			return sw(iso7816.SWWrongData)
		}
		c.iaKeySet = true
		return sw(iso7816.SWOK)
	}
	return sw(iso7816.SWWrongP1P2)
}

func (c *Card) generalAuthenticate(cmd iso7816.Command) ([]byte, *sm.Session) {
	if c.pace == nil {
		return sw(iso7816.SWINSNotSupported), nil
	}
	resp, s, err := c.pace.GeneralAuthenticate(cmd.Data, c.p.Rand)
	if errors.Is(err, pace.ErrAuthFailed) {
		return sw(iso7816.SWVerificationFailed), nil
	}
	if err != nil {
		return sw(iso7816.SWWrongData), nil
	}
	if s != nil && cmd.CLA&0x10 != 0 {
		return sw(iso7816.SWConditionsNotSatisfied), nil
	}
	return append(resp, sw(iso7816.SWOK)...), s
}

// internalAuthenticate signs the challenge with PKCS#1 v1.5 type 1 padding and
// no DigestInfo, and answers 61xx as the real card does, so readers must fetch
// the signature with GET RESPONSE.
func (c *Card) internalAuthenticate(cmd iso7816.Command) []byte {
	if c.app != appCIE || !c.iaKeySet || c.p.Key == nil {
		return sw(iso7816.SWConditionsNotSatisfied)
	}
	if len(cmd.Data) == 0 || len(cmd.Data) > c.p.Key.Size()-11 {
		return sw(iso7816.SWWrongLength)
	}
	sig, err := rsa.SignPKCS1v15(nil, c.p.Key, 0, cmd.Data)
	if err != nil {
		return sw(iso7816.SWUnknown)
	}
	c.pending = sig
	return c.morePending()
}

func (c *Card) morePending() []byte {
	n := len(c.pending)
	if n > 255 {
		n = 0 // 6100: 256 or more bytes remain
	}
	return sw(0x6100 | uint16(n))
}

func (c *Card) getResponse(cmd iso7816.Command) []byte {
	if len(c.pending) == 0 {
		return sw(iso7816.SWConditionsNotSatisfied)
	}
	n := min(cmd.Ne, len(c.pending))
	out := append([]byte(nil), c.pending[:n]...)
	c.pending = c.pending[n:]
	if len(c.pending) > 0 {
		return append(out, c.morePending()...)
	}
	return append(out, sw(iso7816.SWOK)...)
}

// String names the card for logs.
func (c *Card) String() string { return fmt.Sprintf("simulated CIE %s", c.p.MRZKey.DocumentNumber) }
