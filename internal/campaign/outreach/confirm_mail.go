package outreach

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/store"
)

// mailConfirmed is the e-mail that confirms an answer given through the link.
const mailConfirmed = "confirmed"

// enqueueConfirmed queues, in tx, the confirmation e-mail of each confirmed proposal
// whose citizen has a working address, so it goes out only if the decision commits.
// A letter's citizen with an address gets one too: the appointment is theirs either way.
func (s *Service) enqueueConfirmed(ctx context.Context, tx *store.Tx, ps []*store.CampaignProposal) error {
	for _, p := range ps {
		if p.State != store.ProposalConfirmed {
			continue
		}
		c, err := s.Store.CampaignCitizen(ctx, p.CF)
		if err != nil {
			return err
		}
		if c.Email == "" || c.EmailBad {
			continue
		}
		b, _ := json.Marshal(mailPayload{ID: p.ID, Kind: mailConfirmed})
		key := fmt.Sprintf("campaign.mail:%s:%d:%d", mailConfirmed, p.ID, p.DecidedAt.Unix())
		if err := s.Queue.Enqueue(ctx, tx, JobMail, b, time.Time{}, key); err != nil {
			return err
		}
	}
	return nil
}

// confirmedJob sends the confirmation of p, unless it was cancelled since.
func (s *Service) confirmedJob(ctx context.Context, p *store.CampaignProposal) error {
	if p.State != store.ProposalConfirmed {
		return nil
	}
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return jobs.Permanent(err)
	}
	if c.Email == "" || c.EmailBad {
		return nil
	}
	o, err := s.Store.OfficeByID(ctx, p.OfficeID)
	if err != nil {
		return jobs.Permanent(err)
	}
	code, err := s.bookingCode(ctx, p)
	if err != nil {
		return err
	}
	m := s.confirmedMessage(c, p, o.Name, o.Address, o.Lat, o.Lon, code)
	if err := s.Mailer.Send(ctx, m); err != nil {
		if Bounced(err) {
			// the appointment stands; only the address is known bad from now on
			s.Log.Warn("campaign confirmation bounced", "proposal", p.ID, "to", mail.MaskAddress(c.Email))
			return s.Store.MarkEmailBad(ctx, c.CF)
		}
		return err
	}
	s.Log.Info("campaign mail sent", "proposal", p.ID, "kind", mailConfirmed, "to", mail.MaskAddress(c.Email))
	return nil
}

// bookingCode is the code the citizen quotes to change or cancel: the booking's, or
// the proposal's phone code where the office keeps no booking calendar.
func (s *Service) bookingCode(ctx context.Context, p *store.CampaignProposal) (string, error) {
	id, err := s.Store.CampaignBookingID(ctx, nil, p.ID)
	if err != nil {
		return "", err
	}
	if id == 0 {
		return FormatCode(p.LetterCode), nil
	}
	b, err := s.Store.BookingByID(ctx, s.Store.Reader(), id)
	if err != nil {
		return "", err
	}
	return b.Code, nil
}

// confirmedMessage is the confirmation e-mail. Its calendar file carries the
// proposal's UID with a higher sequence, so it replaces the tentative event.
func (s *Service) confirmedMessage(c *store.CampaignCitizen, p *store.CampaignProposal, office, address string, lat, lon float64, code string) *mail.Message {
	at := s.At(p.Day, p.Minute)
	contactIT, contactEN := s.Comune, s.Comune
	if s.Phone != "" {
		contactIT += ", telefono " + s.Phone
		contactEN += ", phone " + s.Phone
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Gentile %s %s,\n\nil suo appuntamento per la carta d'identità elettronica è confermato:\n\n", c.GivenNames, c.FamilyName)
	fmt.Fprintf(&b, "  %s, ore %s\n  %s, %s\n\n", itDate(at), at.Format("15:04"), office, address)
	fmt.Fprintf(&b, "Codice della prenotazione: %s\n\n", code)
	fmt.Fprintf(&b, "Per cambiare o annullare l'appuntamento contatti il %s indicando il codice della prenotazione.\n\n", contactIT)
	b.WriteString("Porti la carta d'identità attuale e la tessera sanitaria.\n\n---\n\n")
	fmt.Fprintf(&b, "Dear %s %s,\n\nyour appointment for the electronic identity card is confirmed:\n\n", c.GivenNames, c.FamilyName)
	fmt.Fprintf(&b, "  %s at %s\n  %s, %s\n\n", at.Format("Monday 2 January 2006"), at.Format("15:04"), office, address)
	fmt.Fprintf(&b, "Booking code: %s\n\n", code)
	fmt.Fprintf(&b, "To change or cancel the appointment, contact the %s and quote the booking code.\n\n", contactEN)
	b.WriteString("Bring your current identity card and health card.\n")
	ev := calEvent{
		ProposalID: p.ID, Sequence: 1, Start: at, End: at.Add(20 * time.Minute), Confirmed: true,
		Summary: "Carta d'identità elettronica", Location: office + ", " + address, Lat: lat, Lon: lon, Stamp: s.now(),
		Description: "Appuntamento confermato, codice " + code + ". / Appointment confirmed, code " + code + ".",
	}
	return &mail.Message{
		To: []string{c.Email}, Subject: "Carta d'identità elettronica: appuntamento confermato / appointment confirmed", Text: b.String(),
		Attachments: []mail.Attachment{{Name: "appuntamento.ics", ContentType: "text/calendar; method=" + string(ev.method()), Data: []byte(ev.ics())}},
		Headers:     map[string]string{"Auto-Submitted": "auto-generated"},
	}
}
