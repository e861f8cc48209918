package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/sportello/sportello/internal/badge"
	"github.com/sportello/sportello/internal/model"
)

type badgePointData struct {
	Point *model.BadgePoint
	Last  *badge.Decision
}

// badgePointPage is the display next to a turnstile: the latest decision in large type.
// It refreshes itself every second with a meta refresh, so it needs no JavaScript.
func (s *Server) badgePointPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.Store.BadgePointByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := badgePointData{Point: p}
	if last, ok := s.Badges.Last(p.Code); ok && s.Badges.Now().Sub(last.At) < 10e9 {
		d.Last = &last
	}
	s.renderKiosk(w, r, http.StatusOK, "badge_point.html", d)
}

type badgeListData struct {
	Badges []*model.BadgeEnrolment
	Points []*model.BadgePoint
	Form   model.BadgePoint
	Groups string
	Error  string
	Field  string
}

func (s *Server) badgeList(w http.ResponseWriter, r *http.Request) {
	s.renderBadges(w, r, http.StatusOK, badgeListData{})
}

func (s *Server) renderBadges(w http.ResponseWriter, r *http.Request, status int, d badgeListData) {
	var err error
	if d.Badges, err = s.Store.ListBadges(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Points, err = s.Store.ListBadgePoints(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "badges.html", d)
}

func (s *Server) badgePointCreate(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "bad form"))
		return
	}
	groups := r.PostForm.Get("groups")
	p := model.BadgePoint{Code: r.PostForm.Get("code"), Name: strings.TrimSpace(r.PostForm.Get("name"))}
	for _, g := range strings.Split(groups, ",") {
		if g = strings.TrimSpace(g); g != "" {
			p.Groups = append(p.Groups, g)
		}
	}
	d := badgeListData{Form: p, Groups: groups}
	err := p.Validate()
	if err == nil {
		err = s.Store.CreateBadgePoint(r.Context(), &p)
	}
	if err != nil {
		var ae *model.Error
		if !errors.As(err, &ae) {
			s.fail(w, r, err)
			return
		}
		d.Error, d.Field = ae.Message, ae.Field
		if errors.Is(err, model.ErrConflict) {
			d.Error, d.Field = pick(langOf(r), "Codice già in uso.", "Code already in use."), "code"
		}
		s.renderBadges(w, r, statusOf(ae.Code), d)
		return
	}
	if err := s.audit(r, "badge.point_create", "point:"+p.Code, strings.Join(p.Groups, ",")); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/op/badges", http.StatusSeeOther)
}

func (s *Server) badgeDisable(w http.ResponseWriter, r *http.Request) { s.badgeSetDisabled(w, r, true) }
func (s *Server) badgeEnable(w http.ResponseWriter, r *http.Request)  { s.badgeSetDisabled(w, r, false) }

func (s *Server) badgeSetDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, model.ErrNotFound)
		return
	}
	if err := s.Store.SetBadgeDisabled(r.Context(), id, disabled); err != nil {
		s.fail(w, r, err)
		return
	}
	action := "badge.enable"
	if disabled {
		action = "badge.revoke"
	}
	if err := s.audit(r, action, "badge:"+itoa(id), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/op/badges", http.StatusSeeOther)
}
