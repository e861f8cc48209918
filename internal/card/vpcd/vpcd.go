// Package vpcd connects a simulated card to the vsmartcard virtual reader
// driver (Debian package vsmartcard-vpcd) inside pcscd, so PC/SC clients see it
// as a card in a real reader. The driver listens on TCP port 35963; the card
// connects and answers: every message is a 2-byte big-endian length and then
// the data, where a 1-byte message is a control code (0 power off, 1 power on,
// 2 reset, 4 ATR request) and anything longer is a command APDU.
//
// Written by hand: the protocol is a few lines and vsmartcard ships only a
// Python card ("vicc"), which would put a second runtime into CI.
package vpcd

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
)

// DefaultAddr is where vpcd listens in its Debian configuration; only the
// loopback address is ever used, the reader is local.
const DefaultAddr = "127.0.0.1:35963"

// Control codes of the vpcd protocol.
const (
	ctrlOff   = 0x00
	ctrlOn    = 0x01
	ctrlReset = 0x02
	ctrlATR   = 0x04
)

// Card is what vpcd needs of a card.
type Card interface {
	Transmit(apdu []byte) ([]byte, error)
	ATR() []byte
	Reset()
}

// Serve connects card to the vpcd driver at addr and answers until ctx ends or
// the driver closes the connection (pcscd stopped). It returns nil when ctx
// was cancelled.
func Serve(ctx context.Context, addr string, card Card) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("vpcd: connect %s: %w", addr, err)
	}
	return ServeConn(ctx, conn, card)
}

// ServeConn runs the protocol on an open connection and closes it at the end.
func ServeConn(ctx context.Context, conn net.Conn, card Card) error {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	for {
		quickACK(conn)
		msg, err := readMessage(conn)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("vpcd: driver closed the connection")
			}
			return fmt.Errorf("vpcd: %w", err)
		}
		var reply []byte
		if len(msg) == 1 {
			switch msg[0] {
			case ctrlOff, ctrlOn, ctrlReset:
				card.Reset()
				continue
			case ctrlATR:
				reply = card.ATR()
			default:
				return fmt.Errorf("vpcd: unknown control code %d", msg[0])
			}
		} else {
			if reply, err = card.Transmit(msg); err != nil {
				// The card had an internal failure; a real card answers 6F00.
				reply = []byte{0x6F, 0x00}
			}
		}
		if err := writeMessage(conn, reply); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("vpcd: %w", err)
		}
	}
}

func readMessage(r io.Reader) ([]byte, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint16(hdr[:])
	if n == 0 {
		return nil, errors.New("empty message")
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

func writeMessage(w io.Writer, msg []byte) error {
	if len(msg) > 0xFFFF {
		return fmt.Errorf("reply of %d bytes too long", len(msg))
	}
	buf := make([]byte, 2+len(msg))
	binary.BigEndian.PutUint16(buf, uint16(len(msg)))
	copy(buf[2:], msg)
	_, err := w.Write(buf)
	return err
}
