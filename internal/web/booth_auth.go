package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/sportello/sportello/internal/booth"
)

// boothCookie carries a booth's token on its kiosk browser, set once by the pairing form.
const boothCookie = "sportello_booth"

const boothKey ctxKey = 100

func boothOf(r *http.Request) *booth.Device {
	d, _ := r.Context().Value(boothKey).(*booth.Device)
	return d
}

// boothToken reads the token from the Authorization header (API clients) or the cookie
// (the kiosk page).
func boothToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	if c, err := r.Cookie(boothCookie); err == nil {
		return c.Value
	}
	return ""
}

// requireBooth lets through registered, enabled booths only.
func (s *Server) requireBooth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.photosOn(w, r) {
			return
		}
		d, err := s.Photos.Device(r.Context(), boothToken(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), boothKey, d)))
	}
}

func boothActor(r *http.Request, d *booth.Device) booth.Actor {
	return booth.Actor{Name: "booth:" + itoa(d.ID), IP: clientIP(r)}
}

// actorOf names the operator or, without a session, the citizen.
func actorOf(r *http.Request) booth.Actor {
	if u := userOf(r); u != nil {
		return booth.Actor{Name: "user:" + u.Username, IP: clientIP(r)}
	}
	return booth.Actor{Name: "citizen", IP: clientIP(r)}
}
