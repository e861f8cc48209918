package web

import (
	"net/http"

	"github.com/sportello/sportello/internal/model"
)

// boothKiosk serves the full-screen kiosk to a paired booth, and the pairing form to a
// browser that is not one yet.
func (s *Server) boothKiosk(w http.ResponseWriter, r *http.Request) {
	if !s.photosOn(w, r) {
		return
	}
	d, err := s.Photos.Device(r.Context(), boothToken(r))
	if err != nil {
		s.renderKiosk(w, r, http.StatusOK, "booth_pair.html", map[string]any{})
		return
	}
	s.renderKiosk(w, r, http.StatusOK, "booth_kiosk.html", map[string]any{"Booth": d})
}

// boothPair stores a provisioned token in a long-lived cookie on the booth's browser.
func (s *Server) boothPair(w http.ResponseWriter, r *http.Request) {
	if !s.photosOn(w, r) {
		return
	}
	limitBody(w, r, 4<<10)
	if !s.allow(w, r, s.BoothLookupLimit, "pair:"+clientIP(r)) {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "bad form"))
		return
	}
	token := r.PostForm.Get("token")
	d, err := s.Photos.Device(r.Context(), token)
	if err != nil {
		s.renderKiosk(w, r, http.StatusUnauthorized, "booth_pair.html", map[string]any{"Error": true})
		return
	}
	if err := s.auditAs(r, "booth:"+itoa(d.ID), "booth.pair", "booth:"+itoa(d.ID), ""); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: boothCookie, Value: token, Path: "/", MaxAge: 5 * 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.Config.SecureCookies()})
	http.Redirect(w, r, "/booth", http.StatusSeeOther)
}
