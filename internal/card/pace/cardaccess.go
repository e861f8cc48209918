package pace

import (
	"encoding/asn1"
	"errors"
	"fmt"

	"github.com/sportello/sportello/internal/card/sm"
)

// idPACE is 0.4.0.127.0.7.2.2.4 (bsi-de protocols pace).
var idPACE = asn1.ObjectIdentifier{0, 4, 0, 127, 0, 7, 2, 2, 4}

// Key agreement and mapping arcs under id-PACE.
const (
	arcDHGM    = 1
	arcECDHGM  = 2
	arcDHIM    = 3
	arcECDHIM  = 4
	arcECDHCAM = 6
)

// Protocol OIDs this package can run.
var (
	DHGM3DES     = oid(arcDHGM, 1)
	DHGMAES128   = oid(arcDHGM, 2)
	DHGMAES192   = oid(arcDHGM, 3)
	DHGMAES256   = oid(arcDHGM, 4)
	ECDHGM3DES   = oid(arcECDHGM, 1)
	ECDHGMAES128 = oid(arcECDHGM, 2)
	ECDHGMAES192 = oid(arcECDHGM, 3)
	ECDHGMAES256 = oid(arcECDHGM, 4)
)

func oid(mapping, cipher int) asn1.ObjectIdentifier {
	o := append(asn1.ObjectIdentifier(nil), idPACE...)
	return append(o, mapping, cipher)
}

// Info is one PACEInfo of EF.CardAccess: the protocol OID, its version and the
// standardized domain parameter id (-1 when the chip omits it).
type Info struct {
	Protocol    asn1.ObjectIdentifier
	Version     int
	ParameterID int
}

// IsPACE reports whether o is a PACE protocol OID (id-PACE.mapping.cipher).
func IsPACE(o asn1.ObjectIdentifier) bool {
	return len(o) == len(idPACE)+2 && o[:len(idPACE)].Equal(idPACE)
}

// Cipher is the secure messaging cipher the protocol OID names.
func (i Info) Cipher() (sm.Alg, error) {
	if !IsPACE(i.Protocol) {
		return 0, fmt.Errorf("pace: %v is not a PACE protocol", i.Protocol)
	}
	switch i.Protocol[len(i.Protocol)-1] {
	case 1:
		return sm.TDES, nil
	case 2:
		return sm.AES128, nil
	case 3:
		return sm.AES192, nil
	case 4:
		return sm.AES256, nil
	}
	return 0, fmt.Errorf("pace: unknown cipher in %v", i.Protocol)
}

// Supported reports whether this package can run the protocol: generic mapping
// over DH or ECDH with a known domain parameter id.
func (i Info) Supported() error {
	if _, err := i.Cipher(); err != nil {
		return err
	}
	m := i.Protocol[len(i.Protocol)-2]
	if m != arcDHGM && m != arcECDHGM {
		return fmt.Errorf("pace: mapping of %v not supported (only generic mapping)", i.Protocol)
	}
	g, err := groupFor(i.ParameterID)
	if err != nil {
		return err
	}
	if g.isEC() != (m == arcECDHGM) {
		return fmt.Errorf("pace: parameter id %d does not fit %v", i.ParameterID, i.Protocol)
	}
	return nil
}

// String names the protocol the way BSI TR-03110 does, for logs and CLI output.
func (i Info) String() string {
	names := map[int]string{arcDHGM: "DH-GM", arcECDHGM: "ECDH-GM", arcDHIM: "DH-IM", arcECDHIM: "ECDH-IM", arcECDHCAM: "ECDH-CAM"}
	if !IsPACE(i.Protocol) {
		return i.Protocol.String()
	}
	alg, _ := i.Cipher()
	return fmt.Sprintf("PACE-%s-%s (parameter id %d)", names[i.Protocol[len(i.Protocol)-2]], alg, i.ParameterID)
}

// maxCardAccess bounds the file; real ones are under 1 KB.
const maxCardAccess = 16 << 10

// ParseCardAccess returns the PACEInfos of EF.CardAccess, a DER SET OF
// SecurityInfo. Other security infos (chip authentication, domain parameters,
// proprietary ones) are skipped.
func ParseCardAccess(b []byte) ([]Info, error) {
	if len(b) > maxCardAccess {
		return nil, errors.New("pace: EF.CardAccess too large")
	}
	var set asn1.RawValue
	rest, err := asn1.Unmarshal(b, &set)
	if err != nil {
		return nil, fmt.Errorf("pace: EF.CardAccess: %w", err)
	}
	if set.Class != asn1.ClassUniversal || set.Tag != asn1.TagSet || !set.IsCompound {
		return nil, errors.New("pace: EF.CardAccess is not a SET")
	}
	for _, x := range rest {
		if x != 0x00 && x != 0xFF {
			return nil, errors.New("pace: data after EF.CardAccess")
		}
	}
	var out []Info
	body := set.Bytes
	for len(body) > 0 {
		var seq asn1.RawValue
		body, err = asn1.Unmarshal(body, &seq)
		if err != nil {
			return nil, fmt.Errorf("pace: SecurityInfo: %w", err)
		}
		if seq.Tag != asn1.TagSequence || !seq.IsCompound {
			return nil, errors.New("pace: SecurityInfo is not a SEQUENCE")
		}
		var proto asn1.ObjectIdentifier
		fields, err := asn1.Unmarshal(seq.Bytes, &proto)
		if err != nil {
			return nil, fmt.Errorf("pace: SecurityInfo protocol: %w", err)
		}
		if !IsPACE(proto) {
			continue
		}
		info := Info{Protocol: proto, ParameterID: -1}
		if fields, err = asn1.Unmarshal(fields, &info.Version); err != nil {
			return nil, fmt.Errorf("pace: PACEInfo version: %w", err)
		}
		if len(fields) > 0 {
			if fields, err = asn1.Unmarshal(fields, &info.ParameterID); err != nil {
				return nil, fmt.Errorf("pace: PACEInfo parameterId: %w", err)
			}
			if info.ParameterID < 0 {
				return nil, errors.New("pace: negative parameterId")
			}
		}
		if len(fields) > 0 {
			return nil, errors.New("pace: extra fields in PACEInfo")
		}
		out = append(out, info)
	}
	if len(out) == 0 {
		return nil, errors.New("pace: EF.CardAccess has no PACEInfo")
	}
	return out, nil
}

// EncodeCardAccess builds EF.CardAccess for the given infos (used to
// personalise the simulated card).
func EncodeCardAccess(infos []Info) ([]byte, error) {
	var body []byte
	for _, i := range infos {
		var v any
		if i.ParameterID >= 0 {
			v = struct {
				P asn1.ObjectIdentifier
				V int
				I int
			}{i.Protocol, i.Version, i.ParameterID}
		} else {
			v = struct {
				P asn1.ObjectIdentifier
				V int
			}{i.Protocol, i.Version}
		}
		der, err := asn1.Marshal(v)
		if err != nil {
			return nil, err
		}
		body = append(body, der...)
	}
	return asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: body})
}
