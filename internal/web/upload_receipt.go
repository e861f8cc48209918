package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/pdf"
)

// uploadReceipt sends a receipt again for a code typed in a form (the upload page's
// download button works without JavaScript). The code travels in the body, never the
// URL, so it stays out of logs and history.
func (s *Server) uploadReceipt(w http.ResponseWriter, r *http.Request) {
	if !s.photosOn(w, r) {
		return
	}
	if !s.allow(w, r, s.PublicLookupLimit, "lookup:"+clientIP(r)) {
		return
	}
	limitBody(w, r, 4<<10)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "bad form"))
		return
	}
	s.sendReceipt(w, r, r.PostForm.Get("code"), pdf.ParseFormat(r.PostForm.Get("format")), actorOf(r))
}

// photoStatus tells a citizen whether the photo behind a code is still there.
func (s *Server) photoStatus(w http.ResponseWriter, r *http.Request) {
	if !s.photosOn(w, r) {
		return
	}
	if !s.allow(w, r, s.PublicLookupLimit, "lookup:"+clientIP(r)) {
		return
	}
	var in struct {
		Code string `json:"code"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "bad request"))
		return
	}
	code, err := booth.ParseCode(in.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.Photos.Lookup(r.Context(), code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": string(p.Status), "expires_at": p.ExpiresAt.Format(time.RFC3339)})
}
