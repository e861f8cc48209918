package web

import (
	"net/http"
	"strconv"

	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/model"
)

type boothAdminPage struct {
	Booths   []*booth.Device
	Error    string
	NewBooth *booth.Device
	Token    string // shown once, right after creation
}

func (s *Server) boothAdminList(w http.ResponseWriter, r *http.Request) {
	s.renderBoothAdmin(w, r, http.StatusOK, boothAdminPage{})
}

func (s *Server) renderBoothAdmin(w http.ResponseWriter, r *http.Request, status int, d boothAdminPage) {
	if !s.photosOn(w, r) {
		return
	}
	list, err := s.Photos.Store.ListDevices(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Booths = list
	s.render(w, r, status, "booth_admin.html", d)
}

// boothAdminCreate provisions a booth and shows its token once.
func (s *Server) boothAdminCreate(w http.ResponseWriter, r *http.Request) {
	if !s.photosOn(w, r) {
		return
	}
	limitBody(w, r, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "bad form"))
		return
	}
	d, token, err := s.Photos.NewDevice(r.Context(), r.PostForm.Get("name"), r.PostForm.Get("office"), actorOf(r))
	if err != nil {
		if model.ErrorCode(err) == model.EINVALID {
			s.renderBoothAdmin(w, r, http.StatusUnprocessableEntity, boothAdminPage{Error: photoLang(langOf(r), model.ErrorMessage(err))})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.renderBoothAdmin(w, r, http.StatusCreated, boothAdminPage{NewBooth: d, Token: token})
}

// boothAdminDisable switches a lost or replaced booth off; its token stops working at once.
func (s *Server) boothAdminDisable(w http.ResponseWriter, r *http.Request) {
	if !s.photosOn(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, model.ErrNotFound)
		return
	}
	who := actorOf(r)
	err = s.Photos.Store.SetDeviceDisabled(r.Context(), id, true,
		&model.AuditEntry{Actor: who.Name, Action: "booth.disable", Object: "booth:" + itoa(id), IP: who.IP})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/op/booths", http.StatusSeeOther)
}
