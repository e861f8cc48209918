package emrtd

import (
	"errors"
	"fmt"
	"io"

	"github.com/sportello/sportello/internal/card/bac"
	"github.com/sportello/sportello/internal/card/iso7816"
	"github.com/sportello/sportello/internal/card/pace"
	"github.com/sportello/sportello/internal/card/sm"
)

// Access is what the holder gives to open the chip: the CAN printed on the
// card, or the MRZ key. PACE takes either; BAC only the MRZ key.
type Access struct {
	CAN string
	MRZ *bac.Key
}

// Session is an opened eMRTD application: a secure channel and how it was made.
type Session struct {
	Channel    iso7816.Transceiver
	Method     string // "PACE" or "BAC"
	PACE       *pace.Info
	CardAccess []byte
}

// Open runs access control: PACE when EF.CardAccess offers a protocol we can
// run, BAC with the MRZ key otherwise, then selects the eMRTD application
// under secure messaging. A wrong CAN is reported, never retried with BAC,
// because a chip counts failed attempts.
func Open(t iso7816.Transceiver, a Access, rnd io.Reader) (*Session, error) {
	if a.CAN == "" && a.MRZ == nil {
		return nil, errors.New("emrtd: a CAN or an MRZ key is needed to open the chip")
	}
	// EF.CardAccess lives in the master file and is readable without keys.
	_, _ = iso7816.Send(t, iso7816.Command{INS: 0xA4, P1: 0x00, P2: 0x0C, Data: []byte{0x3F, 0x00}})
	ca, caErr := ReadFile(t, FIDCardAccess)
	var info *pace.Info
	var opts []pace.Option
	if caErr == nil {
		infos, err := pace.ParseCardAccess(ca)
		if err != nil {
			return nil, err
		}
		if len(infos) > 1 {
			opts = append(opts, pace.WithParameterID())
		}
		for _, i := range infos {
			if i.Supported() == nil {
				info = &i
				break
			}
		}
	}
	if info != nil {
		pw, err := password(a)
		if err != nil {
			return nil, err
		}
		s, err := pace.Authenticate(t, *info, pw, rnd, opts...)
		switch {
		case err == nil:
			ch := &sm.Channel{Card: t, Session: s}
			if err := selectApplication(ch); err != nil {
				return nil, err
			}
			return &Session{Channel: ch, Method: "PACE", PACE: info, CardAccess: ca}, nil
		case errors.Is(err, pace.ErrAuthFailed) || a.MRZ == nil:
			return nil, err
		}
		// PACE failed before any password check (a chip that advertises more
		// than it runs): BAC with the MRZ key is the fallback ICAO allows.
	}
	if a.MRZ == nil {
		if caErr != nil {
			return nil, fmt.Errorf("emrtd: the chip offers no PACE (%v) and BAC needs the MRZ key", caErr)
		}
		return nil, errors.New("emrtd: the chip offers no PACE variant we support and BAC needs the MRZ key")
	}
	if err := selectApplication(t); err != nil {
		return nil, err
	}
	s, err := bac.Authenticate(t, *a.MRZ, rnd)
	if err != nil {
		return nil, err
	}
	return &Session{Channel: &sm.Channel{Card: t, Session: s}, Method: "BAC", CardAccess: ca}, nil
}

func password(a Access) (pace.Password, error) {
	if a.CAN != "" {
		return pace.CAN(a.CAN)
	}
	return pace.MRZ(*a.MRZ)
}

func selectApplication(t iso7816.Transceiver) error {
	r, err := iso7816.Send(t, iso7816.Command{INS: 0xA4, P1: 0x04, P2: 0x0C, Data: AID})
	if err != nil {
		return err
	}
	return r.Err("SELECT eMRTD application")
}

// Document is what Read takes from the chip: the raw files (for passive
// authentication) and their parsed content.
type Document struct {
	Method string
	PACE   *pace.Info
	COM    COM
	// Raw holds the bytes of every data group read, by number, exactly as the
	// SOD hashes them.
	Raw    map[int][]byte
	RawCOM []byte
	SOD    []byte
	MRZ    string
	Faces  []Face
	DG11   []Field
	DG12   []Field
}

// wanted are the data groups Sportello reads; DG3 and DG4 (fingerprints,
// iris) need extended access control and are not ours to read.
var wanted = []int{1, 2, 11, 12}

// Read opens the chip and reads EF.COM, DG1, DG2, DG11, DG12 and EF.SOD.
func Read(t iso7816.Transceiver, a Access, rnd io.Reader) (*Document, error) {
	s, err := Open(t, a, rnd)
	if err != nil {
		return nil, err
	}
	return ReadFiles(s)
}

// ReadFiles reads the data groups over an opened session.
func ReadFiles(s *Session) (*Document, error) {
	d := &Document{Method: s.Method, PACE: s.PACE, Raw: map[int][]byte{}}
	var err error
	if d.RawCOM, err = ReadFile(s.Channel, FIDCOM); err != nil {
		return nil, fmt.Errorf("emrtd: EF.COM: %w", err)
	}
	if d.COM, err = ParseCOM(d.RawCOM); err != nil {
		return nil, err
	}
	present := map[int]bool{}
	for _, n := range d.COM.DataGroups() {
		present[n] = true
	}
	for _, n := range wanted {
		if !present[n] {
			continue
		}
		b, err := ReadFile(s.Channel, DGFile(n))
		if err != nil {
			if iso7816.IsSW(err, iso7816.SWFileNotFound) || iso7816.IsSW(err, iso7816.SWSecurityNotSatisfied) {
				continue
			}
			return nil, fmt.Errorf("emrtd: DG%d: %w", n, err)
		}
		d.Raw[n] = b
	}
	if d.SOD, err = ReadFile(s.Channel, FIDSOD); err != nil {
		return nil, fmt.Errorf("emrtd: EF.SOD: %w", err)
	}
	if b, ok := d.Raw[1]; ok {
		if d.MRZ, err = ParseDG1(b); err != nil {
			return nil, err
		}
	}
	if b, ok := d.Raw[2]; ok {
		if d.Faces, err = ParseDG2(b); err != nil {
			return nil, err
		}
	}
	if b, ok := d.Raw[11]; ok {
		if d.DG11, err = ParseDG11(b); err != nil {
			return nil, err
		}
	}
	if b, ok := d.Raw[12]; ok {
		if d.DG12, err = ParseDG12(b); err != nil {
			return nil, err
		}
	}
	return d, nil
}
