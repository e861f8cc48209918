package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/ratelimit"
)

// statusWriter records the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request by route pattern, never the raw path or query:
// paths carry booking tokens and photo codes. Bodies are never logged.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observe(r, sw.status, d)
		if r.URL.Path == "/healthz" || r.URL.Path == "/metrics" {
			return
		}
		s.Log.Info("http_request", "method", r.Method, "route", routeOf(r), "status", sw.status,
			"duration_ms", float64(d.Microseconds())/1000, "bytes", sw.bytes, "remote_ip", clientIP(r))
	})
}

// recoverer turns a panic into a logged 500 instead of a dropped connection.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.Log.Error("panic", "route", routeOf(r), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict Content-Security-Policy (no third-party origins at all:
// every asset is embedded) and the usual hardening headers.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; style-src 'self' 'unsafe-inline'; script-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
		if s.Config.SecureCookies() {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// realIP replaces the peer address with the client's when the peer is a configured
// reverse proxy: the rightmost X-Forwarded-For entry that is not itself a trusted proxy.
// Trusting the header from anyone else would let a client pick its own address and
// dodge every rate limit.
func (s *Server) realIP(next http.Handler) http.Handler {
	if len(s.proxies) == 0 {
		return next
	}
	trusted := func(a netip.Addr) bool {
		for _, p := range s.proxies {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, err := netip.ParseAddrPort(r.RemoteAddr)
		if err == nil && trusted(peer.Addr()) {
			hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
			for i := len(hops) - 1; i >= 0; i-- {
				a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
				if err != nil {
					break
				}
				if !trusted(a) || i == 0 {
					r2 := *r
					r2.RemoteAddr = netip.AddrPortFrom(a, 0).String()
					r = &r2
					break
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the client's address (after realIP).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limitBody caps a request body; handlers that accept uploads set their own larger cap.
func limitBody(w http.ResponseWriter, r *http.Request, n int64) {
	r.Body = http.MaxBytesReader(w, r.Body, n)
}

// allow applies one limiter and answers 429 when it says no; the headers go out either way.
func (s *Server) allow(w http.ResponseWriter, r *http.Request, l *ratelimit.Limiter, key string) bool {
	res := l.Allow(key)
	res.SetHeaders(w.Header())
	if !res.Allowed {
		s.fail(w, r, model.Errorf(model.ERATELIMIT, "Troppi tentativi: riprovi più tardi / Too many attempts: try again later"))
		return false
	}
	return true
}

// routeOf is the matched route pattern, safe to log (no tokens or codes in it).
func routeOf(r *http.Request) string {
	if r.Pattern == "" {
		return "unmatched"
	}
	return r.Pattern
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
