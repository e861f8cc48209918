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

// Letters writes a ZIP of PDFs (pdf.LettersPerFile letters each) with a letter for
// every proposal awaiting an answer on the letter channel, sorted by postcode as a
// mail house wants them, and returns how many.
func (s *Service) Letters(ctx context.Context, w io.Writer) (int, error) {
	ps, err := s.Store.CampaignProposals(ctx, nil, `state = ? AND channel = ?`, store.ProposalProposed, store.ChannelLetter)
	if err != nil {
		return 0, err
	}
	if len(ps) == 0 {
		return 0, model.Errorf(model.ENOTFOUND, "no letter to print: send the proposals first")
	}
	return s.writeLetters(ctx, w, ps)
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
	n, err := s.writeLetters(ctx, w, ps)
	if err != nil {
		return n, err
	}
	ids := make([]int64, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return n, s.Store.MarkReminded(ctx, ids, now)
}

// writeLetters writes the letters of ps as a ZIP of PDFs, sorted for the mail house.
func (s *Service) writeLetters(ctx context.Context, w io.Writer, ps []*store.CampaignProposal) (int, error) {
	citizens, err := s.Store.CampaignCitizens(ctx, nil, store.CitizenProposed)
	if err != nil {
		return 0, err
	}
	byCF := make(map[string]*store.CampaignCitizen, len(citizens))
	for _, c := range citizens {
		byCF[c.CF] = c
	}
	offices := map[int64]*model.Office{}
	city := strings.TrimPrefix(s.Comune, "Comune di ")
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return 0, err
	}
	batch := pdf.LetterBatch{Comune: s.Comune, City: city, Office: "Servizi Demografici", Phone: s.Phone, Printed: s.now().In(s.Loc),
		PaperInvalid: set.PaperInvalidDay()}
	type item struct {
		postcode, household, name string
		l                         pdf.Letter
	}
	var items []item
	for _, p := range ps {
		c := byCF[p.CF]
		if c == nil {
			continue
		}
		o := offices[p.OfficeID]
		if o == nil {
			if o, err = s.Store.OfficeByID(ctx, p.OfficeID); err != nil {
				return 0, err
			}
			offices[p.OfficeID] = o
		}
		name := c.GivenNames + " " + c.FamilyName
		items = append(items, item{c.Postcode, c.Household, name, pdf.Letter{
			Name: name, Address: c.Address, Postcode: c.Postcode, City: city, Office: o.Name, OfficeAddress: o.Address,
			At: s.At(p.Day, p.Minute), Deadline: p.Deadline.In(s.Loc), Link: s.Link(p), Code: p.LetterCode,
		}})
	}
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.postcode != b.postcode {
			return a.postcode < b.postcode
		}
		if a.household != b.household {
			return a.household < b.household
		}
		return a.name < b.name
	})
	for _, it := range items {
		batch.Letters = append(batch.Letters, it.l)
	}
	return len(batch.Letters), batch.WriteLetterZip(w, pdf.LettersPerFile)
}

// itDay is a day in Italian without the weekday: "3 agosto 2026".
func itDay(t time.Time) string {
	months := [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
	return fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
}
