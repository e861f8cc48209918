package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/model"
)

// message writes a booking e-mail in the citizen's language, with the calendar entry.
func (e *Engine) message(ctx context.Context, b *booking.Booking, p jobPayload) (*mail.Message, error) {
	what := p.What
	o, err := e.Office(ctx, b.OfficeID)
	if err != nil {
		return nil, err
	}
	svc, err := e.serviceByID(ctx, b.ServiceID)
	if err != nil {
		return nil, err
	}
	if what == mailCampaignCancelled {
		return e.campaignCancelMessage(ctx, b, p, o, svc)
	}
	en := b.Lang == "en"
	t := func(it, eng string) string {
		if en {
			return eng
		}
		return it
	}
	when := b.Start.In(e.Loc)
	day := formatDay(when, en)
	clock := when.Format("15:04")
	var subject, intro string
	switch what {
	case mailConfirmed:
		subject = t("Prenotazione confermata", "Booking confirmed")
		intro = t("la sua prenotazione è confermata.", "your booking is confirmed.")
	case mailMoved:
		subject = t("Prenotazione spostata", "Booking moved")
		intro = t("la sua prenotazione è stata spostata al nuovo orario qui sotto.", "your booking has been moved to the new time below.")
	case mailReminder:
		subject = t("Promemoria appuntamento", "Appointment reminder")
		intro = t("le ricordiamo il suo appuntamento.", "this is a reminder of your appointment.")
	case mailReconfirm:
		subject = t("Confermi il suo appuntamento", "Please confirm your appointment")
		intro = t("le chiediamo di confermare che verrà all'appuntamento. Se non conferma entro la scadenza, la prenotazione sarà annullata e l'orario passerà ad altri cittadini.",
			"please confirm that you will come. Without confirmation by the deadline the booking is cancelled and the time given to other citizens.")
	case mailCancelled:
		subject = t("Prenotazione annullata", "Booking cancelled")
		intro = t("la sua prenotazione è stata annullata.", "your booking has been cancelled.")
	case mailAutoCancelled:
		subject = t("Prenotazione annullata per mancata conferma", "Booking cancelled: not confirmed")
		intro = t("la sua prenotazione è stata annullata perché non è stata confermata entro la scadenza.", "your booking has been cancelled because it was not confirmed by the deadline.")
	default:
		return nil, model.Errorf(model.EINTERNAL, "unknown booking mail %q", what)
	}
	subject += " – " + svc.Name(b.Lang) + " – " + b.Code
	var body strings.Builder
	name := ""
	if len(b.Persons) > 0 {
		name = " " + b.Persons[0].Name
	}
	fmt.Fprintf(&body, "%s%s,\n%s\n", t("Gentile", "Dear"), name, intro)
	if p.Reason != "" {
		fmt.Fprintf(&body, "%s: %s\n", t("Motivo", "Reason"), p.Reason)
	}
	body.WriteString("\n")
	fmt.Fprintf(&body, "%s: %s\n", t("Servizio", "Service"), svc.Name(b.Lang))
	fmt.Fprintf(&body, "%s: %s %s %s\n", t("Quando", "When"), day, t("alle", "at"), clock)
	fmt.Fprintf(&body, "%s: %s, %s\n", t("Dove", "Where"), o.Name, o.Address)
	fmt.Fprintf(&body, "%s: %s\n", t("Codice prenotazione", "Booking reference"), b.Code)
	fmt.Fprintf(&body, "%s:\n", t("Persone", "People"))
	for _, p := range b.Persons {
		// The codice fiscale is masked: e-mail is not a safe channel for it.
		fmt.Fprintf(&body, "  - %s %s (%s)\n", p.Name, p.Surname, booking.MaskCF(p.CF))
	}
	active := what != mailCancelled && what != mailAutoCancelled
	if active {
		fmt.Fprintf(&body, "\n%s\n%s\n", t("Per vedere, spostare o annullare la prenotazione:", "To view, move or cancel the booking:"), e.ManageURL(b))
		if what == mailReconfirm {
			st, err := e.Store.BookingSettings(ctx, b.OfficeID)
			if err == nil {
				deadline := b.Start.Add(-time.Duration(st.ReconfirmDeadlineHours) * time.Hour).In(e.Loc)
				fmt.Fprintf(&body, "%s %s %s\n", t("Confermi entro il", "Confirm by"), formatDay(deadline, en), deadline.Format("15:04"))
			}
		}
		fmt.Fprintf(&body, "\n%s\n", t("Porti con sé la vecchia carta d'identità (o la denuncia di furto o smarrimento), la tessera sanitaria e una fototessera recente.",
			"Bring your old identity card (or the theft or loss report), your health card and a recent passport photo."))
	} else {
		fmt.Fprintf(&body, "\n%s %s/prenota\n", t("Per prenotare di nuovo:", "To book again:"), e.BaseURL)
	}
	fmt.Fprintf(&body, "\n%s\n", t("Questo messaggio è stato inviato automaticamente dal servizio prenotazioni del Comune.", "This message was sent automatically by the comune's booking service."))
	ics, err := e.calendarFile(ctx, b, p, o, svc, active)
	if err != nil {
		return nil, err
	}
	method := "REQUEST"
	if !active {
		method = "CANCEL"
	}
	return &mail.Message{To: []string{b.Email}, Subject: subject, Text: body.String(),
		Attachments: []mail.Attachment{{Name: "appuntamento.ics", ContentType: "text/calendar; charset=utf-8; method=" + method, Data: []byte(ics)}}}, nil
}

// calendarFile is the ICS of booking b: a request while active, else a cancellation
// of the same event.
func (e *Engine) calendarFile(ctx context.Context, b *booking.Booking, p jobPayload, o *model.Office, svc *booking.Service, active bool) (string, error) {
	t := func(it, eng string) string {
		if b.Lang == "en" {
			return eng
		}
		return it
	}
	uid, seq := "booking-"+b.Code+"@sportello", b.Version
	other, base := p.UID, p.Seq
	if other == "" && e.CalendarUID != nil {
		var err error
		if other, base, err = e.CalendarUID(ctx, b); err != nil {
			return "", err
		}
	}
	if other != "" {
		uid, seq = other, base+b.Version
	}
	var attendee booking.Party
	if len(b.Persons) > 0 {
		attendee.Name = strings.TrimSpace(b.Persons[0].Name + " " + b.Persons[0].Surname)
	}
	attendee.Email = b.Email
	// the version rises with every move and cancellation: the sequence calendars
	// compare to replace the event they hold
	ics := booking.ICS(booking.Event{
		UID: uid, Sequence: seq, Start: b.Start, End: b.End,
		Summary: svc.Name(b.Lang) + " – " + o.Name, Location: o.Name + ", " + o.Address,
		Description: t("Codice prenotazione", "Booking reference") + " " + b.Code, URL: e.ManageURL(b),
		Lat: o.Lat, Lon: o.Lon, Cancelled: !active, Request: active, Organizer: e.Organizer, Attendee: attendee, Stamp: e.now(),
	})
	return ics, nil
}

func (e *Engine) serviceByID(ctx context.Context, id int64) (*booking.Service, error) {
	svcs, err := e.Services(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range svcs {
		if s.ID == id {
			return s, nil
		}
	}
	return nil, fmt.Errorf("service %d: %w", id, model.ErrNotFound)
}

var (
	itDays   = [...]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
	itMonths = [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
)

// formatDay writes "lunedì 7 dicembre 2026" or "Monday 7 December 2026".
func formatDay(t time.Time, en bool) string {
	if en {
		return t.Format("Monday 2 January 2006")
	}
	return fmt.Sprintf("%s %d %s %d", itDays[t.Weekday()], t.Day(), itMonths[t.Month()-1], t.Year())
}

// FormatDay is formatDay for the web pages.
func FormatDay(t time.Time, lang string) string { return formatDay(t, lang == "en") }
