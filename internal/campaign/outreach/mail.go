package outreach

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

const (
	mailProposal = "proposal"
	mailReminder = "reminder"
)

type mailPayload struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
}

// enqueueMail queues one e-mail job per proposal in tx, so mail goes out only if the
// change commits; the dedup key makes a repeated send harmless.
func (s *Service) enqueueMail(ctx context.Context, tx *store.Tx, ps []*store.CampaignProposal, kind string) error {
	for _, p := range ps {
		if p.Channel != store.ChannelEmail {
			continue
		}
		b, _ := json.Marshal(mailPayload{ID: p.ID, Kind: kind})
		key := fmt.Sprintf("campaign.mail:%s:%d:%d", kind, p.ID, p.SentAt.Unix())
		if err := s.Queue.Enqueue(ctx, tx, JobMail, b, time.Time{}, key); err != nil {
			return err
		}
	}
	return nil
}

// fanout selects the e-mailed proposals of one write to queue mails for: a run's
// (a re-plan), or a range of ids sent at one instant (a chunk of Send).
type fanout struct {
	Kind   string `json:"kind"`
	Run    int64  `json:"run,omitempty"`
	SentAt int64  `json:"sent_at,omitempty"`
	From   int64  `json:"from,omitempty"`
	To     int64  `json:"to,omitempty"`
}

// fanoutChunk is how many mail jobs one transaction of the fan-out queues.
const fanoutChunk = 2000

// queueMail queues, in tx, the job that queues the e-mails of the proposals f
// selects. Queueing tens of thousands of mail jobs takes seconds; one job in the
// write that made the proposals keeps that out of the write (and the write lock)
// while the mails still go out only if it commits.
func (s *Service) queueMail(ctx context.Context, tx *store.Tx, f fanout) error {
	b, _ := json.Marshal(f)
	key := fmt.Sprintf("%s:%s:%d:%d:%d:%d", JobFanout, f.Kind, f.Run, f.SentAt, f.From, f.To)
	return s.Queue.Enqueue(ctx, tx, JobFanout, b, time.Time{}, key)
}

func (s *Service) fanoutJob(ctx context.Context, payload []byte) error {
	var f fanout
	if err := json.Unmarshal(payload, &f); err != nil {
		return jobs.Permanent(fmt.Errorf("campaign fan-out payload: %w", err))
	}
	where, args := `state = ? AND channel = ?`, []any{store.ProposalProposed, store.ChannelEmail}
	if f.Run != 0 {
		where, args = where+` AND run_id = ?`, append(args, f.Run)
	}
	if f.SentAt != 0 {
		where, args = where+` AND sent_at = ? AND id BETWEEN ? AND ?`, append(args, f.SentAt, f.From, f.To)
	}
	ps, err := s.Store.CampaignProposals(ctx, nil, where, args...)
	if err != nil {
		return err
	}
	// a job that dies half-way runs again; the mails' dedup keys make the chunks
	// already queued harmless
	for i := 0; i < len(ps); i += fanoutChunk {
		chunk := ps[i:min(i+fanoutChunk, len(ps))]
		if err := s.Store.InTx(ctx, func(tx *store.Tx) error { return s.enqueueMail(ctx, tx, chunk, f.Kind) }); err != nil {
			return err
		}
	}
	return nil
}

// SetMailRate caps proposal e-mails per minute (the relay's limit; listmonk does the same).
func (s *Service) SetMailRate(perMinute int) {
	s.mailPace = newPacer(perMinute)
}

func (s *Service) mailJob(ctx context.Context, payload []byte) error {
	var pl mailPayload
	if err := json.Unmarshal(payload, &pl); err != nil {
		return jobs.Permanent(fmt.Errorf("campaign mail payload: %w", err))
	}
	p, err := s.Store.CampaignProposal(ctx, nil, pl.ID)
	if err != nil {
		return jobs.Permanent(err)
	}
	switch pl.Kind {
	case mailConfirmed:
		return s.confirmedJob(ctx, p)
	case mailDeclined:
		return s.declinedJob(ctx, p)
	}
	if p.State != store.ProposalProposed || p.Channel != store.ChannelEmail {
		return nil // answered, expired or moved to letters since it was queued
	}
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return jobs.Permanent(err)
	}
	if c.Email == "" || c.EmailBad {
		return s.toLetter(ctx, p)
	}
	o, err := s.Store.OfficeByID(ctx, p.OfficeID)
	if err != nil {
		return jobs.Permanent(err)
	}
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return err
	}
	seq, err := s.seqBase(ctx, p)
	if err != nil {
		return err
	}
	m := s.message(c, p, o.Name, o.Address, o.Lat, o.Lon, pl.Kind, set.PaperInvalidDay(), seq)
	if s.mailPace != nil {
		if at := s.mailPace.slot(p.ID, s.Now()); !at.IsZero() {
			return jobs.Later(at)
		}
	}
	if err := s.Mailer.Send(ctx, m); err != nil {
		if Bounced(err) {
			s.Log.Warn("campaign mail bounced: citizen moved to letters", "proposal", p.ID, "to", mail.MaskAddress(c.Email))
			if err := s.Store.MarkEmailBad(ctx, c.CF); err != nil {
				return err
			}
			return s.toLetter(ctx, p)
		}
		return err
	}
	s.Log.Info("campaign mail sent", "proposal", p.ID, "kind", pl.Kind, "to", mail.MaskAddress(c.Email))
	return nil
}

func (s *Service) toLetter(ctx context.Context, p *store.CampaignProposal) error {
	p.Channel = store.ChannelLetter
	if err := s.Store.UpdateCampaignProposal(ctx, s.Store.Writer(), p, p.State); err != nil && !errors.Is(err, model.ErrConflict) {
		return err
	}
	return nil
}

// Bounced says whether a send failed for good: an SMTP 5xx reply (mailbox unknown,
// domain gone) will not heal with retries, unlike a 4xx or a dropped connection.
func Bounced(err error) bool {
	var se interface {
		IsTemp() bool
		ErrorCode() int
	}
	if errors.As(err, &se) {
		return !se.IsTemp() && se.ErrorCode() >= 500 && se.ErrorCode() < 600
	}
	// go-mail reports RCPT refusals as text when it has no code to carry.
	msg := err.Error()
	for _, code := range []string{"550 ", "551 ", "553 ", "554 "} {
		if strings.Contains(msg, code) {
			return true
		}
	}
	return false
}

// message is the proposal e-mail; invalid is the day paper cards stop being valid.
func (s *Service) message(c *store.CampaignCitizen, p *store.CampaignProposal, office, address string, lat, lon float64, kind string, invalid time.Time, seq int) *mail.Message {
	at := s.At(p.Day, p.Minute)
	link := s.Link(p)
	dl := p.Deadline.In(s.Loc).Format("02/01/2006")
	subject := "Carta d'identità elettronica: il suo appuntamento / your appointment"
	if kind == mailReminder {
		subject = "Promemoria / Reminder: " + subject
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Gentile %s %s,\n\n", c.GivenNames, c.FamilyName)
	fmt.Fprintf(&b, "la carta d'identità cartacea non sarà più valida dal %s. %s le propone un appuntamento per la carta d'identità elettronica:\n\n", itDay(invalid), s.Comune)
	fmt.Fprintf(&b, "  %s, ore %s\n  %s, %s\n\n", itDate(at), at.Format("15:04"), office, address)
	fmt.Fprintf(&b, "Confermi, scelga un altro orario o rinunci entro il %s da questo link personale:\n%s\n\n", dl, link)
	fmt.Fprintf(&b, "Codice per il servizio telefonico: %s\n\n", FormatCode(p.LetterCode))
	b.WriteString("Porti la carta d'identità attuale e la tessera sanitaria. Senza conferma l'appuntamento viene annullato.\n\n---\n\n")
	fmt.Fprintf(&b, "Dear %s %s,\n\npaper identity cards stop being valid on %s. %s offers you an appointment for the electronic identity card:\n\n", c.GivenNames, c.FamilyName, invalid.Format("2 January 2006"), s.Comune)
	fmt.Fprintf(&b, "  %s at %s\n  %s, %s\n\n", at.Format("Monday 2 January 2006"), at.Format("15:04"), office, address)
	fmt.Fprintf(&b, "Confirm, pick another time or decline by %s with your personal link:\n%s\n\n", dl, link)
	fmt.Fprintf(&b, "Code for the phone line: %s\n\nBring your current identity card and health card. Without confirmation the appointment is cancelled.\n", FormatCode(p.LetterCode))
	// tentative until the citizen answers; the confirmation mail updates this event
	ics := calEvent{
		ProposalID: p.ID, Sequence: seq, Start: at, End: at.Add(20 * time.Minute), Organizer: s.organizer(), Attendee: attendee(c),
		Summary: "Carta d'identità elettronica", Location: office + ", " + address, URL: link, Lat: lat, Lon: lon, Stamp: s.now(),
		Description: "Appuntamento proposto: confermi dal link. / Proposed appointment: confirm with the link.",
	}.ics()
	return &mail.Message{
		To: []string{c.Email}, Subject: subject, Text: b.String(),
		Attachments: []mail.Attachment{{Name: "appuntamento.ics", ContentType: "text/calendar; method=PUBLISH", Data: []byte(ics)}},
		Headers:     map[string]string{"Auto-Submitted": "auto-generated"},
	}
}

func itDate(t time.Time) string {
	days := [...]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
	months := [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
	return fmt.Sprintf("%s %d %s %d", days[t.Weekday()], t.Day(), months[t.Month()-1], t.Year())
}
