package emrtd

import (
	"errors"
	"fmt"

	"github.com/sportello/sportello/internal/card/iso7816"
)

// maxChunk is the most bytes one READ BINARY asks for. 0xA0 is what the iOS
// reader that has read real CIEs asks for; the CIE answers plain reads with at
// most 0xE7 bytes, and 0xA0 keeps the protected answer (DO87 + DO99 + DO8E)
// well below that.
const maxChunk = 0xA0

// maxFile bounds what we read from one EF; DG2 of a CIE is 15-30 KB.
const maxFile = 1 << 20

// SelectFile selects an elementary file by identifier under the current DF.
func SelectFile(t iso7816.Transceiver, fid uint16) error {
	r, err := iso7816.Send(t, iso7816.Command{INS: 0xA4, P1: 0x02, P2: 0x0C, Data: []byte{byte(fid >> 8), byte(fid)}})
	if err != nil {
		return err
	}
	return r.Err(fmt.Sprintf("SELECT %04X", fid))
}

// ReadFile selects an EF and reads it whole.
func ReadFile(t iso7816.Transceiver, fid uint16) ([]byte, error) {
	if err := SelectFile(t, fid); err != nil {
		return nil, err
	}
	return ReadSelected(t)
}

// ReadSelected reads the current EF, which holds one BER-TLV object: the first
// bytes give its length, the rest comes in chunks.
func ReadSelected(t iso7816.Transceiver) ([]byte, error) {
	head, err := readBinary(t, 0, 8)
	if err != nil {
		return nil, err
	}
	_, h, l, err := iso7816.ParseHeader(head)
	if err != nil {
		return nil, fmt.Errorf("emrtd: file header: %w", err)
	}
	total := h + l
	if total > maxFile {
		return nil, fmt.Errorf("emrtd: file of %d bytes too large", total)
	}
	if len(head) >= total {
		return head[:total], nil
	}
	data := make([]byte, 0, total)
	data = append(data, head...)
	for len(data) < total {
		n := min(total-len(data), maxChunk)
		chunk, err := readBinary(t, len(data), n)
		if err != nil {
			return nil, err
		}
		if len(chunk) == 0 {
			return nil, fmt.Errorf("emrtd: file ends at %d of %d bytes", len(data), total)
		}
		data = append(data, chunk...)
	}
	return data[:total], nil
}

// readBinary reads n bytes at offset. Offsets beyond 32767 do not fit P1-P2,
// so they use the odd READ BINARY (B1) with the offset in DO54.
func readBinary(t iso7816.Transceiver, offset, n int) ([]byte, error) {
	var c iso7816.Command
	if offset <= 0x7FFF {
		c = iso7816.Command{INS: 0xB0, P1: byte(offset >> 8), P2: byte(offset), Ne: n}
	} else {
		off := []byte{byte(offset >> 16), byte(offset >> 8), byte(offset)}
		c = iso7816.Command{INS: 0xB1, Data: iso7816.Encode(0x54, off), Ne: n + 4}
	}
	r, err := iso7816.Send(t, c)
	if err != nil {
		return nil, err
	}
	if r.SW != iso7816.SWOK && r.SW != iso7816.SWWarningEOF {
		return nil, r.Err("READ BINARY")
	}
	if c.INS == 0xB1 {
		v, ok := iso7816.Find(r.Data, 0x53)
		if !ok {
			return nil, errors.New("emrtd: READ BINARY (B1) answer without DO53")
		}
		return v, nil
	}
	return r.Data, nil
}
