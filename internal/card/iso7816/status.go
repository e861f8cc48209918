package iso7816

import (
	"errors"
	"fmt"
)

// Status words the protocols in this project act on.
const (
	SWOK                     uint16 = 0x9000
	SWWarningEOF             uint16 = 0x6282 // end of file reached before Ne bytes
	SWVerificationFailed     uint16 = 0x6300
	SWWrongLength            uint16 = 0x6700
	SWSMObjectsMissing       uint16 = 0x6987
	SWSMObjectsIncorrect     uint16 = 0x6988
	SWSecurityNotSatisfied   uint16 = 0x6982
	SWAuthMethodBlocked      uint16 = 0x6983
	SWConditionsNotSatisfied uint16 = 0x6985
	SWWrongData              uint16 = 0x6A80
	SWFileNotFound           uint16 = 0x6A82
	SWWrongP1P2              uint16 = 0x6B00
	SWINSNotSupported        uint16 = 0x6D00
	SWCLANotSupported        uint16 = 0x6E00
	SWUnknown                uint16 = 0x6F00
)

// StatusError is a status word other than 9000, with the operation that got it,
// so callers can tell "file not found" from "access denied" with errors.As.
type StatusError struct {
	Op string
	SW uint16
}

// Error names the operation and the status word in words.
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: card answered %04X (%s)", e.Op, e.SW, Describe(e.SW))
}

// IsSW reports whether err is a *StatusError carrying sw.
func IsSW(err error, sw uint16) bool {
	var se *StatusError
	return errors.As(err, &se) && se.SW == sw
}

// Describe names a status word in words for logs and CLI output.
func Describe(sw uint16) string {
	switch sw {
	case SWOK:
		return "success"
	case SWWarningEOF:
		return "end of file reached"
	case SWWrongLength:
		return "wrong length"
	case SWSMObjectsMissing:
		return "secure messaging data objects missing"
	case SWSMObjectsIncorrect:
		return "secure messaging data objects incorrect"
	case SWSecurityNotSatisfied:
		return "security status not satisfied"
	case SWAuthMethodBlocked:
		return "authentication method blocked"
	case SWConditionsNotSatisfied:
		return "conditions of use not satisfied"
	case SWWrongData:
		return "incorrect data"
	case SWFileNotFound:
		return "file or application not found"
	case SWWrongP1P2:
		return "wrong parameters P1-P2"
	case SWINSNotSupported:
		return "instruction not supported"
	case SWCLANotSupported:
		return "class not supported"
	}
	switch sw >> 8 {
	case 0x61:
		return fmt.Sprintf("%d more bytes available", sw&0xFF)
	case 0x6C:
		return fmt.Sprintf("wrong Le, exact length is %d", sw&0xFF)
	case 0x63:
		if sw&0xF0 == 0xC0 {
			return fmt.Sprintf("verification failed, %d tries left", sw&0x0F)
		}
		return "verification failed"
	}
	return "error"
}
