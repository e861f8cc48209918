// Package pcsc talks to real card readers through the PC/SC daemon (pcscd) with
// github.com/ebfe/scard. That library needs cgo and libpcsclite, so the real
// client is built only with the build tag `pcsc`; without it Open returns
// ErrNotBuilt and the default sportello binary stays pure Go.
package pcsc

import "errors"

// ErrNotBuilt means this binary was built without PC/SC support.
var ErrNotBuilt = errors.New("PC/SC support is not built in: rebuild with -tags pcsc (needs cgo and libpcsclite-dev)")
