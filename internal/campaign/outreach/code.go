package outreach

import (
	"context"
	"errors"
	"strings"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// errNoCode is every mismatch of code and birth year, so the page never tells which
// half was wrong.
var errNoCode = model.Errorf(model.ENOTFOUND, "no appointment matches this code and year of birth")

// TokenByCode gives a citizen who has the letter but cannot scan its QR code the
// personal link, from the letter's code and the birth year: the same two facts the
// phone line asks for, and the same answer for every mismatch. The link is to the
// citizen's current appointment, whatever happened since the letter was printed: the
// proposal awaiting an answer, or the confirmed appointment (a relative may have
// confirmed or moved it for the household) to see, change or cancel; failing both,
// the letter's own proposal, whose page says it was declined or is over.
func (s *Service) TokenByCode(ctx context.Context, code string, birthYear int) (string, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 8 || strings.Trim(code, "0123456789") != "" {
		return "", model.FieldError("code", "the code has 8 digits")
	}
	p, err := s.Store.CampaignProposalByCode(ctx, code)
	if errors.Is(err, model.ErrNotFound) {
		return "", errNoCode
	}
	if err != nil {
		return "", err
	}
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return "", err
	}
	if c.Birth.Year() != birthYear {
		return "", errNoCode
	}
	// a cancelled or expired proposal may have a successor with another code
	open, err := s.Store.CampaignProposals(ctx, nil, `cf = ? AND state IN ('proposed', 'confirmed')`, p.CF)
	if err != nil {
		return "", err
	}
	for _, o := range open {
		if o.State == store.ProposalConfirmed || s.now().Before(o.Deadline) {
			p = o // by id: the latest wins
		}
	}
	return s.Token(p), nil
}
