package outreach

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/store"
)

// mailExpired tells a citizen whose e-mailed proposal expired with nothing to replace
// it (no week or place left for a re-plan) that it is cancelled, and takes its
// tentative event out of their calendar: silence would leave a phantom appointment
// there, and the citizen might come to it.
const mailExpired = "expired"

// queueExpiredMail queues the notice of every e-mailed proposal the expiry pass at
// now ended without a new one: the whole due set when nothing could be re-planned,
// or the unplanned part of a re-plan (both are decided at now by the deadline).
// It runs after the expiry committed; a crash in between loses these notices, not
// the expiry.
func (s *Service) queueExpiredMail(ctx context.Context, now time.Time) error {
	ps, err := s.Store.CampaignProposals(ctx, nil, `state = ? AND channel = ? AND decided_via = 'deadline' AND decided_at = ? AND sent_at > 0`,
		store.ProposalExpired, store.ChannelEmail, store.Micros(now))
	if err != nil {
		return err
	}
	for i := 0; i < len(ps); i += fanoutChunk {
		chunk := ps[i:min(i+fanoutChunk, len(ps))]
		err := s.Store.InTx(ctx, func(tx *store.Tx) error {
			for _, p := range chunk {
				b, _ := json.Marshal(mailPayload{ID: p.ID, Kind: mailExpired})
				key := fmt.Sprintf("campaign.mail:%s:%d:%d", mailExpired, p.ID, p.DecidedAt.Unix())
				if err := s.Queue.Enqueue(ctx, tx, JobMail, b, time.Time{}, key); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// expiredJob sends the notice of p, unless it was proposed again since.
func (s *Service) expiredJob(ctx context.Context, p *store.CampaignProposal) error {
	c, o, err := s.mailRecipient(ctx, p, store.ProposalExpired)
	if c == nil || err != nil {
		return err
	}
	base, err := s.seqBase(ctx, p)
	if err != nil {
		return err
	}
	m := s.expiredMessage(c, p, o.Name, o.Address, base+1)
	return s.sendNotice(ctx, m, p, c, mailExpired, "campaign expiry notice bounced")
}

// expiredMessage cancels the proposal's event (METHOD:CANCEL, its UID, sequence seq
// above the proposal's) and says what comes next: a new proposal when places free up,
// or booking on their own at /prenota.
func (s *Service) expiredMessage(c *store.CampaignCitizen, p *store.CampaignProposal, office, address string, seq int) *mail.Message {
	at := s.At(p.Day, p.Minute)
	dl := p.Deadline.In(s.Loc)
	var b strings.Builder
	fmt.Fprintf(&b, "Gentile %s %s,\n\nl'appuntamento proposto per %s, ore %s (%s) non è stato confermato entro il %s ed è stato annullato: lo abbiamo tolto dal suo calendario.\n\n",
		c.GivenNames, c.FamilyName, itDate(at), at.Format("15:04"), office, dl.Format("02/01/2006"))
	fmt.Fprintf(&b, "Al momento non ci sono altri posti liberi. Le invieremo una nuova proposta appena se ne liberano; se preferisce, può prenotare quando vuole su %s/prenota.\n\n---\n\n", s.BaseURL)
	fmt.Fprintf(&b, "Dear %s %s,\n\nthe appointment proposed for %s at %s (%s) was not confirmed by %s and has been cancelled: we have removed it from your calendar.\n\n",
		c.GivenNames, c.FamilyName, at.Format("Monday 2 January 2006"), at.Format("15:04"), office, dl.Format("2 January 2006"))
	fmt.Fprintf(&b, "There are no other free places at the moment. We will send you a new proposal as soon as places free up; if you prefer, you can book whenever you wish at %s/prenota.\n", s.BaseURL)
	ev := calEvent{
		ProposalID: p.ID, Sequence: seq, Start: at, End: at.Add(20 * time.Minute), Cancelled: true,
		Summary: "Carta d'identità elettronica", Location: office + ", " + address, Stamp: s.now(),
		Organizer: s.organizer(), Attendee: attendee(c),
	}
	return &mail.Message{
		To: []string{c.Email}, Subject: "Carta d'identità elettronica: proposta annullata, ne seguirà una nuova / proposal cancelled, a new one will follow", Text: b.String(),
		Attachments: []mail.Attachment{{Name: "appuntamento.ics", ContentType: "text/calendar; method=" + ev.method(), Data: []byte(ev.ics())}},
		Headers:     map[string]string{"Auto-Submitted": "auto-generated"},
	}
}
