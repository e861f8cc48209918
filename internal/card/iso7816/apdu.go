package iso7816

import (
	"errors"
	"fmt"
)

// Transceiver sends one command APDU to a card and returns its raw response
// (data followed by the two status bytes). Readers, secure channels and
// simulated cards all implement it, so every protocol layer is testable without
// hardware.
type Transceiver interface {
	Transmit(apdu []byte) ([]byte, error)
}

// Command is one command APDU. Ne is the number of response bytes expected:
// 0 means no Le field, 256 is encoded as a short Le of 00, anything larger
// switches to extended length (65536 is encoded as 0000).
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte
	Ne               int
}

// MaxShortNe is the largest Ne a short APDU can ask for.
const MaxShortNe = 256

// MaxExtendedNe is the largest Ne an extended APDU can ask for.
const MaxExtendedNe = 65536

// Bytes encodes the command, choosing short length unless the data or Ne need
// extended length.
func (c Command) Bytes() ([]byte, error) {
	if len(c.Data) > 65535 {
		return nil, fmt.Errorf("apdu: %d data bytes exceed extended length", len(c.Data))
	}
	if c.Ne < 0 || c.Ne > MaxExtendedNe {
		return nil, fmt.Errorf("apdu: Ne %d out of range", c.Ne)
	}
	out := []byte{c.CLA, c.INS, c.P1, c.P2}
	extended := len(c.Data) > 255 || c.Ne > MaxShortNe
	if !extended {
		if len(c.Data) > 0 {
			out = append(out, byte(len(c.Data)))
			out = append(out, c.Data...)
		}
		if c.Ne > 0 {
			out = append(out, byte(c.Ne)) // 256 wraps to 00 as the standard wants
		}
		return out, nil
	}
	if len(c.Data) > 0 {
		out = append(out, 0, byte(len(c.Data)>>8), byte(len(c.Data)))
		out = append(out, c.Data...)
	}
	if c.Ne > 0 {
		if len(c.Data) == 0 {
			out = append(out, 0)
		}
		out = append(out, byte(c.Ne>>8), byte(c.Ne)) // 65536 wraps to 0000
	}
	return out, nil
}

// ParseCommand decodes a command APDU in any of the four ISO 7816-4 cases, short
// or extended. Simulated cards and the card side of secure messaging use it.
func ParseCommand(b []byte) (Command, error) {
	if len(b) < 4 {
		return Command{}, errors.New("apdu: command shorter than its header")
	}
	c := Command{CLA: b[0], INS: b[1], P1: b[2], P2: b[3]}
	body := b[4:]
	switch {
	case len(body) == 0: // case 1
		return c, nil
	case len(body) == 1: // case 2 short
		c.Ne = int(body[0])
		if c.Ne == 0 {
			c.Ne = MaxShortNe
		}
		return c, nil
	case body[0] != 0: // case 3 or 4 short
		lc := int(body[0])
		switch len(body) {
		case 1 + lc:
		case 2 + lc:
			c.Ne = int(body[1+lc])
			if c.Ne == 0 {
				c.Ne = MaxShortNe
			}
		default:
			return Command{}, fmt.Errorf("apdu: Lc %d does not match %d body bytes", lc, len(body))
		}
		c.Data = append([]byte(nil), body[1:1+lc]...)
		return c, nil
	}
	// Extended length: body starts with 00.
	if len(body) == 3 { // case 2 extended
		c.Ne = int(body[1])<<8 | int(body[2])
		if c.Ne == 0 {
			c.Ne = MaxExtendedNe
		}
		return c, nil
	}
	if len(body) < 3 {
		return Command{}, errors.New("apdu: truncated extended length")
	}
	lc := int(body[1])<<8 | int(body[2])
	if lc == 0 {
		return Command{}, errors.New("apdu: extended Lc of zero")
	}
	switch len(body) {
	case 3 + lc:
	case 5 + lc:
		c.Ne = int(body[3+lc])<<8 | int(body[4+lc])
		if c.Ne == 0 {
			c.Ne = MaxExtendedNe
		}
	default:
		return Command{}, fmt.Errorf("apdu: extended Lc %d does not match %d body bytes", lc, len(body))
	}
	c.Data = append([]byte(nil), body[3:3+lc]...)
	return c, nil
}

// Response is a decoded response APDU.
type Response struct {
	Data []byte
	SW   uint16
}

// ParseResponse splits a raw response into data and status word.
func ParseResponse(b []byte) (Response, error) {
	if len(b) < 2 {
		return Response{}, fmt.Errorf("apdu: response of %d bytes has no status word", len(b))
	}
	n := len(b) - 2
	return Response{Data: append([]byte(nil), b[:n]...), SW: uint16(b[n])<<8 | uint16(b[n+1])}, nil
}

// Bytes encodes the response as a card sends it.
func (r Response) Bytes() []byte {
	out := make([]byte, 0, len(r.Data)+2)
	out = append(out, r.Data...)
	return append(out, byte(r.SW>>8), byte(r.SW))
}

// OK reports whether the card answered 9000.
func (r Response) OK() bool { return r.SW == SWOK }

// Err returns nil for 9000 and a *StatusError otherwise, naming op.
func (r Response) Err(op string) error {
	if r.OK() {
		return nil
	}
	return &StatusError{Op: op, SW: r.SW}
}
