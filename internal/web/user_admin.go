package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/sportello/sportello/internal/auth"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

type userListData struct {
	Users       []*model.User
	Form        model.User
	Error       string
	ErrorField  string
	NewUser     string
	NewPassword string // shown once, right after creation
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, userListData{Form: model.User{Role: model.RoleOperator}})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, d userListData) {
	users, err := s.Store.ListUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Users = users
	s.render(w, r, status, "users.html", d)
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "bad form"))
		return
	}
	u := model.User{
		Username:    strings.ToLower(strings.TrimSpace(r.PostForm.Get("username"))),
		DisplayName: strings.TrimSpace(r.PostForm.Get("display_name")),
		Role:        model.Role(r.PostForm.Get("role")),
	}
	d := userListData{Form: u}
	if err := u.Validate(); err != nil {
		var ae *model.Error
		errors.As(err, &ae)
		d.Error, d.ErrorField = ae.Message, ae.Field
		s.renderUsers(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	pw := auth.RandomPassword()
	hash, err := auth.HashPassword(pw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u.PasswordHash = hash
	if err := s.Store.CreateUser(r.Context(), &u); err != nil {
		if errors.Is(err, model.ErrConflict) {
			d.Error, d.ErrorField = pick(langOf(r), "Nome utente già in uso.", "Username already taken."), "username"
			s.renderUsers(w, r, http.StatusConflict, d)
			return
		}
		s.fail(w, r, err)
		return
	}
	if err := s.audit(r, "user.create", "user:"+itoa(u.ID), "role="+string(u.Role)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderUsers(w, r, http.StatusCreated, userListData{Form: model.User{Role: model.RoleOperator}, NewUser: u.Username, NewPassword: pw})
}

func (s *Server) userDisable(w http.ResponseWriter, r *http.Request) { s.userSetDisabled(w, r, true) }
func (s *Server) userEnable(w http.ResponseWriter, r *http.Request)  { s.userSetDisabled(w, r, false) }

func (s *Server) userSetDisabled(w http.ResponseWriter, r *http.Request, disabled bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, model.ErrNotFound)
		return
	}
	if me := userOf(r); me.ID == id && disabled {
		s.fail(w, r, model.Errorf(model.EINVALID, "you cannot disable your own account"))
		return
	}
	if err := s.Store.SetUserDisabled(r.Context(), id, disabled); err != nil {
		s.fail(w, r, err)
		return
	}
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	if err := s.audit(r, action, "user:"+itoa(id), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/op/users", http.StatusSeeOther)
}

func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	entries, err := s.Store.ListAudit(r.Context(), storeAuditFilter(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "audit.html", entries)
}

func storeAuditFilter(r *http.Request) store.AuditFilter {
	return store.AuditFilter{Object: r.URL.Query().Get("object"), Limit: 200}
}
