package outreach

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/campaign/bring"
	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// The e-mails that answer a decision: the confirmation, and the calendar
// cancellation of a declined proposal whose e-mail put a tentative event in the
// citizen's calendar.
const (
	mailConfirmed = "confirmed"
	mailDeclined  = "declined"
)

// enqueueConfirmed queues, in tx, the e-mail that answers each decided proposal whose
// citizen has a working address, so it goes out only if the decision commits: the
// confirmation of each confirmed one (a letter's citizen with an address gets one
// too: the appointment is theirs either way), and for each declined one that was
// e-mailed, the cancellation of the tentative event its e-mail carried.
func (s *Service) enqueueConfirmed(ctx context.Context, tx *store.Tx, ps []*store.CampaignProposal) error {
	for _, p := range ps {
		kind := mailConfirmed
		switch {
		case p.State == store.ProposalConfirmed:
		case p.State == store.ProposalDeclined && p.Channel == store.ChannelEmail && !p.SentAt.IsZero():
			kind = mailDeclined
		default:
			continue
		}
		c, err := s.Store.CampaignCitizen(ctx, p.CF)
		if err != nil {
			return err
		}
		if !mailable(c) {
			continue
		}
		b, _ := json.Marshal(mailPayload{ID: p.ID, Kind: kind})
		key := fmt.Sprintf("campaign.mail:%s:%d:%d", kind, p.ID, p.DecidedAt.Unix())
		if err := s.Queue.Enqueue(ctx, tx, JobMail, b, time.Time{}, key); err != nil {
			return err
		}
	}
	return nil
}

// confirmedJob sends the confirmation of p, unless it was cancelled since.
func (s *Service) confirmedJob(ctx context.Context, p *store.CampaignProposal) error {
	return s.sendConfirmed(ctx, p, "")
}

// JobMoved is the e-mail to a household member another member moved (see
// ChangeHousehold): the confirmation, saying who moved them.
const JobMoved = "campaign.mail.moved"

// movedPayload is a JobMoved job: the member's proposal and the mover's, whose
// citizen's name the e-mail gives (read when it is sent, not kept in the queue).
type movedPayload struct {
	ID int64 `json:"id"`
	By int64 `json:"by"`
}

// enqueueMoved queues, in tx, the e-mail of each of ps that the citizen of proposal by
// moved and confirmed, for those with a working address.
func (s *Service) enqueueMoved(ctx context.Context, tx *store.Tx, ps []*store.CampaignProposal, by int64) error {
	for _, p := range ps {
		c, err := s.Store.CampaignCitizen(ctx, p.CF)
		if err != nil {
			return err
		}
		if !mailable(c) {
			continue
		}
		b, _ := json.Marshal(movedPayload{ID: p.ID, By: by})
		key := fmt.Sprintf("campaign.mail:moved:%d:%d", p.ID, p.DecidedAt.Unix())
		if err := s.Queue.Enqueue(ctx, tx, JobMoved, b, time.Time{}, key); err != nil {
			return err
		}
	}
	return nil
}

// mailable says whether the comune writes to c by e-mail: an address that has not
// bounced.
func mailable(c *store.CampaignCitizen) bool { return c.Email != "" && !c.EmailBad }

// Unmailed is the members of moved (a household move's, Result.Moved) who get no
// e-mail about it, having no working address: nobody from the comune tells them the
// new time, so the mover's page asks the mover to.
func (s *Service) Unmailed(ctx context.Context, moved []Member) ([]Member, error) {
	var out []Member
	for _, m := range moved {
		c, err := s.Store.CampaignCitizen(ctx, m.Proposal.CF)
		if err != nil {
			return nil, err
		}
		if !mailable(c) {
			out = append(out, m)
		}
	}
	return out, nil
}

func (s *Service) movedJob(ctx context.Context, payload []byte) error {
	var pl movedPayload
	if err := json.Unmarshal(payload, &pl); err != nil {
		return jobs.Permanent(fmt.Errorf("campaign moved mail payload: %w", err))
	}
	p, err := s.Store.CampaignProposal(ctx, nil, pl.ID)
	if err != nil {
		return jobs.Permanent(err)
	}
	by, err := s.Store.CampaignProposal(ctx, nil, pl.By)
	if err != nil {
		return jobs.Permanent(err)
	}
	c, err := s.Store.CampaignCitizen(ctx, by.CF)
	if err != nil {
		return jobs.Permanent(err)
	}
	return s.sendConfirmed(ctx, p, c.GivenNames+" "+c.FamilyName)
}

// sendConfirmed sends the confirmation of p, unless it was cancelled since; by names
// the relative who moved p there, empty when the citizen chose it.
func (s *Service) sendConfirmed(ctx context.Context, p *store.CampaignProposal, by string) error {
	c, o, err := s.mailRecipient(ctx, p, store.ProposalConfirmed)
	if c == nil || err != nil {
		return err
	}
	code, seq, err := s.bookingCode(ctx, p)
	if err != nil {
		return err
	}
	// p is read when the mail goes out, after the answer rotated its nonce: the link
	// is the current one, which changes or cancels until the appointment starts
	m := s.confirmedMessage(c, p, o.Name, o.Address, o.Lat, o.Lon, code, seq, by, s.Link(p))
	// the appointment stands on a bounce; only the address is known bad from now on
	return s.sendNotice(ctx, m, p, c, mailConfirmed, "campaign confirmation bounced")
}

// bookingCode is the code the citizen quotes to change or cancel: the booking's, or
// the proposal's phone code where the office keeps no booking calendar; and the
// sequence of the event (seqBase plus the booking's version, or plus 1).
func (s *Service) bookingCode(ctx context.Context, p *store.CampaignProposal) (string, int, error) {
	base, err := s.seqBase(ctx, p)
	if err != nil {
		return "", 0, err
	}
	id, err := s.Store.CampaignBookingID(ctx, nil, p.ID)
	if err != nil {
		return "", 0, err
	}
	if id == 0 {
		return FormatCode(p.LetterCode), base + 1, nil
	}
	b, err := s.Store.BookingByID(ctx, s.Store.Reader(), id)
	if err != nil {
		return "", 0, err
	}
	return b.Code, base + max(b.Version, 1), nil
}

// confirmedMessage is the confirmation e-mail; with by, that of a time a relative (by)
// chose, said first with how to change it. link is the citizen's personal link, to
// change or cancel without calling; the code and the comune's phone stay for those
// who would rather call. Its calendar file is a request from
// the comune (ORGANIZER) to the citizen (ATTENDEE) with the proposal's UID and a
// higher sequence, so calendars replace the tentative event with it.
func (s *Service) confirmedMessage(c *store.CampaignCitizen, p *store.CampaignProposal, office, address string, lat, lon float64, code string, seq int, by, link string) *mail.Message {
	at := s.At(p.Day, p.Minute)
	contactIT, contactEN := s.Comune, s.Comune
	if s.Phone != "" {
		contactIT += ", telefono " + s.Phone
		contactEN += ", phone " + s.Phone
	}
	var b strings.Builder
	subject := "Carta d'identità elettronica: appuntamento confermato / appointment confirmed"
	if by == "" {
		fmt.Fprintf(&b, "Gentile %s %s,\n\nil suo appuntamento per la carta d'identità elettronica è confermato:\n\n", c.GivenNames, c.FamilyName)
	} else {
		subject = "Carta d'identità elettronica: appuntamento spostato da un familiare / appointment moved by a relative"
		fmt.Fprintf(&b, "Gentile %s %s,\n\nil suo appuntamento per la carta d'identità elettronica è stato spostato da un familiare (%s), che ha scelto un orario per il nucleo familiare. Il nuovo appuntamento è confermato:\n\n", c.GivenNames, c.FamilyName, by)
	}
	fmt.Fprintf(&b, "  %s, ore %s\n  %s, %s\n\n", itDate(at), at.Format("15:04"), office, address)
	fmt.Fprintf(&b, "Codice della prenotazione: %s\n\n", code)
	if by == "" {
		fmt.Fprintf(&b, "Per cambiare o annullare l'appuntamento, fino all'ora prevista, usi il suo link personale:\n\n  %s\n\noppure contatti il %s indicando il codice della prenotazione.\n\n", link, contactIT)
	} else {
		fmt.Fprintf(&b, "Se non le va bene, contatti il %s indicando il codice della prenotazione: le troveremo un altro orario, oppure potrà annullare l'appuntamento. Può farlo anche da sé, fino all'ora prevista, con il suo link personale:\n\n  %s\n\n", contactIT, link)
	}
	fmt.Fprintf(&b, "Cosa portare: %s\n\n---\n\n", bring.IT)
	if by == "" {
		fmt.Fprintf(&b, "Dear %s %s,\n\nyour appointment for the electronic identity card is confirmed:\n\n", c.GivenNames, c.FamilyName)
	} else {
		fmt.Fprintf(&b, "Dear %s %s,\n\nyour appointment for the electronic identity card was moved by a relative (%s), who chose a time for the household. The new appointment is confirmed:\n\n", c.GivenNames, c.FamilyName, by)
	}
	fmt.Fprintf(&b, "  %s at %s\n  %s, %s\n\n", at.Format("Monday 2 January 2006"), at.Format("15:04"), office, address)
	fmt.Fprintf(&b, "Booking code: %s\n\n", code)
	if by == "" {
		fmt.Fprintf(&b, "To change or cancel the appointment, up to its time, use your personal link:\n\n  %s\n\nor contact the %s and quote the booking code.\n\n", link, contactEN)
	} else {
		fmt.Fprintf(&b, "If it does not suit you, contact the %s and quote the booking code: we will find you another time, or you may cancel the appointment. You can also do it yourself, up to the time of the appointment, with your personal link:\n\n  %s\n\n", contactEN, link)
	}
	fmt.Fprintf(&b, "What to bring: %s\n", bring.EN)
	ev := calEvent{
		ProposalID: p.ID, Sequence: seq, Start: at, End: at.Add(20 * time.Minute), Confirmed: true,
		Organizer: s.organizer(), Attendee: attendee(c),
		Summary: "Carta d'identità elettronica", Location: office + ", " + address, Lat: lat, Lon: lon, Stamp: s.now(),
		Description: "Appuntamento confermato, codice " + code + ". / Appointment confirmed, code " + code + ".",
	}
	return &mail.Message{
		To: []string{c.Email}, Subject: subject, Text: b.String(),
		Attachments: []mail.Attachment{{Name: "appuntamento.ics", ContentType: "text/calendar; method=" + string(ev.method()), Data: []byte(ev.ics())}},
		Headers:     map[string]string{"Auto-Submitted": "auto-generated"},
	}
}

// declinedJob takes the declined proposal's tentative event out of the citizen's
// calendar (METHOD:CANCEL, same UID, a higher sequence) and says the refusal is
// recorded.
func (s *Service) declinedJob(ctx context.Context, p *store.CampaignProposal) error {
	c, o, err := s.mailRecipient(ctx, p, store.ProposalDeclined)
	if c == nil || err != nil {
		return err
	}
	base, err := s.seqBase(ctx, p)
	if err != nil {
		return err
	}
	at := s.At(p.Day, p.Minute)
	var b strings.Builder
	fmt.Fprintf(&b, "Gentile %s %s,\n\nabbiamo registrato la sua rinuncia all'appuntamento proposto per %s, ore %s (%s).\n", c.GivenNames, c.FamilyName, itDate(at), at.Format("15:04"), o.Name)
	fmt.Fprintf(&b, "L'appuntamento è tolto dal suo calendario. Per la carta d'identità elettronica può prenotare quando vuole su %s/prenota.\n\n---\n\n", s.BaseURL)
	fmt.Fprintf(&b, "Dear %s %s,\n\nwe have recorded that you declined the appointment proposed for %s at %s (%s).\n", c.GivenNames, c.FamilyName, at.Format("Monday 2 January 2006"), at.Format("15:04"), o.Name)
	fmt.Fprintf(&b, "It is removed from your calendar. You can book the electronic identity card whenever you wish at %s/prenota.\n", s.BaseURL)
	ev := calEvent{
		ProposalID: p.ID, Sequence: base + 1, Start: at, End: at.Add(20 * time.Minute), Cancelled: true,
		Summary: "Carta d'identità elettronica", Location: o.Name + ", " + o.Address, Stamp: s.now(),
		Organizer: s.organizer(), Attendee: attendee(c),
	}
	m := &mail.Message{
		To: []string{c.Email}, Subject: "Carta d'identità elettronica: rinuncia registrata / appointment declined", Text: b.String(),
		Attachments: []mail.Attachment{{Name: "appuntamento.ics", ContentType: "text/calendar; method=" + ev.method(), Data: []byte(ev.ics())}},
		Headers:     map[string]string{"Auto-Submitted": "auto-generated"},
	}
	return s.sendNotice(ctx, m, p, c, mailDeclined, "campaign decline notice bounced")
}

// sendNotice sends a campaign notice about p to c; a bounce marks the address bad
// (logged as bounced) and is not an error: the notice changes nothing else.
func (s *Service) sendNotice(ctx context.Context, m *mail.Message, p *store.CampaignProposal, c *store.CampaignCitizen, kind, bounced string) error {
	if err := s.Mailer.Send(ctx, m); err != nil {
		if Bounced(err) {
			s.Log.Warn(bounced, "proposal", p.ID, "to", mail.MaskAddress(c.Email))
			return s.Store.MarkEmailBad(ctx, c.CF)
		}
		return err
	}
	s.Log.Info("campaign mail sent", "proposal", p.ID, "kind", kind, "to", mail.MaskAddress(c.Email))
	return nil
}

// mailRecipient is what a campaign notice about p needs, read when the job runs: the
// citizen and the office, or nil when p has left state since it was queued or the
// citizen has no working e-mail (nothing to send).
func (s *Service) mailRecipient(ctx context.Context, p *store.CampaignProposal, state string) (*store.CampaignCitizen, *model.Office, error) {
	if p.State != state {
		return nil, nil, nil
	}
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return nil, nil, jobs.Permanent(err)
	}
	if !mailable(c) {
		return nil, nil, nil
	}
	o, err := s.Store.OfficeByID(ctx, p.OfficeID)
	if err != nil {
		return nil, nil, jobs.Permanent(err)
	}
	return c, o, nil
}
