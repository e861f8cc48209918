package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/model"
)

// campaignCancelMessage is the e-mail for a campaign appointment cancelled while its
// citizen went back to the campaign (Engine.Cancelled): written like the campaign's
// own mails, Italian then English whatever the booking's language (the campaign
// wrote to this citizen in both), with the reason the office gave, and saying what
// the system does next: a new proposal comes, and booking another time at /prenota
// stays open to them.
func (e *Engine) campaignCancelMessage(ctx context.Context, b *booking.Booking, p jobPayload, o *model.Office, svc *booking.Service) (*mail.Message, error) {
	when := b.Start.In(e.Loc)
	name := ""
	if len(b.Persons) > 0 {
		name = " " + strings.TrimSpace(b.Persons[0].Name+" "+b.Persons[0].Surname)
	}
	var body strings.Builder
	fmt.Fprintf(&body, "Gentile%s,\n\nil suo appuntamento per la carta d'identità elettronica è stato annullato:\n\n", name)
	fmt.Fprintf(&body, "  %s, ore %s\n  %s, %s\n\n", formatDay(when, false), when.Format("15:04"), o.Name, o.Address)
	if p.Reason != "" {
		fmt.Fprintf(&body, "Motivo: %s\n", p.Reason)
	}
	fmt.Fprintf(&body, "Codice della prenotazione: %s\n\n", b.Code)
	fmt.Fprintf(&body, "Riceverà una nuova proposta di appuntamento dal Comune. Se preferisce, può anche prenotare da sé un altro orario su %s/prenota.\n\n---\n\n", e.BaseURL)
	fmt.Fprintf(&body, "Dear%s,\n\nyour appointment for the electronic identity card has been cancelled:\n\n", name)
	fmt.Fprintf(&body, "  %s at %s\n  %s, %s\n\n", formatDay(when, true), when.Format("15:04"), o.Name, o.Address)
	if p.Reason != "" {
		fmt.Fprintf(&body, "Reason: %s\n", p.Reason)
	}
	fmt.Fprintf(&body, "Booking code: %s\n\n", b.Code)
	fmt.Fprintf(&body, "You will receive a new appointment proposal from the comune. If you prefer, you can also book another time yourself at %s/prenota.\n\n", e.BaseURL)
	body.WriteString("Questo messaggio è stato inviato automaticamente dal Comune. / This message was sent automatically by the comune.\n")
	ics, err := e.calendarFile(ctx, b, p, o, svc, false)
	if err != nil {
		return nil, err
	}
	return &mail.Message{To: []string{b.Email}, Subject: "Carta d'identità elettronica: appuntamento annullato / appointment cancelled – " + b.Code,
		Text: body.String(), Attachments: []mail.Attachment{{Name: "appuntamento.ics", ContentType: "text/calendar; charset=utf-8; method=CANCEL", Data: []byte(ics)}}}, nil
}
