package web

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/model"
)

// deskPage is the clerk's desk: the code field, and the photo found by it.
type deskPage struct {
	Error    string
	Notice   string
	Code     string // canonical, for the action forms
	Photo    *booth.Photo
	Image    template.URL // data: URL; empty when the photo may not be fetched
	Checks   []checkLine
	CanFetch bool
}

func (s *Server) deskForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "desk_lookup.html", deskPage{})
}

// deskFind parses and looks a code up for the desk, rate-limited per operator. It writes
// the page itself on failure and returns nil.
func (s *Server) deskFind(w http.ResponseWriter, r *http.Request) (*booth.Photo, booth.Code) {
	if !s.photosOn(w, r) {
		return nil, ""
	}
	if !s.allow(w, r, s.DeskLookupLimit, "user:"+userOf(r).Username) {
		return nil, ""
	}
	limitBody(w, r, 4<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "bad form"))
		return nil, ""
	}
	code, err := booth.ParseCode(r.PostForm.Get("code"))
	if err == nil {
		var p *booth.Photo
		if p, err = s.Photos.Lookup(r.Context(), code); err == nil {
			return p, code
		}
	}
	msg := photoLang(langOf(r), model.ErrorMessage(err))
	if errors.Is(err, model.ErrNotFound) {
		msg = pick(langOf(r), "Nessuna foto con questo codice: è scaduta, è già stata inviata o il codice è sbagliato.",
			"No photo with this code: it expired, was already sent, or the code is wrong.")
	}
	status := statusOf(model.ErrorCode(err))
	if status >= 500 {
		s.fail(w, r, err)
		return nil, ""
	}
	s.render(w, r, status, "desk_lookup.html", deskPage{Error: msg})
	return nil, ""
}

// mayFetch: once attached to an application a photo is an admin's only.
func mayFetch(r *http.Request, p *booth.Photo) bool {
	return p.Status == booth.StatusStored || userOf(r).Role == model.RoleAdmin
}

// deskLookup shows the photo, its checks and its origin. Showing it is a view of
// personal data, so it is audited before the page goes out.
func (s *Server) deskLookup(w http.ResponseWriter, r *http.Request) {
	p, code := s.deskFind(w, r)
	if p == nil {
		return
	}
	s.renderDesk(w, r, http.StatusOK, p, code, "")
}

func (s *Server) renderDesk(w http.ResponseWriter, r *http.Request, status int, p *booth.Photo, code booth.Code, notice string) {
	local := *p // the page shows the comune's local times
	local.CreatedAt, local.ExpiresAt = p.CreatedAt.In(s.loc), p.ExpiresAt.In(s.loc)
	p = &local
	d := deskPage{Code: string(code), Photo: p, Checks: summaryLines(langOf(r), p.Checks), CanFetch: mayFetch(r, p), Notice: notice}
	if d.CanFetch {
		jpeg, err := s.Photos.Image(r.Context(), p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.audit(r, "photo.view", p.Object(), "origin="+string(p.Origin)); err != nil {
			s.fail(w, r, err)
			return
		}
		d.Image = photoDataURL("image/jpeg", jpeg)
	}
	s.render(w, r, status, "desk_lookup.html", d)
}

// deskDownload sends the final JPEG as the CIE workstation takes it.
func (s *Server) deskDownload(w http.ResponseWriter, r *http.Request) {
	p, _ := s.deskFind(w, r)
	if p == nil {
		return
	}
	if !mayFetch(r, p) {
		s.fail(w, r, model.Errorf(model.EFORBIDDEN, "Foto già allegata a una pratica: solo un amministratore può scaricarla / Photo already attached to an application: only an admin can download it"))
		return
	}
	jpeg, err := s.Photos.Image(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.audit(r, "photo.download", p.Object(), "bytes="+itoa(int64(len(jpeg)))); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Disposition", `attachment; filename="foto-cie-`+itoa(p.ID)+`.jpg"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(jpeg)
}

// deskAttach marks the photo as taken into an application.
func (s *Server) deskAttach(w http.ResponseWriter, r *http.Request) {
	p, code := s.deskFind(w, r)
	if p == nil {
		return
	}
	if err := s.Photos.Attach(r.Context(), p, r.PostForm.Get("application"), actorOf(r)); err != nil {
		if errors.Is(err, model.ErrConflict) {
			err = model.Errorf(model.ECONFLICT, "La foto è già allegata a una pratica / The photo is already attached to an application")
		}
		s.fail(w, r, err)
		return
	}
	p, err := s.Photos.Lookup(r.Context(), code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderDesk(w, r, http.StatusOK, p, code, pick(langOf(r), "Foto allegata alla pratica.", "Photo attached to the application."))
}

// deskSent records that the application went to the Ministry, which deletes the photo.
func (s *Server) deskSent(w http.ResponseWriter, r *http.Request) {
	p, _ := s.deskFind(w, r)
	if p == nil {
		return
	}
	if err := s.Photos.MarkSent(r.Context(), p, actorOf(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "desk_lookup.html", deskPage{Notice: pick(langOf(r),
		"Pratica inviata: la foto è stata cancellata.", "Application sent: the photo has been deleted.")})
}

// deskDelete lets an admin delete a photo before its time (a citizen's request under
// GDPR, or a photo uploaded by mistake).
func (s *Server) deskDelete(w http.ResponseWriter, r *http.Request) {
	p, _ := s.deskFind(w, r)
	if p == nil {
		return
	}
	if err := s.Photos.Delete(r.Context(), p, "deleted by an admin", actorOf(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "desk_lookup.html", deskPage{Notice: pick(langOf(r), "Foto cancellata.", "Photo deleted.")})
}
