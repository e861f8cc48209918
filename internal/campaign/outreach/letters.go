package outreach

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/pdf"
	"github.com/sportello/sportello/internal/store"
)

// Letters writes the next print run: a ZIP of PDFs (pdf.LettersPerFile letters each)
// with a letter for every household (or person alone) whose letter proposals await
// an answer and are in no earlier run, sorted by postcode as a mail house wants them.
// Once the ZIP is written the run is recorded, so the next one holds only the letters
// sent since and a run is printed once; a lost run comes back by LetterBatchAgain.
// Callers that must not hand out a ZIP the store refused buffer w.
func (s *Service) Letters(ctx context.Context, w io.Writer) (*store.LetterBatch, error) {
	ps, err := s.Store.UnprintedLetterProposals(ctx)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, model.Errorf(model.ENOTFOUND, "no new letter to print: every letter sent is in a batch already (send the proposals first, or download a past batch again)")
	}
	b := &store.LetterBatch{PrintedAt: s.now()}
	ps, held, err := s.letterDeadlines(ctx, ps)
	if err != nil {
		return nil, err
	}
	if len(held) > 0 {
		s.Log.Info("campaign letters held for the re-plan: the appointment is too close for the post and the answer window", "people", len(held))
		if err := s.Store.HoldLetterProposals(ctx, b.PrintedAt, held); err != nil {
			return nil, err
		}
	}
	if len(ps) == 0 {
		return nil, model.Errorf(model.ENOTFOUND, "no new letter to print: the %d letters waiting have appointments too close to leave the post and the answer window; they return to the re-plan, which proposes later ones", len(held))
	}
	n, printed, err := s.writeLetters(ctx, w, ps, b.PrintedAt)
	if err != nil {
		return nil, err
	}
	if len(printed) == 0 {
		return nil, model.Errorf(model.ENOTFOUND, "no new letter to print")
	}
	b.Letters, b.People = n, len(printed)
	// the deadlines first: a run recorded with the deadlines of the send would let
	// the expiry end proposals before the date their letters state; a run refused
	// after them (two downloads racing) printed the same day, so the same date
	if err := s.Store.SetLetterDeadlines(ctx, printed); err != nil {
		return nil, err
	}
	return b, s.Store.RecordLetterBatch(ctx, b, printed)
}

// letterDeadlines sets the deadline of the letters printed now: the whole answer
// window counted from the letter's arrival (the end of the day PostalDays +
// ConfirmDays from now), never later than the 72 hours before the appointment. The
// deadline set when the plan was sent has been running while the letter waited for
// the printer, and an e-mail moved to letters by a bounce had no post in it at all.
// A household whose appointment is now too close to leave that (before Send's own
// earliest day for a letter) is held, all of it, as the plan keeps it together: its
// letter would reach it with days, or no days, to answer. Held, it returns to the
// re-plan, which gives a later slot in place (same letter code) and the next run
// prints it; nothing reached the citizen yet, so the change is invisible to them.
// Listing them for the office to phone instead would leave the office a queue of
// calls to make before a date the letter channel had already lost.
func (s *Service) letterDeadlines(ctx context.Context, ps []*store.CampaignProposal) (ok, held []*store.CampaignProposal, err error) {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return nil, nil, err
	}
	window, first := s.deadlineFor(set, store.ChannelLetter), s.earliest(set, store.ChannelLetter)
	tooSoon := map[string]bool{} // by household, or by citizen alone
	key := func(p *store.CampaignProposal) string {
		if p.Household == "" {
			return "\x00" + p.CF
		}
		return p.Household
	}
	for _, p := range ps {
		if day, err := time.Parse(time.DateOnly, p.Day); err != nil || day.Before(first) {
			tooSoon[key(p)] = true
		}
	}
	for _, p := range ps {
		if tooSoon[key(p)] {
			held = append(held, p)
			continue
		}
		p.Deadline = s.answerBy(window, p)
		ok = append(ok, p)
	}
	return ok, held, nil
}

// LetterBatchAgain writes past print run id again, for a run the printer or the post
// lost: the letters of its people who still await an answer on the proposal printed
// then (whoever answered or got a new proposal since is left out), dated as the run.
// It returns how many envelopes it holds.
func (s *Service) LetterBatchAgain(ctx context.Context, w io.Writer, id int64) (int, error) {
	b, err := s.Store.LetterBatchByID(ctx, id)
	if err != nil {
		return 0, err
	}
	ps, err := s.Store.BatchLetterProposals(ctx, b.ID)
	if err != nil {
		return 0, err
	}
	if len(ps) == 0 {
		return 0, model.Errorf(model.ENOTFOUND, "nobody in this batch still awaits an answer to the letter printed then")
	}
	n, _, err := s.writeLetters(ctx, w, ps, b.PrintedAt)
	return n, err
}

// ReminderLetters is the letter channel's reminder, on the schedule of the e-mail
// one: a ZIP of PDFs for every letter proposal still unanswered ReminderDays after it
// was sent, not yet reminded and not past its deadline. Once the ZIP is written they
// count as reminded, so the next batch holds only the ones that fell due since.
func (s *Service) ReminderLetters(ctx context.Context, w io.Writer) (int, error) {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	ps, err := s.Store.CampaignProposals(ctx, nil, `state = ? AND channel = ? AND reminders = 0 AND sent_at <= ? AND deadline > ?`,
		store.ProposalProposed, store.ChannelLetter, store.Micros(now.AddDate(0, 0, -set.ReminderDays)), store.Micros(now))
	if err != nil {
		return 0, err
	}
	if len(ps) == 0 {
		return 0, model.Errorf(model.ENOTFOUND, "no reminder letter is due")
	}
	n, _, err := s.writeLetters(ctx, w, ps, now)
	if err != nil {
		return n, err
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return n, s.Store.MarkReminded(ctx, ids, now)
}

// writeLetters writes the letters of ps as a ZIP of PDFs dated at, sorted for
// the mail house, and returns how many letters (envelopes) it holds: one per
// household at an address, so a family without e-mail opens one envelope with
// everyone's appointment, as the plan made them come together. printed are the
// proposals it holds (a proposal whose citizen is no longer proposed is left out).
func (s *Service) writeLetters(ctx context.Context, w io.Writer, ps []*store.CampaignProposal, at time.Time) (int, []*store.CampaignProposal, error) {
	citizens, err := s.Store.CampaignCitizens(ctx, nil, store.CitizenProposed)
	if err != nil {
		return 0, nil, err
	}
	byCF := make(map[string]*store.CampaignCitizen, len(citizens))
	for _, c := range citizens {
		byCF[c.CF] = c
	}
	offices := map[int64]*model.Office{}
	city := strings.TrimPrefix(s.Comune, "Comune di ")
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return 0, nil, err
	}
	batch := pdf.LetterBatch{Comune: s.Comune, City: city, Office: "Servizi Demografici", Phone: s.Phone, Printed: at.In(s.Loc),
		PaperInvalid: set.PaperInvalidDay()}
	var people []*letterPerson
	var printed []*store.CampaignProposal
	for _, p := range ps {
		c := byCF[p.CF]
		if c == nil {
			continue
		}
		o := offices[p.OfficeID]
		if o == nil {
			if o, err = s.Store.OfficeByID(ctx, p.OfficeID); err != nil {
				return 0, nil, err
			}
			offices[p.OfficeID] = o
		}
		printed = append(printed, p)
		people = append(people, &letterPerson{p: p, c: c, m: pdf.LetterMember{
			Name: c.GivenNames + " " + c.FamilyName, Office: o.Name, OfficeAddress: o.Address, At: s.At(p.Day, p.Minute), Code: p.LetterCode,
			Minor: minorAt(c.Birth, at.In(s.Loc)),
		}})
	}
	for _, hh := range letterHouseholds(people) {
		batch.Letters = append(batch.Letters, s.letter(hh, city))
	}
	return len(batch.Letters), printed, batch.WriteLetterZip(w, pdf.LettersPerFile)
}

// letterPerson is one proposal of a letter batch with its citizen.
type letterPerson struct {
	p *store.CampaignProposal
	c *store.CampaignCitizen
	m pdf.LetterMember
}

// letterHouseholds groups people into letters, in the mail house's order (postcode,
// then household), each letter's members as a comune addresses a family: the adults
// from the oldest, then the minors, who are named in the letter but never its
// addressees. A household shares a
// letter only at one address: a register whose household spans two addresses gets
// a letter at each, never one that misses somebody's letterbox.
func letterHouseholds(people []*letterPerson) [][]*letterPerson {
	type key struct{ household, postcode, address string }
	groups := map[key][]*letterPerson{}
	var keys []key
	for _, lp := range people {
		k := key{lp.c.Household, lp.c.Postcode, lp.c.Address}
		if k.household == "" {
			k.household = "\x00" + lp.c.CF // no household: a letter of one
		}
		if groups[k] == nil {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], lp)
	}
	out := make([][]*letterPerson, 0, len(keys))
	for _, k := range keys {
		g := groups[k]
		sort.Slice(g, func(i, j int) bool {
			if g[i].m.Minor != g[j].m.Minor {
				return !g[i].m.Minor
			}
			if !g[i].c.Birth.Equal(g[j].c.Birth) {
				return g[i].c.Birth.Before(g[j].c.Birth)
			}
			if !g[i].m.At.Equal(g[j].m.At) {
				return g[i].m.At.Before(g[j].m.At)
			}
			return g[i].m.Name < g[j].m.Name
		})
		out = append(out, g)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i][0], out[j][0]
		if a.c.Postcode != b.c.Postcode {
			return a.c.Postcode < b.c.Postcode
		}
		if a.c.Household != b.c.Household {
			return a.c.Household < b.c.Household
		}
		return a.m.Name < b.m.Name
	})
	return out
}

// letter is the letter of one household (or one person), addressed to its oldest
// adult (hh is ordered so). The QR code carries that adult's link: the link page
// confirms the whole household at once, and it is a parent, not a toddler, who
// answers for the family. A letter naming only minors (their parents hold a CIE
// already) is the first minor's link, addressed to the parents by the PDF. The date
// to answer by is the earliest: printed by Letters, all members share it.
func (s *Service) letter(hh []*letterPerson, city string) pdf.Letter {
	owner, deadline := hh[0], hh[0].p.Deadline
	for _, lp := range hh[1:] {
		if lp.p.Deadline.Before(deadline) {
			deadline = lp.p.Deadline
		}
	}
	c, m := owner.c, owner.m
	l := pdf.Letter{Name: m.Name, Address: c.Address, Postcode: c.Postcode, City: city, Office: m.Office, OfficeAddress: m.OfficeAddress,
		At: m.At, Deadline: deadline.In(s.Loc), Link: s.Link(owner.p), Code: m.Code}
	if len(hh) > 1 {
		for _, lp := range hh {
			l.Members = append(l.Members, lp.m)
		}
	}
	return l
}

// minorAt says whether someone born on birth is under 18 on day at.
func minorAt(birth, at time.Time) bool {
	if birth.IsZero() {
		return false
	}
	y, m, d := at.Date()
	return birth.AddDate(18, 0, 0).After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// itDay is a day in Italian without the weekday: "3 agosto 2026".
func itDay(t time.Time) string {
	months := [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}
