package web

import "net/http"

// PhotoDeps is what the photo pages need; owned by the photo work stream.
type PhotoDeps struct{}

// photoRoutes adds the photo pages and API to the route table.
func (s *Server) photoRoutes(mux *http.ServeMux) {}

// photoAPIPaths is the photo part of the OpenAPI document.
func (s *Server) photoAPIPaths() map[string]any { return nil }
