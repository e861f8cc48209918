package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booth"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/pdf"
	"github.com/sportello/sportello/internal/ratelimit"
)

// PhotoDeps is what the booth, upload and desk pages need; package app fills it (and
// refuses to start when the photo engine does not load). A nil Photos, as in web tests
// that build a Server by hand, makes the photo pages answer 503.
type PhotoDeps struct {
	Photos *booth.Service

	// Limiters; photoRoutes makes them when app leaves them nil (tests may set their own).
	PublicLookupLimit *ratelimit.Limiter // code lookups per client address
	BoothLookupLimit  *ratelimit.Limiter // code lookups per booth
	DeskLookupLimit   *ratelimit.Limiter // code lookups per operator
	UploadLimit       *ratelimit.Limiter // photo checks per client address
	GuidanceLimit     *ratelimit.Limiter // preview frames per booth
}

// Upload and frame size caps: phone photos are 2–8 MB; preview frames are small JPEGs.
const (
	maxUploadBytes = 12 << 20
	maxFrameBytes  = 1 << 20
	maxCaptureByte = 8 << 20
)

// photoRoutes adds the booth kiosk, the citizen upload and the clerk's desk.
func (s *Server) photoRoutes(mux *http.ServeMux) {
	d := &s.PhotoDeps
	if d.PublicLookupLimit == nil {
		d.PublicLookupLimit = ratelimit.New(20, 15*time.Minute)
	}
	if d.BoothLookupLimit == nil {
		d.BoothLookupLimit = ratelimit.New(20, 15*time.Minute)
	}
	if d.DeskLookupLimit == nil {
		d.DeskLookupLimit = ratelimit.New(120, time.Hour)
	}
	if d.UploadLimit == nil {
		d.UploadLimit = ratelimit.New(30, time.Hour)
	}
	if d.GuidanceLimit == nil {
		d.GuidanceLimit = ratelimit.New(40, 10*time.Second)
	}

	// Citizen upload, public and usable without JavaScript.
	mux.HandleFunc("GET /foto", s.uploadForm)
	mux.HandleFunc("POST /foto", s.uploadSubmit)
	mux.HandleFunc("POST /foto/ricevuta", s.uploadReceipt)
	mux.HandleFunc("POST /api/v1/photos", s.uploadSubmit)
	mux.HandleFunc("POST /api/v1/photos/status", s.photoStatus)
	mux.HandleFunc("POST /api/v1/photos/receipt", s.uploadReceipt)

	// Booth kiosk: a device, never an operator.
	mux.HandleFunc("GET /booth", s.boothKiosk)
	mux.HandleFunc("POST /booth/pair", s.boothPair)
	mux.HandleFunc("POST /api/v1/booth/guidance", s.requireBooth(s.boothGuidance))
	mux.HandleFunc("POST /api/v1/booth/capture", s.requireBooth(s.boothCapture))
	mux.HandleFunc("POST /api/v1/booth/confirm", s.requireBooth(s.boothConfirm))
	mux.HandleFunc("POST /api/v1/booth/receipt", s.requireBooth(s.boothReceipt))

	// Booth provisioning (admins) and the clerk's desk (any operator).
	mux.Handle("GET /op/booths", s.requireRole("admin", s.boothAdminList))
	mux.Handle("POST /op/booths", s.requireRole("admin", s.boothAdminCreate))
	mux.Handle("POST /op/booths/{id}/disable", s.requireRole("admin", s.boothAdminDisable))
	mux.Handle("GET /op/desk", s.requireRole("", s.deskForm))
	mux.Handle("POST /op/desk", s.requireRole("", s.deskLookup))
	mux.Handle("POST /op/desk/download", s.requireRole("", s.deskDownload))
	mux.Handle("POST /op/desk/attach", s.requireRole("", s.deskAttach))
	mux.Handle("POST /op/desk/sent", s.requireRole("", s.deskSent))
	mux.Handle("POST /op/desk/delete", s.requireRole("admin", s.deskDelete))
}

var errPhotosOff = model.Errorf(model.EUNAVAILABLE, "Servizio foto non disponibile / Photo service unavailable")

// photosOn answers 503 when the photo service is not wired.
func (s *Server) photosOn(w http.ResponseWriter, r *http.Request) bool {
	if s.Photos == nil {
		s.fail(w, r, errPhotosOff)
		return false
	}
	return true
}

// bilingual picks one side of an "Italiano / English" message for an HTML page.
func photoLang(lang, msg string) string {
	it, en, ok := strings.Cut(msg, " / ")
	if !ok {
		return msg
	}
	return pick(lang, it, en)
}

// receiptFor renders a photo's receipt.
func (s *Server) receiptFor(code booth.Code, p *booth.Photo, jpeg []byte, f pdf.Format) ([]byte, error) {
	office := "Online"
	if p.Origin == booth.OriginBooth {
		office = p.BoothName
	}
	return pdf.Receipt{
		Comune: "Comune di Milano", Code: code.String(), Payload: string(code), Photo: jpeg, Office: office,
		Issued: p.CreatedAt.In(s.loc), Expires: p.ExpiresAt.In(s.loc), Privacy: s.Config.BaseURL + "/privacy",
	}.PDF(f)
}

func photoWritePDF(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// dataURL inlines an image the server just made; typed as a URL so html/template lets
// the data: scheme through in src attributes.
func photoDataURL(mime string, b []byte) template.URL {
	return template.URL("data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(b))
}

// photoAPIPaths is the photo part of the OpenAPI document.
func (s *Server) photoAPIPaths() map[string]any {
	limited := "Rate-limited: 429 with X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset."
	code := obj(map[string]any{"code": str("retrieval code, e.g. K7M2-9QXD-4TB5; case, dashes, O/0 and I/L/1 are tolerated")})
	errResp := func(status, desc string) map[string]any {
		return jsonResp(status, desc, map[string]any{"$ref": "#/components/schemas/Error"})
	}
	hint := obj(map[string]any{"check": str("check id"), "it": str("short order in Italian"), "en": str("short order in English"), "detail_it": str(""), "detail_en": str("")})
	report := obj(map[string]any{"compliant": map[string]any{"type": "boolean"}, "checks": arr(obj(map[string]any{
		"id": str(""), "status": str("pass, fail or not_assessed"), "value": num(""), "threshold": str(""), "instruction_it": str(""), "instruction_en": str(""),
	}))})
	stored := obj(map[string]any{"code": str("retrieval code, grouped"), "expires_at": str("RFC 3339"), "receipt_pdf": str("data: URL of the receipt PDF (80 mm roll)")})
	imageBody := func(desc string) map[string]any {
		return map[string]any{"required": true, "description": desc, "content": map[string]any{
			"image/jpeg": map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}},
			"image/png":  map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}},
		}}
	}
	jsonBody := func(schema map[string]any) map[string]any {
		return map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
	}
	withBody := func(o map[string]any, body map[string]any, secured bool) map[string]any {
		o["requestBody"] = body
		if secured {
			o["description"] = "Booth devices only: the token an admin provisioned, as Authorization: Bearer or the booth cookie. " + limited
		} else {
			o["description"] = limited
		}
		return o
	}
	return map[string]any{
		"/api/v1/photos": map[string]any{"post": withBody(op("Upload a portrait: check it, and store the CIE crop when compliant", "photos",
			jsonResp("201", "stored", stored), jsonResp("422", "not compliant: the report says why", obj(map[string]any{"report": report})),
			errResp("413", "over 12 MB"), errResp("415", "not a JPEG or PNG"), errResp("429", "rate limited")),
			map[string]any{"required": true, "content": map[string]any{
				"multipart/form-data": map[string]any{"schema": obj(map[string]any{"photo": map[string]any{"type": "string", "format": "binary"}})},
				"image/jpeg":          map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}},
			}}, false)},
		"/api/v1/photos/status": map[string]any{"post": withBody(op("Is the photo behind a code still available?", "photos",
			jsonResp("200", "available", obj(map[string]any{"status": str("stored or attached"), "expires_at": str("RFC 3339")})),
			errResp("404", "no such photo, or deleted"), errResp("422", "malformed code or wrong check character"), errResp("429", "rate limited")),
			jsonBody(code), false)},
		"/api/v1/photos/receipt": map[string]any{"post": withBody(op("Download a photo's receipt PDF again", "photos",
			map[string]any{"200": map[string]any{"description": "receipt", "content": map[string]any{"application/pdf": map[string]any{}}}},
			errResp("404", "no such photo"), errResp("429", "rate limited")),
			map[string]any{"required": true, "content": map[string]any{"application/x-www-form-urlencoded": map[string]any{"schema": obj(map[string]any{"code": str(""), "format": str("80mm or a6")})}}}, false)},
		"/api/v1/booth/guidance": map[string]any{"post": withBody(op("Guidance for one preview frame (about 640×480)", "booth",
			jsonResp("200", "guidance", obj(map[string]any{"ready": map[string]any{"type": "boolean"}, "hints": arr(hint)})),
			errResp("401", "not a registered booth"), errResp("429", "rate limited")),
			imageBody("one downscaled camera frame"), true)},
		"/api/v1/booth/capture": map[string]any{"post": withBody(op("Check and crop a full-resolution capture; a compliant crop is held until confirmed", "booth",
			jsonResp("200", "verdict", obj(map[string]any{"ok": map[string]any{"type": "boolean"}, "pending": str("id to confirm with"), "crop": str("data: URL of the crop"), "hints": arr(hint)})),
			errResp("401", "not a registered booth")),
			imageBody("the full camera frame"), true)},
		"/api/v1/booth/confirm": map[string]any{"post": withBody(op("Store the held crop and issue its code", "booth",
			jsonResp("201", "stored", stored), errResp("404", "nothing held under that id")),
			jsonBody(obj(map[string]any{"pending": str("")})), true)},
		"/api/v1/booth/receipt": map[string]any{"post": withBody(op("Reprint a receipt at the booth", "booth",
			map[string]any{"200": map[string]any{"description": "receipt", "content": map[string]any{"application/pdf": map[string]any{}}}},
			errResp("404", "no such photo"), errResp("429", "rate limited")),
			jsonBody(code), true)},
	}
}
