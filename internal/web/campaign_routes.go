package web

import "net/http"

// CampaignDeps is what the campaign pages need; owned by the campaign work stream.
type CampaignDeps struct{}

// campaignRoutes adds the campaign pages and API to the route table.
func (s *Server) campaignRoutes(mux *http.ServeMux) {}

// campaignAPIPaths is the campaign part of the OpenAPI document.
func (s *Server) campaignAPIPaths() map[string]any { return nil }
