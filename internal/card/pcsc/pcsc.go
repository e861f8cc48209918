//go:build pcsc

package pcsc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ebfe/scard"
)

// Available reports whether this build can talk to real readers.
const Available = true

// Reader is a card in a PC/SC reader; it implements iso7816.Transceiver.
type Reader struct {
	ctx  *scard.Context
	card *scard.Card
	name string
}

// Readers lists the reader names pcscd knows.
func Readers() ([]string, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, fmt.Errorf("pcsc: is pcscd running? %w", err)
	}
	defer ctx.Release()
	names, err := ctx.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	return names, err
}

// poll is how long one GetStatusChange waits, so ctx is checked regularly.
const poll = 250 * time.Millisecond

// Open waits (until ctx ends) for a card in the reader called name, or in any
// reader when name is empty, and connects to it exclusively. A name matches a
// reader exactly or as a prefix ("Virtual PCD" matches "Virtual PCD 00 00").
func Open(ctx context.Context, name string) (*Reader, error) {
	sc, err := scard.EstablishContext()
	if err != nil {
		return nil, fmt.Errorf("pcsc: is pcscd running? %w", err)
	}
	for {
		reader, err := cardPresent(sc, name)
		if err != nil {
			sc.Release()
			return nil, err
		}
		if reader != "" {
			card, err := sc.Connect(reader, scard.ShareExclusive, scard.ProtocolAny)
			if err != nil {
				sc.Release()
				return nil, fmt.Errorf("pcsc: connect %q: %w", reader, err)
			}
			return &Reader{ctx: sc, card: card, name: reader}, nil
		}
		select {
		case <-ctx.Done():
			sc.Release()
			if name == "" {
				return nil, fmt.Errorf("pcsc: no card in any reader: %w", ctx.Err())
			}
			return nil, fmt.Errorf("pcsc: no card in reader %q: %w", name, ctx.Err())
		case <-time.After(poll):
		}
	}
}

// cardPresent returns the first matching reader holding a card, or "".
func cardPresent(sc *scard.Context, name string) (string, error) {
	names, err := sc.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("pcsc: list readers: %w", err)
	}
	var states []scard.ReaderState
	for _, n := range names {
		if name == "" || n == name || strings.HasPrefix(n, name) {
			states = append(states, scard.ReaderState{Reader: n, CurrentState: scard.StateUnaware})
		}
	}
	if len(states) == 0 {
		return "", fmt.Errorf("pcsc: no reader called %q (have %s)", name, strings.Join(names, ", "))
	}
	if err := sc.GetStatusChange(states, 0); err != nil && !errors.Is(err, scard.ErrTimeout) {
		return "", fmt.Errorf("pcsc: reader status: %w", err)
	}
	for _, s := range states {
		if s.EventState&scard.StatePresent != 0 && s.EventState&scard.StateMute == 0 {
			return s.Reader, nil
		}
	}
	return "", nil
}

// Name is the reader's PC/SC name.
func (r *Reader) Name() string { return r.name }

// Transmit sends one APDU to the card.
func (r *Reader) Transmit(apdu []byte) ([]byte, error) {
	resp, err := r.card.Transmit(apdu)
	if err != nil {
		return nil, fmt.Errorf("pcsc: transmit: %w", err)
	}
	return resp, nil
}

// Close resets the card (ending any secure messaging session) and releases
// the PC/SC context.
func (r *Reader) Close() error {
	err := r.card.Disconnect(scard.ResetCard)
	if rerr := r.ctx.Release(); err == nil {
		err = rerr
	}
	return err
}
