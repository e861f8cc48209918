package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sportello/sportello/internal/model"
)

// FuzzReadUpload feeds arbitrary bodies to the upload reader, as multipart forms and as
// raw bodies: it must never panic, and must return either a JPEG or PNG under the cap or
// an application error with a code the page can show.
func FuzzReadUpload(f *testing.F) {
	f.Add([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), true)
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00"), false)
	f.Add([]byte("GIF89a"), true)
	f.Add([]byte{}, true)
	f.Fuzz(func(t *testing.T, data []byte, asForm bool) {
		body, ctype := data, "image/jpeg"
		if asForm {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("photo", "x.jpg")
			fw.Write(data)
			mw.Close()
			body, ctype = buf.Bytes(), mw.FormDataContentType()
		}
		r := httptest.NewRequest(http.MethodPost, "/foto", bytes.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		got, err := readUpload(httptest.NewRecorder(), r)
		if err != nil {
			switch model.ErrorCode(err) {
			case model.EINVALID, model.EUNSUPPORTED, model.ETOOLARGE:
			default:
				t.Fatalf("error with code %q: %v", model.ErrorCode(err), err)
			}
			return
		}
		if len(got) == 0 || len(got) > maxUploadBytes {
			t.Fatalf("accepted %d bytes", len(got))
		}
		if ct := http.DetectContentType(got); ct != "image/jpeg" && ct != "image/png" {
			t.Fatalf("accepted %s", ct)
		}
	})
}
