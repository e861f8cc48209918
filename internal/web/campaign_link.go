package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// campaignAllow applies the per-address limit on personal-link requests, so tokens
// cannot be guessed at speed.
func (s *Server) campaignAllow(w http.ResponseWriter, r *http.Request) bool {
	return s.allow(w, r, s.campaignLimit, clientIP(r))
}

// campaignLink shows a citizen's proposal with its choices.
func (s *Server) campaignLink(w http.ResponseWriter, r *http.Request) {
	if !s.campaignAllow(w, r) {
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	token := r.PathValue("token")
	v, err := s.Campaign.Open(r.Context(), token)
	if err != nil {
		if s.campaignConfirmedView(w, r, token, err) {
			return
		}
		s.campaignFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaign_link.html", campaignLinkPage{View: v})
}

// campaignTokenHash names a spent link in the store without keeping the token.
func campaignTokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// campaignConfirmedView shows, read-only, the appointment a link was spent on, when
// err is the link's refusal and the link confirmed a proposal that is still confirmed
// and has not expired: a citizen who opens the e-mail again sees the appointment
// rather than "link not valid". It reports whether it wrote the page.
func (s *Server) campaignConfirmedView(w http.ResponseWriter, r *http.Request, token string, err error) bool {
	if model.ErrorCode(err) != model.EUNAUTHORIZED {
		return false
	}
	ctx := r.Context()
	id, expires, err := s.Store.SpentCampaignLink(ctx, campaignTokenHash(token))
	if err != nil {
		if !errors.Is(err, model.ErrNotFound) {
			s.Log.Warn("campaign spent link lookup", "error", err)
		}
		return false
	}
	if !s.Campaign.Now().Before(expires) {
		return false
	}
	p, err := s.Store.CampaignProposal(ctx, nil, id)
	if err != nil || p.State != store.ProposalConfirmed {
		return false // cancelled or re-planned since: the link shows nothing
	}
	res := &outreach.Result{State: p.State, Count: 1, Proposal: p, At: s.Campaign.At(p.Day, p.Minute)}
	if res.Office, err = s.Store.OfficeByID(ctx, p.OfficeID); err != nil {
		return false
	}
	if res.Citizen, err = s.Store.CampaignCitizen(ctx, p.CF); err != nil {
		return false
	}
	s.render(w, r, http.StatusOK, "campaign_done.html", campaignDonePage{Result: res, Reopened: true})
	return true
}

// campaignSpend records that token's link confirmed p. The answer is recorded
// whatever happens here; without the record the link only loses its read-only view.
func (s *Server) campaignSpend(r *http.Request, token string, p *store.CampaignProposal) {
	if err := s.Store.SpendCampaignLink(r.Context(), campaignTokenHash(token), p.ID, p.Deadline); err != nil {
		s.Log.Warn("campaign spent link not recorded", "proposal", p.ID, "error", err)
	}
}

// campaignHouseholdLinks returns the current links of the household proposals still
// awaiting an answer, by proposal id; none when the link does not open.
func (s *Server) campaignHouseholdLinks(ctx context.Context, token string) map[int64]string {
	v, err := s.Campaign.Open(ctx, token)
	if err != nil {
		return nil
	}
	out := make(map[int64]string, len(v.Household))
	for _, m := range v.Household {
		out[m.Proposal.ID] = s.Campaign.Token(m.Proposal)
	}
	return out
}

// campaignDonePage is the outcome page's data: just answered, or Reopened from a link
// already spent on the confirmation.
type campaignDonePage struct {
	*outreach.Result
	Reopened bool
}

// campaignLinkPage is the link page's data: the view and, after a failed answer, why.
type campaignLinkPage struct {
	*outreach.View
	Error string
}

// campaignDays is one list of alternatives as the link page draws it: day by day, a
// few times each; Prefix keeps the radio ids of the page's two lists apart.
type campaignDays struct {
	Page   page
	Days   []outreach.Day
	Prefix string
}

// Choice hands a list of days, with the page's language, to the template that draws it.
func (campaignLinkPage) Choice(p page, days []outreach.Day, prefix string) campaignDays {
	return campaignDays{Page: p, Days: days, Prefix: prefix}
}

// campaignAnswer records confirm, confirm for the household, change or decline, and
// shows the outcome at once: the link is spent, so there is nothing to redirect to.
func (s *Server) campaignAnswer(w http.ResponseWriter, r *http.Request) {
	if !s.campaignAllow(w, r) {
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	limitBody(w, r, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.campaignFail(w, r, model.Errorf(model.EINVALID, "bad form"))
		return
	}
	token := r.PathValue("token")
	var (
		res    *outreach.Result
		err    error
		others map[int64]string // household proposal id → its personal link's token
	)
	action := r.PostForm.Get("action")
	switch action {
	case "confirm":
		res, err = s.Campaign.Confirm(r.Context(), token, false)
	case "confirm_household":
		// the others' links, taken before the confirmation retires them, so that
		// each member reopening their own e-mail sees the appointment too
		others = s.campaignHouseholdLinks(r.Context(), token)
		res, err = s.Campaign.Confirm(r.Context(), token, true)
	case "change_household":
		if r.PostForm.Get("slot") == "" {
			err = model.FieldError("slot", "choose one of the times offered")
		} else {
			others = s.campaignHouseholdLinks(r.Context(), token)
			res, err = s.Campaign.ChangeHousehold(r.Context(), token, r.PostForm.Get("slot"))
		}
	case "decline":
		res, err = s.Campaign.Decline(r.Context(), token)
	case "change":
		if r.PostForm.Get("slot") == "" {
			err = model.FieldError("slot", "choose one of the times offered")
		} else {
			res, err = s.Campaign.Change(r.Context(), token, r.PostForm.Get("slot"))
		}
	default:
		err = model.Errorf(model.EINVALID, "unknown action")
	}
	if err != nil {
		// a taken slot or a missing choice: show the choices again, still valid
		if c := model.ErrorCode(err); c == model.ECONFLICT || c == model.EINVALID {
			if v, verr := s.Campaign.Open(r.Context(), token); verr == nil {
				s.render(w, r, statusOf(c), "campaign_link.html", campaignLinkPage{View: v, Error: campaignMsg(langOf(r), err)})
				return
			}
		}
		// a second click on "confirm" finds the link spent by the first: show what it did
		if action != "decline" && s.campaignConfirmedView(w, r, token, err) {
			return
		}
		s.campaignFail(w, r, err)
		return
	}
	if err := s.auditAs(r, "citizen", "campaign."+action, "campaign_proposal:"+itoa(res.Proposal.ID), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	if res.State == store.ProposalConfirmed {
		// the answer is recorded whatever happens here; without the record the link
		// only loses its read-only view
		s.campaignSpend(r, token, res.Proposal)
		for id, tok := range others {
			if p, err := s.Store.CampaignProposal(r.Context(), nil, id); err == nil && p.State == store.ProposalConfirmed {
				s.campaignSpend(r, tok, p)
			}
		}
	}
	s.render(w, r, http.StatusOK, "campaign_done.html", campaignDonePage{Result: res})
}

type campaignCodeData struct {
	Code, Year string
	Error      string
}

func (s *Server) campaignCodeForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "campaign_code.html", campaignCodeData{})
}

// campaignCodeSubmit sends the citizen to the personal link of the letter's code.
func (s *Server) campaignCodeSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.campaignAllow(w, r) {
		return
	}
	limitBody(w, r, 4<<10)
	d := campaignCodeData{Code: r.PostFormValue("code"), Year: strings.TrimSpace(r.PostFormValue("year"))}
	year, err := strconv.Atoi(d.Year)
	if err != nil || year < 1900 || year > 2100 {
		d.Error = pick(langOf(r), "Indichi l'anno di nascita con quattro cifre.", "Enter your year of birth with four digits.")
		s.render(w, r, http.StatusUnprocessableEntity, "campaign_code.html", d)
		return
	}
	tok, err := s.Campaign.TokenByCode(r.Context(), d.Code, year)
	if err != nil {
		if c := model.ErrorCode(err); c == model.EINVALID || c == model.ENOTFOUND {
			d.Error = pick(langOf(r), "Nessuna proposta in attesa corrisponde a codice e anno di nascita: controlli la lettera.", "No proposal awaiting an answer matches this code and year of birth: check your letter.")
			s.render(w, r, statusOf(c), "campaign_code.html", d)
			return
		}
		s.campaignFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/c/"+tok, http.StatusSeeOther)
}
