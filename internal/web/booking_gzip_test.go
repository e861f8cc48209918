package web

import (
	"net/http"
	"strings"
	"testing"
)

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"gzip": true, "br, gzip": true, "gzip;q=0.5": true, "gzip; q=1": true, "deflate, gzip ;q=0.001": true,
		"": false, "identity": false, "gzip;q=0": false, "gzip;q=0.0": false, "x-gzip": false, "gzipped": false, "gzip;q=abc": false,
	} {
		r := &http.Request{Header: http.Header{}}
		if h != "" {
			r.Header.Set("Accept-Encoding", h)
		}
		if got := acceptsGzip(r); got != want {
			t.Errorf("%q: %v, want %v", h, got, want)
		}
	}
}

// FuzzAcceptsGzip: any header value is answered without a panic, and gzip is only
// chosen when the header names it.
func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"gzip", "br, gzip;q=0.5", "gzip;q=0", ";;,,", "gzip;q=", "GZIP"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r := &http.Request{Header: http.Header{"Accept-Encoding": {h}}}
		if acceptsGzip(r) && !strings.Contains(h, "gzip") {
			t.Fatalf("%q: gzip chosen though not named", h)
		}
	})
}
