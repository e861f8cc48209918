// Package web is Sportello's HTTP surface: the operator pages, the public citizen pages
// and the JSON API, on the standard library's ServeMux with html/template and embedded
// static files. Handlers stay thin: they parse, call a store or a domain service, and
// render; every error goes through Server.fail.
package web

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/ratelimit"
	"github.com/sportello/sportello/internal/store"
)

// Deps is what the web layer needs from the wiring in package app.
type Deps struct {
	Config   config.Config
	Store    *store.Store
	Queue    *jobs.Queue
	Log      *slog.Logger
	Key      []byte // 32-byte secret for signed links
	Registry *prometheus.Registry

	// One embedded struct per feature area, each defined in its <feature>_routes.go.
	BookingDeps
	PhotoDeps
	CampaignDeps
	CardDeps
}

// Server holds the parsed templates, the route table and the per-surface limiters.
type Server struct {
	Deps
	tmpl       *templates
	static     *staticFiles
	handler    http.Handler
	loginLimit *ratelimit.Limiter // per client address
	userLimit  *ratelimit.Limiter // per attempted username, against spraying from many addresses
	metrics    *httpMetrics
	loc        *time.Location
	proxies    []netip.Prefix
}

// New parses templates (failing if any is broken) and builds the route table.
func New(d Deps) (*Server, error) {
	s := &Server{
		Deps:       d,
		loginLimit: ratelimit.New(10, 15*time.Minute),
		userLimit:  ratelimit.New(10, 15*time.Minute),
	}
	var err error
	if s.loc, err = time.LoadLocation(d.Config.Location); err != nil {
		return nil, err
	}
	if s.proxies, err = d.Config.ProxyPrefixes(); err != nil {
		return nil, err
	}
	if s.tmpl, err = parseTemplates(s.loc); err != nil {
		return nil, err
	}
	if s.static, err = newStaticFiles(); err != nil {
		return nil, err
	}
	s.metrics = newHTTPMetrics(d.Registry)
	mux := http.NewServeMux()
	s.routes(mux)
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errForbiddenOrigin)
	}))
	s.handler = s.realIP(s.recoverer(s.logRequests(s.securityHeaders(csrf.Handler(s.withSession(mux))))))
	return s, nil
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// HTTPServer returns a server with timeouts set, so slow clients cannot hold connections.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second, // photo uploads from slow phones
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.Log.Handler(), slog.LevelWarn),
	}
}
