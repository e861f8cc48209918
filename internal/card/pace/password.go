package pace

import (
	"fmt"
	"strings"

	"github.com/sportello/sportello/internal/card/bac"
)

// Password references of MSE:Set AT (ICAO 9303-11 §4.4.4.1).
const (
	RefMRZ byte = 1
	RefCAN byte = 2
)

// Password is the shared secret PACE starts from: its reference and the bytes
// the KDF takes (the CAN as ASCII, or SHA-1 of the MRZ information).
type Password struct {
	Ref    byte
	Secret []byte
}

// CAN is the card access number password printed on the front of the CIE.
func CAN(can string) (Password, error) {
	can = strings.TrimSpace(can)
	if len(can) != 6 || strings.Trim(can, "0123456789") != "" {
		return Password{}, fmt.Errorf("pace: CAN %q is not 6 digits", can)
	}
	return Password{Ref: RefCAN, Secret: []byte(can)}, nil
}

// MRZ is the password derived from the MRZ key, as BAC uses it.
func MRZ(k bac.Key) (Password, error) {
	if err := k.Validate(); err != nil {
		return Password{}, err
	}
	return Password{Ref: RefMRZ, Secret: k.PACESecret()}, nil
}
