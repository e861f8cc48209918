package web

import (
	"net/http"
	"time"

	"github.com/sportello/sportello/internal/badge"
	"github.com/sportello/sportello/internal/ratelimit"
)

// CardDeps is what the badge pages need: the service that verifies cards and decides
// accesses, and a limiter for the public endpoints.
type CardDeps struct {
	Badges     *badge.Service
	badgeLimit *ratelimit.Limiter
}

// cardRoutes adds the badge (NIS) endpoints, the access-point display and admin pages.
func (s *Server) cardRoutes(mux *http.ServeMux) {
	if s.Badges == nil {
		return
	}
	// A reader or phone asks a few challenges a second at most; 120 a minute per client
	// stops a flood without hindering a busy turnstile.
	s.badgeLimit = ratelimit.New(120, time.Minute)
	mux.HandleFunc("POST /api/v1/badge/challenge", s.badgeChallenge)
	mux.HandleFunc("POST /api/v1/badge/verify", s.badgeVerify)
	mux.HandleFunc("POST /api/v1/badge/points/{code}/access", s.badgeAccess)
	mux.HandleFunc("GET /badge/{code}", s.badgePointPage)
	mux.Handle("GET /op/badges", s.requireRole("admin", s.badgeList))
	mux.Handle("POST /op/badges/points", s.requireRole("admin", s.badgePointCreate))
	mux.Handle("POST /op/badges/{id}/disable", s.requireRole("admin", s.badgeDisable))
	mux.Handle("POST /op/badges/{id}/enable", s.requireRole("admin", s.badgeEnable))
}

// cardAPIPaths is the badge part of the OpenAPI document.
func (s *Server) cardAPIPaths() map[string]any {
	proof := obj(map[string]any{
		"challenge": str("base64: the challenge from /api/v1/badge/challenge"),
		"nis":       str("base64: EF.ID_Servizi (12 ASCII digits)"),
		"kpub":      str("base64: EF.Servizi_Int.Kpub as read"),
		"sod":       str("base64: the IAS EF.SOD"),
		"signature": str("base64: the card's INTERNAL AUTHENTICATE answer to the challenge"),
	})
	limited := jsonResp("429", "rate limited (X-RateLimit-* headers)", ref("Error"))
	return map[string]any{
		"/api/v1/badge/challenge": map[string]any{"post": op("Issue a fresh single-use challenge (32 random bytes, expires in 2 minutes) for a CIE to sign", "badge",
			jsonResp("200", "challenge", obj(map[string]any{"challenge": str("base64"), "expires_in": num("seconds")})), limited)},
		"/api/v1/badge/verify": map[string]any{"post": withBody(op("Phone flow (IT-Wallet MRTD proof of possession): verify a NIS proof — IAS SOD chained to the CSCA, NIS and Kpub hashes, challenge signature — and optionally the eMRTD EF.SOD over DG1/DG11", "badge",
			jsonResp("200", "verification result (genuine or not, with every step)", obj(map[string]any{
				"genuine": map[string]any{"type": "boolean"}, "reason": str(""), "nis": str(""), "kpub_sha256": str(""),
				"steps": arr(obj(map[string]any{"name": str(""), "ok": map[string]any{"type": "boolean"}, "detail": str("")})),
				"emrtd": obj(map[string]any{"ok": map[string]any{"type": "boolean"}, "reason": str("")}),
			})), jsonResp("422", "malformed request", ref("Error")), limited),
			obj(map[string]any{"proof": proof, "emrtd_sod": str("base64, optional: EF.SOD of the eMRTD application"), "dg1": str("base64, optional"), "dg11": str("base64, optional")}))},
		"/api/v1/badge/points/{code}/access": map[string]any{"post": withBody(op("Access point: decide granted/denied for a card's proof; every attempt is audited", "badge",
			jsonResp("200", "decision", obj(map[string]any{"granted": map[string]any{"type": "boolean"}, "reason": str("granted, not_genuine, not_enrolled, key_mismatch, revoked, group_not_admitted"), "holder": str(""), "group": str(""), "point": str(""), "at": str("RFC 3339")})),
			jsonResp("404", "unknown access point", ref("Error")), limited), proof)},
	}
}
