package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/booth/boothtest"
	"github.com/sportello/sportello/internal/model"
)

// readFile is os.ReadFile failing the test.
func photoReadFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// postMultipart sends a file as the upload form does.
func postMultipart(t testing.TB, c *http.Client, u, field, name string, data []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return photoDo(t, c, req)
}

func photoDo(t testing.TB, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func photoPostForm(t testing.TB, c *http.Client, u string, v url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return photoDo(t, c, req)
}

func photoPostRaw(t testing.TB, c *http.Client, u, token, contentType string, body []byte) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return photoDo(t, c, req)
}

var photoCodeRE = regexp.MustCompile(`[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}`)

// uploadCompliant uploads the compliant portrait through the page and returns its code.
func uploadCompliant(t testing.TB, a *apptest.App) booth.Code {
	t.Helper()
	res, body := postMultipart(t, a.Client(t), a.URL+"/foto", "photo", "me.jpg", photoReadFile(t, boothtest.CompliantPortrait()))
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: status %d: %.600s", res.StatusCode, body)
	}
	code, err := booth.ParseCode(photoCodeRE.FindString(body))
	if err != nil {
		t.Fatalf("no code on the page: %v", err)
	}
	return code
}

// provisionBooth registers a booth through the admin page and returns its token.
func provisionBooth(t testing.TB, a *apptest.App, name string) string {
	t.Helper()
	pw := a.CreateUser(t, "boothadmin", model.RoleAdmin)
	c := a.Client(t)
	a.Login(t, c, "boothadmin", pw)
	res, body := photoPostForm(t, c, a.URL+"/op/booths", url.Values{"name": {name}, "office": {"Via Larga 12"}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create booth: %d %.400s", res.StatusCode, body)
	}
	tok := regexp.MustCompile(`sbt_[A-Za-z0-9_-]+`).FindString(body)
	if tok == "" {
		t.Fatal("token not shown")
	}
	return tok
}
