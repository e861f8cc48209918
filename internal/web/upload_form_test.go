package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booth/boothtest"
)

func TestUploadPage(t *testing.T) {
	a := apptest.New(t)
	a.Run(t, []apptest.Scenario{
		{Name: "form works without JavaScript", Path: "/foto", Status: 200,
			Contain: []string{`enctype="multipart/form-data"`, `name="photo"`, `accept="image/jpeg,image/png"`}},
		{Name: "landing links to it", Path: "/", Status: 200, Contain: []string{`href="/foto"`}},
		{Name: "english", Path: "/foto?lang=en", Status: 200, Contain: []string{"Upload the photo for your identity card"}},
	})

	t.Run("compliant portrait gets a code and a receipt", func(t *testing.T) {
		code := uploadCompliant(t, a)
		res, body := photoPostForm(t, a.Client(t), a.URL+"/foto/ricevuta", url.Values{"code": {strings.ToLower(string(code))}, "format": {"a6"}})
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
			t.Fatalf("receipt: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})

	counts := func() int {
		m, err := a.Store.PhotoCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, v := range m {
			n += v
		}
		return n
	}
	before := counts()
	refusals := []struct {
		name    string
		file    []byte
		status  int
		contain string
	}{
		{"non-compliant portrait is explained", photoReadFile(t, boothtest.NonCompliantPortrait()), 422, "Tolga gli occhiali scuri"},
		{"text file is refused by sniffing", []byte("hello, this is not a photo at all"), 415, "non è una foto JPEG o PNG"},
		{"truncated JPEG", photoReadFile(t, boothtest.CompliantPortrait())[:4000], 422, ""},
		{"empty file", nil, 422, "Scelga una foto"},
		{"over 12 MB", append([]byte("\xff\xd8\xff\xe0"), bytes.Repeat([]byte{0}, 13<<20)...), 413, "12 MB"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			res, body := postMultipart(t, a.Client(t), a.URL+"/foto", "photo", "x.jpg", tt.file)
			if res.StatusCode != tt.status || !strings.Contains(body, tt.contain) {
				t.Fatalf("status %d, want %d with %q: %.800s", res.StatusCode, tt.status, tt.contain, body)
			}
		})
	}
	if after := counts(); after != before {
		t.Errorf("refused uploads stored %d photos", after-before)
	}

	t.Run("API upload answers JSON", func(t *testing.T) {
		res, body := photoPostRaw(t, a.Client(t), a.URL+"/api/v1/photos", "", "image/jpeg", photoReadFile(t, boothtest.CompliantPortrait()))
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil || res.StatusCode != 201 {
			t.Fatalf("status %d: %.300s", res.StatusCode, body)
		}
		if !photoCodeRE.MatchString(m["code"].(string)) || !strings.HasPrefix(m["receipt_pdf"].(string), "data:application/pdf;base64,") {
			t.Fatalf("answer %v", m["code"])
		}
		res, body = photoPostRaw(t, a.Client(t), a.URL+"/api/v1/photos", "", "image/jpeg", photoReadFile(t, boothtest.NonCompliantPortrait()))
		if res.StatusCode != 422 || !strings.Contains(body, `"tinted_lenses"`) {
			t.Fatalf("non-compliant: %d %.300s", res.StatusCode, body)
		}
	})

	t.Run("OpenAPI lists the kiosk and upload endpoints", func(t *testing.T) {
		res, body := photoDo(t, a.Client(t), photoReq(t, http.MethodGet, a.URL+"/api/openapi.json"))
		if res.StatusCode != 200 {
			t.Fatal(res.StatusCode)
		}
		for _, p := range []string{"/api/v1/photos", "/api/v1/photos/status", "/api/v1/booth/guidance", "/api/v1/booth/capture", "/api/v1/booth/confirm"} {
			if !strings.Contains(body, `"`+p+`"`) {
				t.Errorf("OpenAPI lacks %s", p)
			}
		}
	})
}

func photoReq(t testing.TB, method, u string) *http.Request {
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
