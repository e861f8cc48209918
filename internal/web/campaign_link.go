package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// campaignAllow applies the per-address limit on personal-link requests, so tokens
// cannot be guessed at speed.
func (s *Server) campaignAllow(w http.ResponseWriter, r *http.Request) bool {
	return s.allow(w, r, s.campaignLimit, clientIP(r))
}

// campaignLink shows a citizen's proposal with its choices, or the appointment the
// link now manages, or what became of it.
func (s *Server) campaignLink(w http.ResponseWriter, r *http.Request) {
	if !s.campaignAllow(w, r) {
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	token := r.PathValue("token")
	v, err := s.Campaign.Open(r.Context(), token)
	if err != nil {
		s.campaignNotOpen(w, r, token, err)
		return
	}
	s.campaignView(w, r, http.StatusOK, v, "")
}

// campaignView draws a link's page by the proposal's state: the answer page, the
// confirmed appointment with change and cancel, or the decline, read-only.
func (s *Server) campaignView(w http.ResponseWriter, r *http.Request, status int, v *outreach.View, msg string) {
	page := campaignLinkPage{View: v, Error: msg, Contact: s.campaignContact()}
	if v.Proposal.State != store.ProposalDeclined {
		page.More = s.campaignMoreOf(r, v)
	}
	if v.Proposal.State == store.ProposalDeclined {
		s.render(w, r, status, "campaign_declined.html", page)
		return
	}
	// a confirmed appointment shows its own heading and the same choices of another time
	s.render(w, r, status, "campaign_link.html", page)
}

// campaignContact is how to reach the comune, for the pages that say "contact the comune".
func (s *Server) campaignContact() campaignContact {
	return campaignContact{Comune: s.Campaign.Comune, Phone: s.Campaign.Phone}
}

type campaignContact struct{ Comune, Phone string }

// campaignTokenHash names a spent link in the store without keeping the token.
func campaignTokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// campaignNotOpen answers a link that does not open (err): a link spent on an answer
// shows the appointment as it stands now (confirmed: to change or cancel; declined:
// when), so a citizen who opens the e-mail or letter again is never told "not valid"
// about an appointment they hold; any other used, expired or superseded link gets a
// page that says so and where to go (410: it will not work again, and no login helps).
func (s *Server) campaignNotOpen(w http.ResponseWriter, r *http.Request, token string, err error) {
	if !outreach.LinkGone(err) {
		s.campaignFail(w, r, err)
		return
	}
	ctx := r.Context()
	id, _, lerr := s.Store.SpentCampaignLink(ctx, campaignTokenHash(token))
	if lerr == nil {
		v, verr := s.Campaign.Current(ctx, id)
		if verr == nil {
			s.campaignView(w, r, http.StatusOK, v, "")
			return
		}
		if outreach.LinkGone(verr) {
			err = verr // e.g. the appointment's time has passed
		} else {
			s.Log.Warn("campaign spent link view", "proposal", id, "error", verr)
		}
	} else if !errors.Is(lerr, model.ErrNotFound) {
		s.Log.Warn("campaign spent link lookup", "error", lerr)
	}
	if wantsJSON(r) {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "%s", model.ErrorMessage(err)))
		return
	}
	s.render(w, r, http.StatusGone, "campaign_gone.html", map[string]any{"Message": campaignMsg(langOf(r), err), "Contact": s.campaignContact()})
}

// campaignSpend records that token's link answered p, so that opening it again shows
// p as it stands. The answer is recorded whatever happens here; without the record the
// link only loses that view. The record outlives the answer window: until the day after
// the appointment, when the page no longer shows it anyway.
func (s *Server) campaignSpend(r *http.Request, token string, p *store.CampaignProposal) {
	expires := p.Deadline
	if after := s.Campaign.At(p.Day, p.Minute).AddDate(0, 0, 1); after.After(expires) {
		expires = after
	}
	if err := s.Store.SpendCampaignLink(r.Context(), campaignTokenHash(token), p.ID, expires); err != nil {
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

// campaignDonePage is the outcome page's data: what the answer did, the link that
// now manages the appointment (confirmed) and how to reach the comune.
type campaignDonePage struct {
	*outreach.Result
	Manage  string
	Contact campaignContact
	// Unmailed is those of Moved the comune cannot e-mail: the mover is asked to
	// tell them. UnmailedUnknown: the lookup failed, so the page asks in general.
	Unmailed        []outreach.Member
	UnmailedUnknown bool
}

// campaignLinkPage is a link page's data: the view and, after a failed answer, why.
type campaignLinkPage struct {
	*outreach.View
	Error   string
	Contact campaignContact
	More    campaignMore // the change section's page of days, and the household's names
}

// campaignDays is one list of alternatives as the link page draws it: day by day, a
// few times each, and links to the pages of days before and after; Prefix keeps the
// radio ids of the page's two lists apart ("hh" the household's, "slot" one person's).
type campaignDays struct {
	Page                 page
	Days                 []outreach.Day
	Prefix               string
	From, Earlier, Later time.Time
	Solo                 bool // the links reopen the folded "only me" list
}

// Choice hands a list of days, with the page's language and paging, to the template
// that draws it.
func (d campaignLinkPage) Choice(p page, days []outreach.Day, prefix string) campaignDays {
	c := campaignDays{Page: p, Days: days, Prefix: prefix, From: d.More.From, Earlier: d.More.Earlier, Later: d.More.Later, Solo: len(d.Group) > 0}
	if prefix == "hh" {
		c.Earlier, c.Later, c.Solo = d.More.GroupEarlier, d.More.GroupLater, false
	}
	return c
}

// FromDay, EarlierDay and LaterDay are the paging days as links carry them, empty for none.
func (c campaignDays) FromDay() string    { return pageDay(c.From) }
func (c campaignDays) EarlierDay() string { return pageDay(c.Earlier) }
func (c campaignDays) LaterDay() string   { return pageDay(c.Later) }

// campaignAnswer records confirm, confirm for the household, change or decline, and
// shows the outcome at once: the link is spent, so there is nothing to redirect to.
// Declining (or cancelling a confirmed appointment) takes two steps: "decline" asks
// whether they are sure, "decline_confirm" does it.
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
		audit  = r.PostForm.Get("action")
	)
	switch r.PostForm.Get("action") {
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
			res, err = s.Campaign.ChangeHousehold(r.Context(), token, r.PostForm.Get("slot"), campaignAlso(r)...)
		}
	case "decline":
		s.campaignDeclineAsk(w, r, token)
		return
	case "decline_confirm":
		audit = "decline"
		if v, verr := s.Campaign.Open(r.Context(), token); verr == nil && v.Proposal.State == store.ProposalConfirmed {
			audit = "cancel"
		}
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
		// a taken slot or a missing choice: show the choices again, still valid; a
		// confirmation of what is confirmed already: show the appointment
		if c := model.ErrorCode(err); c == model.ECONFLICT || c == model.EINVALID {
			if v, verr := s.Campaign.Open(r.Context(), token); verr == nil {
				if errors.Is(err, outreach.ErrAlreadyConfirmed) {
					s.campaignView(w, r, http.StatusOK, v, "")
				} else {
					s.campaignView(w, r, statusOf(c), v, campaignMsg(langOf(r), err))
				}
				return
			}
		}
		// a second click finds the link spent by the first: show where things stand
		s.campaignNotOpen(w, r, token, err)
		return
	}
	if err := s.auditAs(r, "citizen", "campaign."+audit, "campaign_proposal:"+itoa(res.Proposal.ID), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	// the answer is recorded whatever happens here; without the record the link only
	// loses its view of the outcome
	s.campaignSpend(r, token, res.Proposal)
	for id, tok := range others {
		if p, err := s.Store.CampaignProposal(r.Context(), nil, id); err == nil && p.State == store.ProposalConfirmed {
			s.campaignSpend(r, tok, p)
		}
	}
	page := campaignDonePage{Result: res, Contact: s.campaignContact()}
	if res.State == store.ProposalConfirmed {
		page.Manage = s.Campaign.Token(res.Proposal)
	}
	if len(res.Moved) > 0 {
		// the move is recorded: a failed read only loses the names, not the page
		if page.Unmailed, err = s.Campaign.Unmailed(r.Context(), res.Moved); err != nil {
			s.Log.Warn("campaign done page: who has no e-mail", "proposal", res.Proposal.ID, "err", err)
			page.UnmailedUnknown = true
		}
	}
	s.render(w, r, http.StatusOK, "campaign_done.html", page)
}

// campaignDeclineAsk is the "are you sure?" step of declining or cancelling: nothing
// changes until the citizen confirms on this page (a plain form, no script).
func (s *Server) campaignDeclineAsk(w http.ResponseWriter, r *http.Request, token string) {
	v, err := s.Campaign.Open(r.Context(), token)
	if err != nil {
		s.campaignNotOpen(w, r, token, err)
		return
	}
	if v.Proposal.State == store.ProposalDeclined {
		s.campaignView(w, r, http.StatusOK, v, "")
		return
	}
	s.render(w, r, http.StatusOK, "campaign_decline.html", campaignLinkPage{View: v, Contact: s.campaignContact()})
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
			d.Error = pick(langOf(r), "Nessun appuntamento corrisponde a codice e anno di nascita: controlli la lettera.", "No appointment matches this code and year of birth: check your letter.")
			s.render(w, r, statusOf(c), "campaign_code.html", d)
			return
		}
		s.campaignFail(w, r, err)
		return
	}
	http.Redirect(w, r, "/c/"+tok, http.StatusSeeOther)
}
