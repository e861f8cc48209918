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

// safeNext keeps redirects on this site: only a local absolute path is followed.
// Browsers drop tabs and newlines and read "\\" as "/", so "/\t/evil.example" would
// become "//evil.example": any control character or backslash is refused outright.
func safeNext(next string) string {
	const home = "/op/"
	if !strings.HasPrefix(next, "/") || strings.ContainsAny(next, "\\") || strings.HasPrefix(next, "//") {
		return home
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return home
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
	if len(username) > 64 { // no account has a longer name; a long one is only a limiter key to spend memory on
		username = username[:64]
	}
	data := loginData{Username: username, Next: safeNext(r.PostForm.Get("next"))}
	lang := langOf(r)

	// The address limit is checked first and alone: a client already refused must not
	// create per-username buckets. Both are spent before the password is checked, so a
	// guesser learns nothing from timing or from which limit fired.
	ip := clientIP(r)
	res := s.loginLimit.Allow(ip)
	if res.Allowed {
		if userRes := s.userLimit.Allow(username); !userRes.Allowed || userRes.Remaining < res.Remaining {
			if !userRes.Allowed {
				s.loginLimit.Refund(ip)
			}
			res = userRes
		}
	}
	res.SetHeaders(w.Header())
	if !res.Allowed {
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
		// Never the typed name: people type passwords into the username box.
		object := "user:unknown"
		if u != nil {
			object = "user:" + itoa(u.ID)
		}
		_ = s.auditAs(r, "anonymous", "user.login_failed", object, "")
		data.Error = pick(lang, "Nome utente o password non corretti.", "Wrong username or password.")
		s.render(w, r, http.StatusUnauthorized, "login.html", data)
		return
	}
	// A successful login does not count against the address: colleagues behind the
	// same office NAT must not lock each other out by logging in.
	s.loginLimit.Refund(ip)
	s.userLimit.Refund(username)
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
