package outreach

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/sportello/sportello/internal/mail"
)

// refusingSession is a relay that refuses "gone@" mailboxes for good (550) and
// "busy@" ones for now (451), as real relays answer at RCPT.
type refusingSession struct{}

func (refusingSession) Reset()        {}
func (refusingSession) Logout() error { return nil }
func (refusingSession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (refusingSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	switch {
	case strings.HasPrefix(to, "gone@"):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	case strings.HasPrefix(to, "busy@"):
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	return nil
}
func (refusingSession) Data(r io.Reader) error { _, err := io.Copy(io.Discard, r); return err }

// TestBouncedOverSMTP sends through the production SMTP client to a real SMTP server
// and checks that only a permanent refusal counts as a bounce.
func TestBouncedOverSMTP(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return refusingSession{}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	m := &mail.SMTP{Addr: l.Addr().String(), From: "Comune <noreply@comune.example>", Timeout: 10 * time.Second}
	tests := []struct {
		to      string
		wantErr bool
		bounced bool
	}{
		{"ok@example.it", false, false},
		{"gone@example.it", true, true},
		{"busy@example.it", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.to, func(t *testing.T) {
			err := m.Send(context.Background(), &mail.Message{To: []string{tt.to}, Subject: "x", Text: "y"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("send: %v", err)
			}
			if err != nil && Bounced(err) != tt.bounced {
				t.Fatalf("Bounced(%v) = %v, want %v", err, !tt.bounced, tt.bounced)
			}
		})
	}
}
