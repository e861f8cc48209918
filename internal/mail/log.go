package mail

import (
	"context"
	"log/slog"
)

// Log is the Mailer of a server with no SMTP configured: it records that a message
// would have gone out, with the address masked, and never its content.
type Log struct{ Logger *slog.Logger }

// Send implements Mailer.
func (l Log) Send(_ context.Context, m *Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	l.Logger.Warn("mail not sent: no SMTP server configured", "to", MaskAddress(m.To[0]), "recipients", len(m.To), "attachments", len(m.Attachments))
	return nil
}

// Configured reports whether m delivers mail: false for Log, the stand-in of a server
// started without SMTP, so pages can warn instead of saying a message was sent.
func Configured(m Mailer) bool {
	switch m.(type) {
	case nil, Log, *Log:
		return false
	}
	return true
}
