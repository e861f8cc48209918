// Package mail sends e-mail: a one-method Mailer interface, an SMTP implementation on
// wneessen/go-mail, a logging stand-in for servers without SMTP, and a job that sends a
// queued message, so callers hand mail to the database queue and a restart or an SMTP
// outage loses nothing.
package mail

import (
	"context"
	"errors"
	"strings"
)

// Message is one e-mail. Text is required; HTML is an optional alternative.
type Message struct {
	To          []string     `json:"to"`
	Subject     string       `json:"subject"`
	Text        string       `json:"text"`
	HTML        string       `json:"html,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// Headers are extra headers such as List-Unsubscribe for campaign mail.
	Headers map[string]string `json:"headers,omitempty"`
}

// Attachment is a file sent with a message, e.g. an ICS calendar entry.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Data        []byte `json:"data"`
}

// Mailer delivers one message. Implementations must be safe for concurrent use.
type Mailer interface {
	Send(ctx context.Context, m *Message) error
}

// Validate checks a message before it is queued, so a bad one fails at once instead
// of being retried for hours.
func (m *Message) Validate() error {
	if len(m.To) == 0 {
		return errors.New("mail: no recipient")
	}
	for _, to := range m.To {
		if !strings.Contains(to, "@") || strings.ContainsAny(to, "\r\n") {
			return errors.New("mail: bad recipient")
		}
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return errors.New("mail: subject contains a line break")
	}
	if m.Text == "" {
		return errors.New("mail: empty body")
	}
	return nil
}

// MaskAddress hides most of an address for logs: "m***@example.it".
func MaskAddress(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 1 {
		return "***"
	}
	return addr[:1] + "***" + addr[at:]
}
