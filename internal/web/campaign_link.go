package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/model"
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
	v, err := s.Campaign.Open(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaign_link.html", campaignLinkPage{View: v})
}

// campaignLinkPage is the link page's data: the view and, after a failed answer, why.
type campaignLinkPage struct {
	*outreach.View
	Error string
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
		s.fail(w, r, model.Errorf(model.EINVALID, "bad form"))
		return
	}
	token := r.PathValue("token")
	var (
		res *outreach.Result
		err error
	)
	action := r.PostForm.Get("action")
	switch action {
	case "confirm":
		res, err = s.Campaign.Confirm(r.Context(), token, false)
	case "confirm_household":
		res, err = s.Campaign.Confirm(r.Context(), token, true)
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
				s.render(w, r, statusOf(c), "campaign_link.html", campaignLinkPage{View: v, Error: model.ErrorMessage(err)})
				return
			}
		}
		s.fail(w, r, err)
		return
	}
	if err := s.auditAs(r, "citizen", "campaign."+action, "campaign_proposal:"+itoa(res.Proposal.ID), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaign_done.html", res)
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
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/c/"+tok, http.StatusSeeOther)
}
