package web

import "net/http"

// routes is the one route table of the web surface. Feature areas add their routes in
// a <feature>_routes.go file called from here.
func (s *Server) routes(mux *http.ServeMux) {
	// Probes and machine endpoints.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metricsHandler())
	mux.HandleFunc("GET /api/openapi.json", s.openAPI)
	mux.Handle("GET /static/", s.static)

	// Public pages.
	mux.HandleFunc("GET /{$}", s.landing)
	mux.HandleFunc("GET /privacy", s.privacy)
	mux.HandleFunc("GET /accessibilita", s.accessibility)
	mux.HandleFunc("GET /api/v1/offices", s.apiOffices)

	// Operator login.
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.loginSubmit)
	mux.HandleFunc("POST /logout", s.logout)

	// Operator area: every page needs a session; admin pages need the admin role.
	mux.Handle("GET /op/{$}", s.requireRole("", s.opHome))
	mux.Handle("GET /op/offices", s.requireRole("", s.officeList))
	mux.Handle("GET /op/users", s.requireRole("admin", s.userList))
	mux.Handle("POST /op/users", s.requireRole("admin", s.userCreate))
	mux.Handle("POST /op/users/{id}/disable", s.requireRole("admin", s.userDisable))
	mux.Handle("POST /op/users/{id}/enable", s.requireRole("admin", s.userEnable))
	mux.Handle("GET /op/audit", s.requireRole("admin", s.auditList))

	s.bookingRoutes(mux)
	s.photoRoutes(mux)
	s.campaignRoutes(mux)
	s.cardRoutes(mux)

	mux.HandleFunc("/", s.notFound)
}
