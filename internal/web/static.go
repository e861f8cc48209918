package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the embedded assets. URLs carry a content hash (?v=…), so they can
// be cached for a year and still change when the binary does.
type staticFiles struct {
	fs     http.Handler
	hashes map[string]string
}

func newStaticFiles() (*staticFiles, error) {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	sf := &staticFiles{fs: http.StripPrefix("/static/", http.FileServerFS(sub)), hashes: map[string]string{}}
	err = fs.WalkDir(sub, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		sf.hashes[p] = hex.EncodeToString(h[:6])
		return nil
	})
	return sf, err
}

// url returns /static/name?v=hash; an unknown name panics at first render in tests,
// which is how a typo in a template is caught.
func (sf *staticFiles) url(name string) string {
	h, ok := sf.hashes[name]
	if !ok {
		panic("static file not embedded: " + name)
	}
	return "/static/" + name + "?v=" + h
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/") {
		http.NotFound(w, r)
		return
	}
	if r.URL.Query().Get("v") != "" {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	sf.fs.ServeHTTP(w, r)
}
