package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/pdf"
)

// readImage reads a raw image body up to max bytes.
func readBoothImage(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, max)
	b, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, model.Errorf(model.ETOOLARGE, "Immagine troppo grande / Image too large")
	}
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "Immagine non ricevuta / Image not received")
	}
	return b, nil
}

// boothGuidance checks one preview frame; nothing of it is kept.
func (s *Server) boothGuidance(w http.ResponseWriter, r *http.Request) {
	d := boothOf(r)
	if !s.allow(w, r, s.GuidanceLimit, "booth:"+itoa(d.ID)) {
		return
	}
	frame, err := readBoothImage(w, r, maxFrameBytes)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, err := s.Photos.Guide(r.Context(), frame)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, g)
}

// boothCapture checks and crops the full frame. A compliant crop is held in memory for
// the citizen to confirm; the frame itself is dropped when the handler returns.
func (s *Server) boothCapture(w http.ResponseWriter, r *http.Request) {
	d := boothOf(r)
	if !s.allow(w, r, s.GuidanceLimit, "booth:"+itoa(d.ID)) {
		return
	}
	img, err := readBoothImage(w, r, maxCaptureByte)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.Photos.Judge(r.Context(), img)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := map[string]any{"ok": v.OK(), "hints": booth.CaptureHints(v.Report)}
	if v.Crop != nil {
		out["crop"] = photoDataURL("image/jpeg", v.Crop.JPEG)
	}
	if v.OK() {
		out["pending"] = s.Photos.Hold(d.ID, v)
	}
	writeJSON(w, http.StatusOK, out)
}

// boothConfirm stores the held crop and answers with the code and the receipt.
func (s *Server) boothConfirm(w http.ResponseWriter, r *http.Request) {
	d := boothOf(r)
	var in struct {
		Pending string `json:"pending"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "bad request"))
		return
	}
	v, err := s.Photos.Take(d.ID, in.Pending)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := s.Photos.Save(r.Context(), v, booth.OriginBooth, d.ID, boothActor(r, d))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st.Photo.BoothName = d.Name
	if d.Office != "" { // as the store reads it back for the desk
		st.Photo.BoothName = d.Office + " · " + d.Name
	}
	s.writeStored(w, r, st)
}

// writeStored answers a successful store with the code and the receipt as data URLs, so
// the kiosk can show and print it without a second request naming the code.
func (s *Server) writeStored(w http.ResponseWriter, r *http.Request, st *booth.Stored) {
	receipt, err := s.receiptFor(st.Code, st.Photo, st.JPEG, pdf.Roll80)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	barcode, err := pdf.BarcodePNG(string(st.Code))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"code": st.Code.String(), "expires_at": st.Photo.ExpiresAt.Format(time.RFC3339),
		"expires": st.Photo.ExpiresAt.In(s.loc).Format("02/01/2006"),
		"crop":    photoDataURL("image/jpeg", st.JPEG), "barcode": photoDataURL("image/png", barcode),
		"receipt_pdf": photoDataURL("application/pdf", receipt),
	})
}

// boothReceipt reprints a receipt at the booth, rate-limited per booth.
func (s *Server) boothReceipt(w http.ResponseWriter, r *http.Request) {
	d := boothOf(r)
	if !s.allow(w, r, s.BoothLookupLimit, "booth:"+itoa(d.ID)) {
		return
	}
	var in struct {
		Code   string `json:"code"`
		Format string `json:"format"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "bad request"))
		return
	}
	s.sendReceipt(w, r, in.Code, pdf.ParseFormat(in.Format), boothActor(r, d))
}

// sendReceipt looks a code up and answers with its receipt PDF; the photo is on it, so
// this is an audited view.
func (s *Server) sendReceipt(w http.ResponseWriter, r *http.Request, raw string, f pdf.Format, who booth.Actor) {
	code, err := booth.ParseCode(raw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.Photos.Lookup(r.Context(), code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Status != booth.StatusStored {
		s.fail(w, r, model.Errorf(model.EFORBIDDEN, "Foto già allegata a una pratica / Photo already attached to an application"))
		return
	}
	jpeg, err := s.Photos.Image(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.receiptFor(code, p, jpeg, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.auditAs(r, who.Name, "photo.receipt", p.Object(), "format="+string(f)); err != nil {
		s.fail(w, r, err)
		return
	}
	photoWritePDF(w, "ricevuta-foto-cie.pdf", b)
}
