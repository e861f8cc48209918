package web

import "net/http"

// BookingDeps is what the booking pages need; owned by the booking work stream.
type BookingDeps struct{}

// bookingRoutes adds the booking pages and API to the route table.
func (s *Server) bookingRoutes(mux *http.ServeMux) {}

// bookingAPIPaths is the booking part of the OpenAPI document.
func (s *Server) bookingAPIPaths() map[string]any { return nil }
