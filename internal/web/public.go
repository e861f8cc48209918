package web

import "net/http"

func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "landing.html", nil)
}

func (s *Server) privacy(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "privacy.html", nil)
}

func (s *Server) accessibility(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "accessibility.html", nil)
}
