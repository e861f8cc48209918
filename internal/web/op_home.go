package web

import "net/http"

func (s *Server) opHome(w http.ResponseWriter, r *http.Request) {
	offices, err := s.Store.ListOffices(r.Context(), true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "op_home.html", map[string]any{"Offices": len(offices)})
}
