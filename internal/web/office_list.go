package web

import (
	"net/http"

	"github.com/sportello/sportello/internal/model"
)

type officeView struct {
	*model.Office
	Hours []*model.OpeningHours
}

func (s *Server) officeList(w http.ResponseWriter, r *http.Request) {
	offices, err := s.Store.ListOffices(r.Context(), false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	views := make([]officeView, 0, len(offices))
	for _, o := range offices {
		hs, err := s.Store.OpeningHours(r.Context(), o.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		views = append(views, officeView{Office: o, Hours: hs})
	}
	s.render(w, r, http.StatusOK, "offices.html", views)
}

// apiOffices is the public list of active offices for a comune's website or app.
func (s *Server) apiOffices(w http.ResponseWriter, r *http.Request) {
	offices, err := s.Store.ListOffices(r.Context(), true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type office struct {
		Code      string  `json:"code"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
		Municipio string  `json:"municipio"`
		Lat       float64 `json:"lat"`
		Lon       float64 `json:"lon"`
	}
	out := make([]office, 0, len(offices))
	for _, o := range offices {
		out = append(out, office{o.Code, o.Name, o.Address, o.Municipio, o.Lat, o.Lon})
	}
	writeJSON(w, http.StatusOK, map[string]any{"offices": out})
}
