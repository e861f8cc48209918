package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/campaign/bring"
	"github.com/sportello/sportello/internal/model"
)

//go:embed templates
var templateFS embed.FS

// templates maps a page file name ("login.html") to its template, each parsed together
// with the layout and the shared partials (files named part_*.html; go:embed skips names starting with "_").
type templates struct {
	pages map[string]*template.Template
}

// templateFuncs are the helpers every page can use; dates are shown in the comune's
// time zone, never in the server's UTC.
func templateFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"clock": model.ClockString,
		"weekday": func(lang string, d time.Weekday) string {
			it := [...]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
			if lang == "en" {
				return d.String()
			}
			return it[d]
		},
		"date":     func(t time.Time) string { return t.In(loc).Format("02/01/2006") },
		"datetime": func(t time.Time) string { return t.In(loc).Format("02/01/2006 15:04") },
		"mapsURL": func(lat, lon float64) string {
			return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=17/%.5f/%.5f", lat, lon, lat, lon)
		},
	}
}

func parseTemplates(loc *time.Location) (*templates, error) {
	base := template.New("layout").Funcs(templateFuncs(loc))
	shared, err := fs.Glob(templateFS, "templates/part_*.html")
	if err != nil {
		return nil, err
	}
	base, err = base.ParseFS(templateFS, append([]string{"templates/layout.html"}, shared...)...)
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	t := &templates{pages: map[string]*template.Template{}}
	for _, f := range files {
		name := path.Base(f)
		if name == "layout.html" || strings.HasPrefix(name, "part_") {
			continue
		}
		clone, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t.pages[name], err = clone.ParseFS(templateFS, f); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
	}
	for _, required := range []string{"error.html", "login.html", "landing.html"} {
		if t.pages[required] == nil {
			return nil, fmt.Errorf("template %s missing", required)
		}
	}
	return t, nil
}

// page is what every template gets: the request's language and user, a bilingual
// helper, and the handler's own data.
type page struct {
	Lang     string
	User     *model.User
	Path     string
	Comune   string
	Data     any
	s        *Server
	Title    string
	Flash    string
	NoChrome bool // kiosk pages hide header and footer
}

// T picks the Italian or English text. Templates carry both side by side
// ({{.T "Accedi" "Log in"}}), so a page's two languages are reviewed together.
func (p page) T(it, en string) string {
	if p.Lang == "en" {
		return en
	}
	return it
}

// Bring is what to bring to the counter for the CIE, the same words the campaign's
// letters and e-mails use.
func (p page) Bring() string { return p.T(bring.IT, bring.EN) }

// Asset returns the versioned URL of an embedded static file.
func (p page) Asset(name string) string { return p.s.static.url(name) }

// LangURL is the current page in another language. A relative query keeps the link on
// this page: building it from the request path would let "/%2Fevil.example" become a
// link to another site.
func (p page) LangURL(lang string) string { return "?lang=" + lang }

// render executes a page into a buffer first, so a template error becomes a clean 500
// instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.renderPage(w, r, status, name, data, false)
}

// renderKiosk renders a full-screen page without the site header and footer.
func (s *Server) renderKiosk(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.renderPage(w, r, status, name, data, true)
}

func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any, kiosk bool) {
	t, ok := s.tmpl.pages[name]
	if !ok {
		s.Log.Error("unknown template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	p := page{Lang: langOf(r), User: userOf(r), Path: r.URL.Path, Data: data, s: s, Comune: "Comune di Milano", NoChrome: kiosk}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.Log.Error("template failed", "name", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
