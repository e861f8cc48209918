// Package model holds Sportello's domain types. It knows nothing of HTTP, SQL or files,
// so every adapter (web, store, cli) can share the same vocabulary.
package model

import (
	"errors"
	"fmt"
)

// Error codes: the small set every layer agrees on. The web layer maps them to HTTP
// statuses in exactly one place.
const (
	EINVALID      = "invalid"      // the input is wrong; the message says how
	ENOTFOUND     = "not_found"    // no such record
	ECONFLICT     = "conflict"     // the record exists or changed under us (e.g. a slot just taken)
	EUNAUTHORIZED = "unauthorized" // not logged in, or a bad/expired link
	EFORBIDDEN    = "forbidden"    // logged in but not allowed
	ERATELIMIT    = "rate_limited" // too many attempts
	EUNAVAILABLE  = "unavailable"  // a dependency is down
	EINTERNAL     = "internal"     // a bug or an unexpected failure; details go to the log only
	ETOOLARGE     = "too_large"    // an upload or request body over its limit
	EUNSUPPORTED  = "unsupported"  // a format we refuse, with a reason
)

// Error is the one application error type. Message is safe to show to the user.
type Error struct {
	Code    string
	Message string
	Field   string // optional: the form field the message belongs to
	Err     error  // optional: the underlying cause, logged but never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes an application error with a user-facing message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError makes an EINVALID error tied to one form field, so a form can show it in place.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Sentinel errors returned by stores, wrapped with context; errors.Is finds them.
var (
	ErrNotFound = &Error{Code: ENOTFOUND, Message: "not found"}
	ErrConflict = &Error{Code: ECONFLICT, Message: "already exists or changed"}
)

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err, hiding internal details.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "internal error"
}
