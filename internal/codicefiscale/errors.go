package codicefiscale

import (
	"errors"
	"fmt"
)

// Sentinel errors, so callers (the booking form, the campaign import) can choose a
// message with errors.Is while the full text still says where the code is wrong.
var (
	// ErrLength means the code is neither 16 characters nor 11 digits long.
	ErrLength = errors.New("wrong length")
	// ErrCharacter means a character is not allowed at its position.
	ErrCharacter = errors.New("bad character")
	// ErrCheck means the code is well formed but its last character does not match.
	ErrCheck = errors.New("wrong check character")
	// ErrDate means the birth date encoded in the code does not exist.
	ErrDate = errors.New("impossible birth date")
)

// Error says what is wrong with a code and where; Pos is 1-based, 0 when the
// error concerns the whole code.
type Error struct {
	Kind   error
	Pos    int
	Detail string
}

// Error returns a message meant for an operator: it never echoes the whole code,
// because logs must not hold a codice fiscale in clear.
func (e *Error) Error() string {
	if e.Pos > 0 {
		return fmt.Sprintf("codice fiscale: %v at position %d: %s", e.Kind, e.Pos, e.Detail)
	}
	return fmt.Sprintf("codice fiscale: %v: %s", e.Kind, e.Detail)
}

// Unwrap lets errors.Is match the sentinel kinds.
func (e *Error) Unwrap() error { return e.Kind }
