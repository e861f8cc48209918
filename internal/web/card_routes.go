package web

import "net/http"

// CardDeps is what the card pages need; owned by the card work stream.
type CardDeps struct{}

// cardRoutes adds the card pages and API to the route table.
func (s *Server) cardRoutes(mux *http.ServeMux) {}

// cardAPIPaths is the card part of the OpenAPI document.
func (s *Server) cardAPIPaths() map[string]any { return nil }
