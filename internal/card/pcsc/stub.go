//go:build !pcsc

package pcsc

import "context"

// Available reports whether this build can talk to real readers.
const Available = false

// Reader is a connected card reader; without the pcsc tag none can be opened.
type Reader struct{}

// Open always fails in a build without the pcsc tag.
func Open(ctx context.Context, name string) (*Reader, error) { return nil, ErrNotBuilt }

// Readers always fails in a build without the pcsc tag.
func Readers() ([]string, error) { return nil, ErrNotBuilt }

// Transmit is never reached: Open fails first.
func (r *Reader) Transmit(apdu []byte) ([]byte, error) { return nil, ErrNotBuilt }

// Close does nothing.
func (r *Reader) Close() error { return nil }

// Name is empty.
func (r *Reader) Name() string { return "" }
