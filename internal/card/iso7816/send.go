package iso7816

import "fmt"

// maxGetResponse bounds the GET RESPONSE loop so a card that keeps answering
// 61xx cannot keep the reader busy forever.
const maxGetResponse = 64

// Send encodes c, transmits it and decodes the answer, doing what ISO 7816-4
// (T=0 transport) asks of the terminal: on 6Cxx it repeats the command with the
// exact Le, on 61xx it fetches the rest with GET RESPONSE and joins the pieces.
// Only commands without data are repeated on 6Cxx: a command with data may
// have changed the card's state (a CIE answers 6C00 to a PACE step it refused,
// and a repeat then fails with 6985). The returned Response carries the final
// status word; Send itself fails only on transport and encoding errors.
func Send(t Transceiver, c Command) (Response, error) {
	raw, err := c.Bytes()
	if err != nil {
		return Response{}, err
	}
	r, err := transmit(t, raw)
	if err != nil {
		return Response{}, err
	}
	if r.SW>>8 == 0x6C && len(c.Data) == 0 {
		c.Ne = int(r.SW & 0xFF)
		if c.Ne == 0 {
			c.Ne = MaxShortNe
		}
		if raw, err = c.Bytes(); err != nil {
			return Response{}, err
		}
		if r, err = transmit(t, raw); err != nil {
			return Response{}, err
		}
	}
	data := r.Data
	for i := 0; r.SW>>8 == 0x61; i++ {
		if i == maxGetResponse {
			return Response{}, fmt.Errorf("apdu: card still answers 61xx after %d GET RESPONSE", i)
		}
		ne := int(r.SW & 0xFF)
		if ne == 0 {
			ne = MaxShortNe
		}
		get, _ := Command{CLA: c.CLA & 0x03, INS: 0xC0, Ne: ne}.Bytes()
		if r, err = transmit(t, get); err != nil {
			return Response{}, err
		}
		data = append(data, r.Data...)
	}
	r.Data = data
	return r, nil
}

func transmit(t Transceiver, raw []byte) (Response, error) {
	b, err := t.Transmit(raw)
	if err != nil {
		return Response{}, err
	}
	return ParseResponse(b)
}
