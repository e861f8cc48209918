package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/sportello/sportello/internal/auth"
	"github.com/sportello/sportello/internal/model"
)

type loginData struct {
	Username string
	Next     string
	Error    string
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext keeps redirects on this site: only local absolute paths are followed.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/op/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "login.html", loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r, 16<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "bad form"))
		return
	}
	username := strings.ToLower(strings.TrimSpace(r.PostForm.Get("username")))
	data := loginData{Username: username, Next: safeNext(r.PostForm.Get("next"))}
	lang := langOf(r)

	// Both limits are spent before the password is checked, so a guesser learns nothing
	// from timing or from which limit fired.
	ipRes := s.loginLimit.Allow(clientIP(r))
	userRes := s.userLimit.Allow(username)
	res := ipRes
	if !userRes.Allowed || userRes.Remaining < ipRes.Remaining {
		res = userRes
	}
	res.SetHeaders(w.Header())
	if !ipRes.Allowed || !userRes.Allowed {
		data.Error = pick(lang, "Troppi tentativi. Riprovi tra qualche minuto.", "Too many attempts. Try again in a few minutes.")
		s.render(w, r, http.StatusTooManyRequests, "login.html", data)
		return
	}

	u, err := s.Store.UserByUsername(r.Context(), username)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	ok := false
	if u != nil && !u.Disabled {
		ok = auth.CheckPassword(u.PasswordHash, r.PostForm.Get("password")) == nil
	} else {
		// Spend the same time on unknown users so timing does not reveal which exist.
		_ = auth.CheckPassword(dummyHash, r.PostForm.Get("password"))
	}
	if !ok {
		_ = s.auditAs(r, "anonymous", "user.login_failed", "user:"+username, "")
		data.Error = pick(lang, "Nome utente o password non corretti.", "Wrong username or password.")
		s.render(w, r, http.StatusUnauthorized, "login.html", data)
		return
	}
	token, hash := auth.NewToken()
	now := s.Store.Now()
	if err := s.Store.CreateSession(r.Context(), &model.Session{TokenHash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(sessionTTL), IP: clientIP(r)}); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.auditAs(r, "user:"+u.Username, "user.login", "user:"+itoa(u.ID), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.Config.SecureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: int(sessionTTL.Seconds())})
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Store.DeleteSession(r.Context(), auth.HashToken(c.Value)); err != nil {
			s.fail(w, r, err)
			return
		}
		if u := userOf(r); u != nil {
			_ = s.audit(r, "user.logout", "user:"+itoa(u.ID), "")
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.Config.SecureCookies(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// dummyHash is a valid argon2id hash of a random password, used to equalise timing.
const dummyHash = "$argon2id$v=19$m=65536,t=1,p=2$c29tZXNhbHRzb21lc2FsdA$2M5k3VxX0f4bqj3l8cT1lqk0m7r9m2Wm9aYpYw1Fh3s"

func pick(lang, it, en string) string {
	if lang == "en" {
		return en
	}
	return it
}
