package web

import "github.com/sportello/sportello/internal/mail"

// mailConfigured reports whether the server delivers e-mail. Without --smtp-addr the
// mailer only logs (mail.Log): pages then warn and never say a message was sent.
func (s *Server) mailConfigured() bool {
	switch {
	case s.Campaign != nil:
		return mail.Configured(s.Campaign.Mailer)
	case s.Booking != nil:
		return mail.Configured(s.Booking.Mailer)
	}
	return false
}
