package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/sportello/sportello/internal/auth"
	"github.com/sportello/sportello/internal/model"
)

const (
	sessionCookie = "sportello_session"
	langCookie    = "sportello_lang"
	sessionTTL    = 12 * time.Hour // one working day; clerks log in each morning
)

type ctxKey int

const (
	userKey ctxKey = iota
	langKey
)

// withSession attaches the logged-in user (if any) and the page language to the request.
func (s *Server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			u, err := s.Store.SessionUser(ctx, auth.HashToken(c.Value))
			if err == nil {
				ctx = context.WithValue(ctx, userKey, u)
			} else if !errors.Is(err, model.ErrNotFound) {
				s.fail(w, r, err)
				return
			}
		}
		lang := "it"
		if q := r.URL.Query().Get("lang"); q == "it" || q == "en" {
			lang = q
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true, Secure: s.Config.SecureCookies()})
		} else if c, err := r.Cookie(langCookie); err == nil && (c.Value == "it" || c.Value == "en") {
			lang = c.Value
		}
		ctx = context.WithValue(ctx, langKey, lang)
		r2 := r.WithContext(ctx)
		next.ServeHTTP(w, r2)
		// The mux records the matched pattern on the copy; the logging and metrics
		// middleware outside read it from the original.
		r.Pattern = r2.Pattern
	})
}

func userOf(r *http.Request) *model.User {
	u, _ := r.Context().Value(userKey).(*model.User)
	return u
}

func langOf(r *http.Request) string {
	if l, ok := r.Context().Value(langKey).(string); ok {
		return l
	}
	return "it"
}

// requireRole lets through a logged-in user with the role (any role when role is "").
// Browsers without a session go to the login page; API clients get 401.
func (s *Server) requireRole(role model.Role, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		if u == nil {
			if wantsJSON(r) {
				s.fail(w, r, model.Errorf(model.EUNAUTHORIZED, "login required"))
				return
			}
			http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if role != "" && u.Role != role {
			s.fail(w, r, model.Errorf(model.EFORBIDDEN, "this page is for %s accounts", role))
			return
		}
		h(w, r)
	})
}

// audit records an operator or citizen action; a failure to audit fails the request,
// because an unaudited access to personal data must not happen silently.
func (s *Server) audit(r *http.Request, action, object, detail string) error {
	actor := "anonymous"
	if u := userOf(r); u != nil {
		actor = "user:" + u.Username
	}
	return s.auditAs(r, actor, action, object, detail)
}

func (s *Server) auditAs(r *http.Request, actor, action, object, detail string) error {
	return s.Store.Audit(r.Context(), &model.AuditEntry{Actor: actor, Action: action, Object: object, IP: clientIP(r), Detail: detail})
}
