package web

import (
	"errors"
	"html/template"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/photo"
)

// uploadPage is the upload page's data: the empty form, a verdict, or the stored code.
type uploadPage struct {
	Error   string
	Checks  []checkLine  // the verdict, failed checks first
	Crop    template.URL // data: URL of the crop preview
	Code    string
	Expires time.Time
}

// checkLine is one check as a citizen or a clerk reads it.
type checkLine struct {
	ID          string
	Name        string
	Status      string
	Value       float64
	Unit        string
	Threshold   string
	Instruction string
}

func (s *Server) uploadForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "upload_form.html", uploadPage{})
}

// uploadSubmit checks an uploaded portrait and stores its crop when compliant. The
// original is never written anywhere: it lives in memory for the request only, so a
// failure leaves nothing behind.
func (s *Server) uploadSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.photosOn(w, r) {
		return
	}
	if !s.allow(w, r, s.UploadLimit, "upload:"+clientIP(r)) {
		return
	}
	img, err := readUpload(w, r)
	if err != nil {
		s.uploadFailed(w, r, err, nil)
		return
	}
	v, err := s.Photos.Judge(r.Context(), img)
	if err != nil {
		s.uploadFailed(w, r, err, nil)
		return
	}
	if !v.OK() {
		s.uploadFailed(w, r, model.Errorf(model.EINVALID, "La foto non è conforme / The photo is not compliant"), v)
		return
	}
	st, err := s.Photos.Save(r.Context(), v, booth.OriginUpload, 0, actorOf(r))
	if err != nil {
		s.uploadFailed(w, r, err, nil)
		return
	}
	if wantsJSON(r) {
		s.writeStored(w, r, st)
		return
	}
	s.render(w, r, http.StatusCreated, "upload_form.html", uploadPage{
		Code: st.Code.String(), Expires: st.Photo.ExpiresAt.In(s.loc), Crop: photoDataURL("image/jpeg", st.JPEG),
		Checks: checkLines(langOf(r), v.Report),
	})
}

// uploadFailed explains a refusal: JSON with the report for API clients, the page again
// with the reason, the checks and the crop preview for people.
func (s *Server) uploadFailed(w http.ResponseWriter, r *http.Request, err error, v *booth.Verdict) {
	if v == nil {
		if wantsJSON(r) {
			s.fail(w, r, err)
			return
		}
		code := model.ErrorCode(err)
		if code == model.EINTERNAL || code == model.EUNAVAILABLE {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, statusOf(code), "upload_form.html", uploadPage{Error: photoLang(langOf(r), model.ErrorMessage(err))})
		return
	}
	if wantsJSON(r) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"error":  map[string]string{"code": model.EINVALID, "message": model.ErrorMessage(err), "field": "photo"},
			"report": v.Report,
		})
		return
	}
	d := uploadPage{Error: photoLang(langOf(r), model.ErrorMessage(err)), Checks: checkLines(langOf(r), v.Report)}
	if v.Crop != nil {
		d.Crop = photoDataURL("image/jpeg", v.Crop.JPEG)
	}
	s.render(w, r, http.StatusUnprocessableEntity, "upload_form.html", d)
}

// readUpload takes the image from a multipart form (the page) or a raw image body (the
// API), refusing anything over the cap or not sniffed as JPEG or PNG.
func readUpload(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes+64<<10)
	var src io.Reader = r.Body
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, model.FieldError("photo", "Modulo non valido / Invalid form")
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				if uploadTooLarge(err) {
					return nil, errUploadTooLarge
				}
				return nil, model.FieldError("photo", "Scelga una foto da caricare / Choose a photo to upload")
			}
			if part.FormName() == "photo" {
				src = part
				break
			}
		}
	}
	b, err := io.ReadAll(io.LimitReader(src, maxUploadBytes+1))
	if uploadTooLarge(err) || len(b) > maxUploadBytes {
		return nil, errUploadTooLarge
	}
	if err != nil {
		return nil, model.FieldError("photo", "Caricamento interrotto: riprovi / Upload interrupted: try again")
	}
	if len(b) == 0 {
		return nil, model.FieldError("photo", "Scelga una foto da caricare / Choose a photo to upload")
	}
	switch http.DetectContentType(b) {
	case "image/jpeg", "image/png":
		return b, nil
	}
	return nil, &model.Error{Code: model.EUNSUPPORTED, Field: "photo",
		Message: "Il file non è una foto JPEG o PNG. Sull'iPhone scelga il formato «Più compatibile» / The file is not a JPEG or PNG photo. On an iPhone choose the \"Most compatible\" format"}
}

var errUploadTooLarge = &model.Error{Code: model.ETOOLARGE, Field: "photo", Message: "La foto supera 12 MB: ne scelga una più piccola / The photo is over 12 MB: choose a smaller one"}

func uploadTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// checkLines orders a report for reading: failed checks first, each with its name and
// the engine's instruction in the page language.
func checkLines(lang string, rep *photo.Report) []checkLine {
	var failed, rest []checkLine
	for _, c := range rep.Checks {
		l := checkLine{ID: c.ID, Name: booth.CheckName(lang, c.ID), Status: string(c.Status), Value: c.Value, Unit: c.Unit, Threshold: c.Threshold}
		if c.Status == photo.Fail {
			l.Instruction = pick(lang, c.IT, c.EN)
			failed = append(failed, l)
		} else {
			rest = append(rest, l)
		}
	}
	return append(failed, rest...)
}

// summaryLines is checkLines for a stored summary (the desk), which keeps no instructions.
func summaryLines(lang string, sum booth.Summary) []checkLine {
	var out []checkLine
	for _, c := range sum.Checks {
		out = append(out, checkLine{ID: c.ID, Name: booth.CheckName(lang, c.ID), Status: c.Status, Value: c.Value, Unit: c.Unit, Threshold: c.Threshold})
	}
	return out
}
