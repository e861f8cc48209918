package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/photo"
	"github.com/sportello/sportello/internal/store"
)

// TestDesk walks a clerk through a photo: find it by a sloppily typed code, see it,
// download the JPEG, attach it (then it is an admin's only), mark the application sent
// (then it is gone), with every step in the audit log.
func TestDesk(t *testing.T) {
	a := apptest.New(t)
	code := uploadCompliant(t, a)
	clerk := a.Client(t)
	a.Login(t, clerk, "clerk", a.CreateUser(t, "clerk", model.RoleOperator))
	admin := a.Client(t)
	a.Login(t, admin, "chief", a.CreateUser(t, "chief", model.RoleAdmin))
	typed := strings.ToLower(strings.ReplaceAll(code.String(), "-", " "))

	a.Run(t, []apptest.Scenario{
		{Name: "desk needs a login", Path: "/op/desk", Status: 303},
		{Name: "desk form", Path: "/op/desk", As: clerk, Status: 200, Contain: []string{`name="code"`, "autofocus"}},
		{Name: "operator menu links the desk", Path: "/op/", As: clerk, Status: 200, Contain: []string{`href="/op/desk"`}},
		{Name: "wrong check character refused before lookup", Method: "POST", Path: "/op/desk", As: clerk,
			Body: "code=" + string(code[:11]) + flipCheck(code), Status: 422, Contain: []string{"Codice non valido"}},
		{Name: "unknown code", Method: "POST", Path: "/op/desk", As: clerk, Body: "code=" + string(booth.NewCode()), Status: 404},
		{Name: "found: photo, checks, origin", Method: "POST", Path: "/op/desk", As: clerk, Body: url.Values{"code": {typed}}.Encode(), Status: 200,
			Contain: []string{`data-testid="desk-image"`, "data:image/jpeg;base64,", "Caricata dal cittadino", `data-check="pose_yaw"`, `data-testid="desk-download"`}},
	})

	res, body := photoPostForm(t, clerk, a.URL+"/op/desk/download", url.Values{"code": {string(code)}})
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("download: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	jpg := []byte(body)
	if len(jpg) > photo.MaxCropBytes {
		t.Errorf("download is %d bytes, over 500 KB", len(jpg))
	}
	if bytes.Contains(jpg, []byte("Exif\x00\x00")) {
		t.Error("download carries EXIF")
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(jpg))
	if err != nil || cfg.Height < 709 || cfg.Width*45 < cfg.Height*35-45 || cfg.Width*45 > cfg.Height*35+45 {
		t.Errorf("download is %dx%d (%v), want a 35×45 crop at least 709 px high", cfg.Width, cfg.Height, err)
	}

	a.Run(t, []apptest.Scenario{
		{Name: "attach", Method: "POST", Path: "/op/desk/attach", As: clerk, Body: "application=CIE-2026-0042&code=" + string(code), Status: 200,
			Contain: []string{`data-photo-status="attached"`, "CIE-2026-0042"}, Absent: []string{"data:image/jpeg"}},
		{Name: "attached: operator cannot download", Method: "POST", Path: "/op/desk/download", As: clerk, Body: "code=" + string(code), Status: 403},
		{Name: "attached: citizen cannot reprint", Method: "POST", Path: "/foto/ricevuta", Body: "code=" + string(code), Status: 403},
		{Name: "attached: admin can", Method: "POST", Path: "/op/desk/download", As: admin, Body: "code=" + string(code), Status: 200},
		{Name: "attach twice", Method: "POST", Path: "/op/desk/attach", As: clerk, Body: "code=" + string(code), Status: 409},
		{Name: "sent deletes", Method: "POST", Path: "/op/desk/sent", As: clerk, Body: "code=" + string(code), Status: 200, Contain: []string{"cancellata"}},
		{Name: "gone after sending", Method: "POST", Path: "/op/desk", As: admin, Body: "code=" + string(code), Status: 404},
	})

	p, err := a.Store.PhotoByCodeHash(context.Background(), a.Web.Photos.Sealer.CodeHash(code))
	if err != nil {
		t.Fatal(err)
	}
	trail, err := a.Store.ListAudit(context.Background(), store.AuditFilter{Object: p.Object()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(trail) - 1; i >= 0; i-- {
		e := trail[i]
		got = append(got, e.Actor+" "+e.Action)
		if e.IP == "" {
			t.Errorf("audit %s without address", e.Action)
		}
	}
	want := "citizen photo.store|user:clerk photo.view|user:clerk photo.download|user:clerk photo.attach|user:chief photo.download|user:clerk photo.delete"
	if strings.Join(got, "|") != want {
		t.Errorf("audit trail\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
}

// TestDeskAdminDelete: only an admin may delete a photo before its time.
func TestDeskAdminDelete(t *testing.T) {
	a := apptest.New(t)
	code := uploadCompliant(t, a)
	clerk := a.Client(t)
	a.Login(t, clerk, "clerk", a.CreateUser(t, "clerk", model.RoleOperator))
	admin := a.Client(t)
	a.Login(t, admin, "chief", a.CreateUser(t, "chief", model.RoleAdmin))
	a.Run(t, []apptest.Scenario{
		{Name: "operator sees no delete button", Method: "POST", Path: "/op/desk", As: clerk, Body: "code=" + string(code), Status: 200, Absent: []string{"desk-delete"}},
		{Name: "operator may not delete", Method: "POST", Path: "/op/desk/delete", As: clerk, Body: "code=" + string(code), Status: 403},
		{Name: "admin sees the button", Method: "POST", Path: "/op/desk", As: admin, Body: "code=" + string(code), Status: 200, Contain: []string{"desk-delete"}},
		{Name: "admin deletes", Method: "POST", Path: "/op/desk/delete", As: admin, Body: "code=" + string(code), Status: 200, Contain: []string{"Foto cancellata"}},
		{Name: "gone", Method: "POST", Path: "/op/desk", As: admin, Body: "code=" + string(code), Status: 404},
	})
}

// flipCheck returns a check symbol other than the code's own.
func flipCheck(c booth.Code) string {
	if c[11] == 'A' {
		return "B"
	}
	return "A"
}

// TestCodeGuessing fires 10,000 random well-formed codes at the public lookup from one
// client: none finds a photo, and the rate limit stops the run early with 429 and the
// X-RateLimit headers. Booth reprints have their own per-booth limit.
func TestCodeGuessing(t *testing.T) {
	a := apptest.New(t)
	uploadCompliant(t, a)
	c := a.Client(t)
	statuses := map[int]int{}
	var limited *http.Response
	for i := 0; i < 10000; i++ {
		body := fmt.Sprintf(`{"code":%q}`, booth.NewCode().String())
		res, _ := photoPostRaw(t, c, a.URL+"/api/v1/photos/status", "", "application/json", []byte(body))
		statuses[res.StatusCode]++
		if res.StatusCode == 429 && limited == nil {
			limited = res
		}
	}
	if statuses[200] != 0 {
		t.Fatalf("a random guess found a photo: %v", statuses)
	}
	if limited == nil || statuses[404] > 20 {
		t.Fatalf("no rate limit: %v", statuses)
	}
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"} {
		if limited.Header.Get(h) == "" {
			t.Errorf("429 without %s", h)
		}
	}
	t.Logf("10,000 guesses: %v", statuses)

	token := provisionBooth(t, a, "Cabina 1")
	boothStatuses := map[int]int{}
	for i := 0; i < 200; i++ {
		body, _ := json.Marshal(map[string]string{"code": string(booth.NewCode())})
		res, _ := photoPostRaw(t, c, a.URL+"/api/v1/booth/receipt", token, "application/json", body)
		boothStatuses[res.StatusCode]++
	}
	if boothStatuses[200] != 0 || boothStatuses[429] == 0 || boothStatuses[404] > 20 {
		t.Errorf("booth guesses: %v", boothStatuses)
	}
}
