package outreach

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/campaign/bring"
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
	case mailExpired:
		return s.expiredJob(ctx, p)
	}
	if p.State != store.ProposalProposed || p.Channel != store.ChannelEmail {
		return nil // answered, expired or moved to letters since it was queued
	}
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return jobs.Permanent(err)
	}
	if !mailable(c) {
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
	// the earlier attempts: their count is the event's sequence base (seqBase), the
	// last one is the proposal this one replaces
	as, err := s.Store.CampaignProposalAttempts(ctx, nil, p.ID)
	if err != nil {
		return err
	}
	var prev *store.ProposalAttempt
	if len(as) > 0 {
		prev = &as[len(as)-1]
	}
	missedIT, missedEN, err := s.missedLines(ctx, nil, p.CF, p.ID)
	if err != nil {
		return err
	}
	m := s.message(c, p, o.Name, o.Address, o.Lat, o.Lon, pl.Kind, set.PaperInvalidDay(), prev, len(as), [2]string{missedIT, missedEN})
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

// toLetter moves an e-mail proposal to the letter channel. The e-mail's deadline had
// no post in it: the letter's window starts when it arrives, so the deadline becomes
// a letter's sent now; Letters sets it again on the day the letter is printed (or
// holds the letter for the re-plan when the appointment is too close by then).
func (s *Service) toLetter(ctx context.Context, p *store.CampaignProposal) error {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return err
	}
	p.Channel = store.ChannelLetter
	p.Deadline = s.answerBy(s.deadlineFor(set, store.ChannelLetter), p)
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

// message is the proposal e-mail, or its reminder; invalid is the day paper cards
// stop being valid, prev the earlier proposal this one replaces (nil for a first one).
// A reminder opens with what is new in it (no answer yet, the days left), and a
// replacement with why it comes: otherwise both read as the first e-mail again.
func (s *Service) message(c *store.CampaignCitizen, p *store.CampaignProposal, office, address string, lat, lon float64, kind string, invalid time.Time, prev *store.ProposalAttempt, seq int, missed [2]string) *mail.Message {
	at := s.At(p.Day, p.Minute)
	link := s.Link(p)
	dl := p.Deadline.In(s.Loc).Format("02/01/2006")
	subject := "Carta d'identità elettronica: il suo appuntamento / your appointment"
	if prev != nil {
		subject = "Carta d'identità elettronica: nuova proposta di appuntamento / new appointment proposal"
	}
	if kind == mailReminder {
		subject = "Promemoria / Reminder: " + subject
	}
	code := FormatCode(p.LetterCode)
	var b strings.Builder
	fmt.Fprintf(&b, "Gentile %s %s,\n\n", c.GivenNames, c.FamilyName)
	if kind == mailReminder {
		fmt.Fprintf(&b, "non abbiamo ancora ricevuto la sua risposta. %s per rispondere, fino al %s: senza risposta l'appuntamento viene annullato.\n\n", s.daysLeftIT(p.Deadline), dl)
	}
	if missed[0] != "" {
		fmt.Fprintf(&b, "%s\n\n", missed[0])
	}
	if prev != nil {
		pat := s.At(prev.Day, prev.Minute)
		fmt.Fprintf(&b, "Nuova proposta: la precedente del %s (appuntamento di %s, ore %s) non è stata confermata ed è stata annullata. Questa la sostituisce.\n\n",
			itDay(prev.SentAt.In(s.Loc)), itDate(pat), pat.Format("15:04"))
	}
	opening := "la carta d'identità cartacea"
	if kind == mailReminder || prev != nil {
		opening = "La carta d'identità cartacea" // it no longer follows "Gentile …,"
	}
	fmt.Fprintf(&b, "%s non sarà più valida dal %s. %s le propone un appuntamento per la carta d'identità elettronica:\n\n", opening, itDay(invalid), s.Comune)
	fmt.Fprintf(&b, "  %s, ore %s\n  %s, %s\n\n", itDate(at), at.Format("15:04"), office, address)
	fmt.Fprintf(&b, "Confermi, scelga un altro orario o rinunci entro il %s da questo link personale:\n%s\n\n", dl, link)
	fmt.Fprintf(&b, "Se il link non si apre, vada su %s/campagna e inserisca il codice personale %s e l'anno di nascita.\n\n", s.BaseURL, code)
	if s.Phone != "" {
		fmt.Fprintf(&b, "Può rispondere anche per telefono: chiami il %s (servizio automatico a toni), digiti il codice personale %s e l'anno di nascita, poi 1 per confermare, 2 per un altro orario, 3 per parlare con un operatore.\n\n", s.Phone, code)
	}
	fmt.Fprintf(&b, "Cosa portare: %s\n\nSenza conferma l'appuntamento viene annullato.\n\n---\n\n", bring.IT)
	fmt.Fprintf(&b, "Dear %s %s,\n\n", c.GivenNames, c.FamilyName)
	if kind == mailReminder {
		fmt.Fprintf(&b, "we have not received your answer yet. %s to answer, until %s: without an answer the appointment is cancelled.\n\n", s.daysLeftEN(p.Deadline), p.Deadline.In(s.Loc).Format("2 January 2006"))
	}
	if missed[1] != "" {
		fmt.Fprintf(&b, "%s\n\n", missed[1])
	}
	if prev != nil {
		pat := s.At(prev.Day, prev.Minute)
		fmt.Fprintf(&b, "New proposal: the previous one of %s (appointment on %s at %s) was not confirmed and has been cancelled. This one replaces it.\n\n",
			prev.SentAt.In(s.Loc).Format("2 January 2006"), pat.Format("Monday 2 January 2006"), pat.Format("15:04"))
	}
	opening = "paper identity cards"
	if kind == mailReminder || prev != nil {
		opening = "Paper identity cards"
	}
	fmt.Fprintf(&b, "%s stop being valid on %s. %s offers you an appointment for the electronic identity card:\n\n", opening, invalid.Format("2 January 2006"), s.Comune)
	fmt.Fprintf(&b, "  %s at %s\n  %s, %s\n\n", at.Format("Monday 2 January 2006"), at.Format("15:04"), office, address)
	fmt.Fprintf(&b, "Confirm, pick another time or decline by %s with your personal link:\n%s\n\n", dl, link)
	fmt.Fprintf(&b, "If the link does not open, go to %s/campagna and enter your personal code %s and your year of birth.\n\n", s.BaseURL, code)
	if s.Phone != "" {
		fmt.Fprintf(&b, "You can also answer by phone: call %s (automatic keypad line), enter your personal code %s and your year of birth, then 1 to confirm, 2 for another time, 3 to speak to an operator.\n\n", s.Phone, code)
	}
	fmt.Fprintf(&b, "What to bring: %s\n\nWithout confirmation the appointment is cancelled.\n", bring.EN)
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

// daysLeft counts the comune's calendar days from today to the deadline's day: an
// answer window ending tonight has 0 left, not "less than one".
func (s *Service) daysLeft(deadline time.Time) int {
	d := deadline.In(s.Loc)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return max(0, int(day.Sub(s.today()).Hours()/24))
}

func (s *Service) daysLeftIT(deadline time.Time) string {
	switch n := s.daysLeft(deadline); n {
	case 0:
		return "Oggi è l'ultimo giorno"
	case 1:
		return "Le resta 1 giorno"
	default:
		return fmt.Sprintf("Le restano %d giorni", n)
	}
}

func (s *Service) daysLeftEN(deadline time.Time) string {
	switch n := s.daysLeft(deadline); n {
	case 0:
		return "Today is the last day"
	case 1:
		return "You have 1 day left"
	default:
		return fmt.Sprintf("You have %d days left", n)
	}
}

func itDate(t time.Time) string {
	days := [...]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
	months := [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
	return fmt.Sprintf("%s %d %s %d", days[t.Weekday()], t.Day(), months[t.Month()-1], t.Year())
}
