package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booth/boothtest"
	"github.com/sportello/sportello/internal/model"
)

// TestBoothAPI drives the kiosk's endpoints as the page does: preview frames get
// guidance, the full frame is cropped and held, confirming stores it and answers with
// the code and the receipt; only a provisioned booth may call them.
func TestBoothAPI(t *testing.T) {
	a := apptest.New(t)
	token := provisionBooth(t, a, "Cabina 1")
	c := a.Client(t)
	src := boothtest.Load(t, boothtest.CompliantPortrait())
	near := boothtest.JPEG(t, boothtest.Resize(src, 480, 640), 85)
	far := boothtest.JPEG(t, boothtest.Shrunk(src, 480, 640, 0.5), 85)

	for _, tok := range []string{"", "sbt_forged"} {
		if res, _ := photoPostRaw(t, c, a.URL+"/api/v1/booth/guidance", tok, "image/jpeg", near); res.StatusCode != 401 {
			t.Errorf("token %q: status %d, want 401", tok, res.StatusCode)
		}
	}
	guide := func(frame []byte) map[string]any {
		res, body := photoPostRaw(t, c, a.URL+"/api/v1/booth/guidance", token, "image/jpeg", frame)
		if res.StatusCode != 200 {
			t.Fatalf("guidance: %d %s", res.StatusCode, body)
		}
		var g map[string]any
		json.Unmarshal([]byte(body), &g)
		return g
	}
	if g := guide(far); g["ready"] != false || !strings.Contains(photoJSON(g["hints"]), `"it":"Si avvicini"`) {
		t.Errorf("far frame: %v", g)
	}
	if g := guide(near); g["ready"] != true {
		t.Errorf("near frame: %v", g)
	}

	res, body := photoPostRaw(t, c, a.URL+"/api/v1/booth/capture", token, "image/jpeg", boothtest.JPEG(t, boothtest.Resize(src, 720, 960), 92))
	var v struct {
		OK      bool   `json:"ok"`
		Pending string `json:"pending"`
		Crop    string `json:"crop"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || res.StatusCode != 200 || !v.OK || v.Pending == "" || !strings.HasPrefix(v.Crop, "data:image/jpeg") {
		t.Fatalf("capture: %d %.300s", res.StatusCode, body)
	}
	if res, _ := photoPostRaw(t, c, a.URL+"/api/v1/booth/confirm", token, "application/json", []byte(`{"pending":"nope"}`)); res.StatusCode != 404 {
		t.Errorf("confirm unknown: %d", res.StatusCode)
	}
	res, body = photoPostRaw(t, c, a.URL+"/api/v1/booth/confirm", token, "application/json", []byte(`{"pending":"`+v.Pending+`"}`))
	var st map[string]string
	if err := json.Unmarshal([]byte(body), &st); err != nil || res.StatusCode != 201 || !photoCodeRE.MatchString(st["code"]) {
		t.Fatalf("confirm: %d %.300s", res.StatusCode, body)
	}
	if res, _ := photoPostRaw(t, c, a.URL+"/api/v1/booth/confirm", token, "application/json", []byte(`{"pending":"`+v.Pending+`"}`)); res.StatusCode != 404 {
		t.Errorf("confirm twice: %d", res.StatusCode)
	}

	clerk := a.Client(t)
	a.Login(t, clerk, "clerk", a.CreateUser(t, "clerk", model.RoleOperator))
	res, body = photoPostForm(t, clerk, a.URL+"/op/desk", url.Values{"code": {st["code"]}})
	if res.StatusCode != 200 || !strings.Contains(body, "Cabina") || !strings.Contains(body, "Via Larga 12") {
		t.Fatalf("desk: %d %.400s", res.StatusCode, body)
	}

	a.Run(t, []apptest.Scenario{
		{Name: "kiosk page pairs an unknown browser", Path: "/booth", Status: 200, Contain: []string{`action="/booth/pair"`}, Absent: []string{"it-header-wrapper"}},
		{Name: "wrong token", Method: "POST", Path: "/booth/pair", Body: "token=sbt_bad", Status: 401},
		{Name: "right token sets the cookie", Method: "POST", Path: "/booth/pair", Body: url.Values{"token": {token}}.Encode(), Status: 303,
			Check: func(t *testing.T, res *http.Response, _ string) {
				ck := res.Header.Get("Set-Cookie")
				if !strings.Contains(ck, "sportello_booth=") || !strings.Contains(ck, "HttpOnly") {
					t.Errorf("cookie %q", ck)
				}
			}},
		{Name: "kiosk page with the cookie", Path: "/booth", Header: map[string]string{"Cookie": "sportello_booth=" + token}, Status: 200,
			Contain: []string{`id="booth-video"`, "js/booth.js"}},
	})
}

func photoJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
