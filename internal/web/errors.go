package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/sportello/sportello/internal/model"
)

var errForbiddenOrigin = model.Errorf(model.EFORBIDDEN, "cross-origin request refused")

// statusOf is the one mapping from application error codes to HTTP statuses.
func statusOf(code string) int {
	switch code {
	case model.EINVALID:
		return http.StatusUnprocessableEntity
	case model.ENOTFOUND:
		return http.StatusNotFound
	case model.ECONFLICT:
		return http.StatusConflict
	case model.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case model.EFORBIDDEN:
		return http.StatusForbidden
	case model.ERATELIMIT:
		return http.StatusTooManyRequests
	case model.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case model.EUNSUPPORTED:
		return http.StatusUnsupportedMediaType
	case model.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// wantsJSON decides the error format: the API and clients asking for JSON get JSON,
// browsers get a page.
func wantsJSON(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.Contains(r.Header.Get("Accept"), "application/json")
}

// fail renders err with the status its code maps to. Internal errors are logged with
// their cause and shown only as "internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := model.ErrorCode(err)
	status := statusOf(code)
	if status >= 500 {
		s.Log.Error("request failed", "method", r.Method, "route", routeOf(r), "status", status, "error", err)
	}
	msg := model.ErrorMessage(err)
	var field string
	var ae *model.Error
	if errors.As(err, &ae) {
		field = ae.Field
	}
	if wantsJSON(r) {
		writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg, "field": field}})
		return
	}
	s.render(w, r, status, "error.html", map[string]any{"Status": status, "Message": errorText(langOf(r), msg)})
}

// notFound answers every path no route takes, under /op/ and the citizen pages as
// anywhere: the error page in the page's language (Italian unless asked), JSON under
// /api/, never the standard library's bare English text.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, errPageNotFound)
}

var errPageNotFound = model.Errorf(model.ENOTFOUND, "page not found")

// errorIT translates, for Italian pages, the messages fail shows that the web layer
// itself writes; the domain's go through bookingIT. The API keeps them in English.
var errorIT = map[string]string{
	"page not found":               "la pagina richiesta non esiste: controlli l'indirizzo",
	"internal error":               "si è verificato un errore interno: riprovi più tardi",
	"not found":                    "non trovato",
	"login required":               "accesso richiesto",
	"cross-origin request refused": "richiesta da un altro sito rifiutata",
}

// errorText is msg in lang: Italian unless the page is in English; a message without
// a translation stays in English rather than disappear.
func errorText(lang, msg string) string {
	if lang == "en" {
		return msg
	}
	if it, ok := errorIT[msg]; ok {
		return it
	}
	if it, ok := bookingIT[msg]; ok {
		return it
	}
	return msg
}

// writeJSON is the one JSON response helper.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
