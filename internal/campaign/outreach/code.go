package outreach

import (
	"context"
	"errors"
	"strings"

	"github.com/sportello/sportello/internal/campaign/phonebot"
	"github.com/sportello/sportello/internal/model"
)

// TokenByCode gives a citizen who has the letter but cannot scan its QR code the
// personal link, from the letter's code and the birth year: the same two facts the
// phone line asks for, and the same answer for every mismatch.
func (s *Service) TokenByCode(ctx context.Context, code string, birthYear int) (string, error) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 8 || strings.Trim(code, "0123456789") != "" {
		return "", model.FieldError("code", "the code has 8 digits")
	}
	prop, err := Phone{S: s}.Find(ctx, code, birthYear)
	if errors.Is(err, phonebot.ErrNoMatch) {
		return "", model.Errorf(model.ENOTFOUND, "no proposal awaiting an answer matches this code and year of birth")
	}
	if err != nil {
		return "", err
	}
	p, err := s.Store.CampaignProposalByCode(ctx, code)
	if err != nil || prop.ID == "" {
		return "", err
	}
	return s.Token(p), nil
}
