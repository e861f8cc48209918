package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

type bookingAPIView struct {
	Reference         string             `json:"reference"`
	State             string             `json:"state"`
	Office            string             `json:"office"`
	Service           string             `json:"service"`
	Start             time.Time          `json:"start"`
	End               time.Time          `json:"end"`
	People            int                `json:"people"`
	Mode              string             `json:"mode"`
	Persons           []bookingAPIPerson `json:"persons"`
	ReconfirmRequired bool               `json:"reconfirm_required"`
	ManageToken       string             `json:"manage_token,omitempty"`
	HoldToken         string             `json:"hold_token,omitempty"`
	HoldExpires       *time.Time         `json:"hold_expires,omitempty"`
}

type bookingAPIPerson struct {
	Name          string `json:"name"`
	Surname       string `json:"surname"`
	CodiceFiscale string `json:"codice_fiscale"`
}

// apiView renders a booking for the API; codici fiscali are masked because a manage
// token may travel further than its owner meant.
// writeBooking answers with the API view of b, or the error that building it met.
func (s *Server) writeBooking(w http.ResponseWriter, r *http.Request, status int, b *booking.Booking) {
	v, err := s.apiView(r, b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

func (s *Server) apiView(r *http.Request, b *booking.Booking) (bookingAPIView, error) {
	o, err := s.Booking.Office(r.Context(), b.OfficeID)
	if err != nil {
		return bookingAPIView{}, err
	}
	svc, err := s.serviceByCodeOrID(r, b.ServiceID)
	if err != nil {
		return bookingAPIView{}, err
	}
	v := bookingAPIView{Reference: b.Code, State: b.State, Office: o.Code, Service: svc.Code, Start: b.Start.In(s.loc), End: b.End.In(s.loc),
		People: b.People, Mode: string(b.Mode), Persons: []bookingAPIPerson{}, ReconfirmRequired: b.ReconfirmRequired && b.ReconfirmedAt.IsZero()}
	for _, p := range b.Persons {
		v.Persons = append(v.Persons, bookingAPIPerson{p.Name, p.Surname, booking.MaskCF(p.CF)})
	}
	if b.State == booking.StateConfirmed {
		v.ManageToken = s.Booking.ManageToken(b)
	}
	return v, nil
}

func bookingDecode(w http.ResponseWriter, r *http.Request, v any) error {
	limitBody(w, r, 16<<10)
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		return model.Errorf(model.EINVALID, "the request body is not valid JSON for this operation")
	}
	return nil
}

func (s *Server) apiBookingServices(w http.ResponseWriter, r *http.Request) {
	svcs, err := s.Store.BookingServices(r.Context(), true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type svc struct {
		Code    string `json:"code"`
		NameIT  string `json:"name_it"`
		NameEN  string `json:"name_en"`
		Minutes int    `json:"minutes"`
	}
	out := []svc{}
	for _, v := range svcs {
		out = append(out, svc{v.Code, v.NameIT, v.NameEN, v.Minutes})
	}
	writeJSON(w, http.StatusOK, map[string]any{"services": out})
}

func (s *Server) apiBookingAvailability(w http.ResponseWriter, r *http.Request) {
	if !bookingAllow(w, s.BookingLimits.Read, clientIP(r)) {
		s.fail(w, r, errBookingTooMany)
		return
	}
	q := r.URL.Query()
	o, err := s.activeOffice(r.Context(), q.Get("office"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	svc, err := s.serviceByCode(r.Context(), q.Get("service"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	firstDay, lastDay, err := s.Booking.Window(r.Context(), o.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	from, to := firstDay, lastDay
	if v := q.Get("from"); v != "" {
		if from, err = booking.ParseDay(v, s.loc); err != nil {
			s.fail(w, r, model.FieldError("from", "date must be YYYY-MM-DD"))
			return
		}
	}
	if v := q.Get("to"); v != "" {
		if to, err = booking.ParseDay(v, s.loc); err != nil {
			s.fail(w, r, model.FieldError("to", "date must be YYYY-MM-DD"))
			return
		}
	}
	cq := readBookingCalQuery(map[string][]string{"persone": {q.Get("people")}, "modo": {q.Get("mode")}})
	if p := q.Get("people"); p != "" && p != itoa(int64(cq.people)) {
		s.fail(w, r, model.FieldError("people", "a booking is for 1 to 6 people"))
		return
	}
	mode := booking.Consecutive
	if cq.parallel {
		mode = booking.Parallel
	}
	days, err := s.Booking.Availability(r.Context(), engine.Query{OfficeID: o.ID, ServiceID: svc.ID, People: cq.people, Mode: mode, From: from, To: to})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The engine hands back the very same slice while its cached answer holds, so the
	// encoded body can be reused too: encoding is most of the cost of a read.
	key := r.URL.RawQuery
	var first *engine.Day
	if len(days) > 0 {
		first = &days[0]
	}
	if v, ok := s.bookingBodies.Load(key); ok {
		if c := v.(*bookingBody); c.first == first && c.n == len(days) && first != nil {
			c.write(w, r)
			return
		}
	}
	type day struct {
		Date  string   `json:"date"`
		Times []string `json:"times"`
	}
	out := make([]day, 0, len(days))
	for _, d := range days {
		dd := day{Date: d.Date.Format(booking.DayFormat), Times: make([]string, 0, len(d.Times))}
		for _, t := range d.Times {
			dd.Times = append(dd.Times, t.In(s.loc).Format(time.RFC3339))
		}
		out = append(out, dd)
	}
	body, err := json.Marshal(map[string]any{"office": o.Code, "service": svc.Code, "people": cq.people, "mode": string(mode),
		"window": map[string]string{"from": firstDay.Format(booking.DayFormat), "to": lastDay.Format(booking.DayFormat)}, "days": out})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := newBookingBody(first, len(days), append(body, '\n'))
	if s.bookingBodyCount.Add(1) > 10000 {
		s.bookingBodies.Clear()
		s.bookingBodyCount.Store(0)
	}
	s.bookingBodies.Store(key, c)
	c.write(w, r)
}

// bookingBody is an encoded availability answer, plain and gzipped, and the engine
// result it encodes. A week of free times is about 10 KB of JSON and under 1 KB
// gzipped: one write on the connection instead of a chunked stream.
type bookingBody struct {
	first *engine.Day
	n     int
	body  []byte
	gz    []byte
	etag  string
}

func newBookingBody(first *engine.Day, n int, body []byte) *bookingBody {
	c := &bookingBody{first: first, n: n, body: body}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	_, _ = zw.Write(body)
	if zw.Close() == nil {
		c.gz = b.Bytes()
	}
	sum := sha256.Sum256(body)
	c.etag = `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
	return c
}

// write answers with the body, gzipped when the client accepts it, or with 304 when
// the client already holds this very answer. Clients must revalidate (no-cache): the
// calendar changes with every booking.
func (c *bookingBody) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["Cache-Control"] = []string{"no-cache"}
	h["Etag"] = []string{c.etag}
	h["Vary"] = []string{"Accept-Encoding"}
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, c.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := c.body
	if c.gz != nil && acceptsGzip(r) {
		body = c.gz
		h["Content-Encoding"] = []string{"gzip"}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header["Accept-Encoding"] {
		for _, e := range strings.Split(v, ",") {
			e = strings.TrimSpace(e)
			name, params, _ := strings.Cut(e, ";")
			if strings.TrimSpace(name) != "gzip" {
				continue
			}
			params = strings.ReplaceAll(params, " ", "")
			if v, ok := strings.CutPrefix(params, "q="); ok {
				q, err := strconv.ParseFloat(v, 64)
				return err == nil && q > 0
			}
			return true
		}
	}
	return false
}

func (s *Server) apiBookingCaptcha(w http.ResponseWriter, r *http.Request) {
	if !bookingAllow(w, s.BookingLimits.Read, clientIP(r)) {
		s.fail(w, r, errBookingTooMany)
		return
	}
	c, err := s.Captcha.Challenge()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

type bookingAPIHold struct {
	Office  string    `json:"office"`
	Service string    `json:"service"`
	Start   time.Time `json:"start"`
	People  int       `json:"people"`
	Mode    string    `json:"mode"`
	Lang    string    `json:"lang"`
	Altcha  string    `json:"altcha"`
}

func (s *Server) apiBookingHold(w http.ResponseWriter, r *http.Request) {
	if !bookingAllow(w, s.BookingLimits.Write, clientIP(r)) {
		s.fail(w, r, errBookingTooMany)
		return
	}
	var in bookingAPIHold
	if err := bookingDecode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.Captcha.Disabled {
		if err := s.Captcha.Verify(in.Altcha); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	o, err := s.activeOffice(r.Context(), in.Office)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	svc, err := s.serviceByCode(r.Context(), in.Service)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if in.People == 0 {
		in.People = 1
	}
	b, token, err := s.Booking.Hold(r.Context(), engine.Request{OfficeID: o.ID, ServiceID: svc.ID, Start: in.Start, People: in.People, Mode: booking.Mode(in.Mode)}, in.Lang, "citizen")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.apiView(r, b)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	exp := b.HoldExpires.In(s.loc)
	v.HoldToken, v.HoldExpires = token, &exp
	writeJSON(w, http.StatusCreated, v)
}

type bookingAPIConfirm struct {
	Persons []bookingAPIPerson `json:"persons"`
	Email   string             `json:"email"`
	Phone   string             `json:"phone"`
	Lang    string             `json:"lang"`
}

func (s *Server) apiBookingConfirm(w http.ResponseWriter, r *http.Request) {
	if !bookingAllow(w, s.BookingLimits.Write, clientIP(r)) {
		s.fail(w, r, errBookingTooMany)
		return
	}
	var in bookingAPIConfirm
	if err := bookingDecode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	persons := make([]booking.Person, 0, len(in.Persons))
	for _, p := range in.Persons {
		if !bookingAllow(w, s.BookingLimits.CF, booking.CapKey(p.CodiceFiscale)) {
			s.fail(w, r, errBookingTooMany)
			return
		}
		persons = append(persons, booking.Person{Name: p.Name, Surname: p.Surname, CF: p.CodiceFiscale})
	}
	// The audit row goes into the confirmation's own transaction: one commit, and no
	// confirmed booking without its row.
	ctx := r.Context()
	entry := &model.AuditEntry{Actor: "citizen", Action: "booking.confirm", IP: clientIP(r), Detail: "api"}
	b, err := s.Booking.ConfirmAnd(ctx, r.PathValue("token"), persons, booking.Contact{Email: in.Email, Phone: in.Phone, Lang: in.Lang},
		func(tx *store.Tx, b *booking.Booking) error {
			entry.Object = "booking:" + itoa(b.ID)
			return s.Store.AppendAudit(ctx, tx, entry)
		})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeBooking(w, r, http.StatusCreated, b)
}

func (s *Server) apiBookingGet(w http.ResponseWriter, r *http.Request) {
	b, err := s.Booking.Managed(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeBooking(w, r, http.StatusOK, b)
}

func (s *Server) apiBookingCancel(w http.ResponseWriter, r *http.Request) {
	if !bookingAllow(w, s.BookingLimits.Write, clientIP(r)) {
		s.fail(w, r, errBookingTooMany)
		return
	}
	b, err := s.Booking.Managed(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if b, err = s.Booking.Cancel(r.Context(), b.ID, b.Version, "citizen"); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.bookingAudit(r, "booking.cancel", b.ID, "api"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeBooking(w, r, http.StatusOK, b)
}

func (s *Server) apiBookingMove(w http.ResponseWriter, r *http.Request) {
	if !bookingAllow(w, s.BookingLimits.Write, clientIP(r)) {
		s.fail(w, r, errBookingTooMany)
		return
	}
	var in struct {
		Start time.Time `json:"start"`
	}
	if err := bookingDecode(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	b, err := s.Booking.Managed(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if b, err = s.Booking.Move(r.Context(), b.ID, b.Version, in.Start, "citizen"); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.bookingAudit(r, "booking.move", b.ID, "api"); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeBooking(w, r, http.StatusOK, b)
}

// bookingAudit records a citizen's booking action in the audit chain. It joins the
// store's group commit, so on SQLite the audit rows of many concurrent bookings share
// one commit instead of taking one transaction each.
func (s *Server) bookingAudit(r *http.Request, action string, id int64, detail string) error {
	ctx := r.Context()
	e := &model.AuditEntry{Actor: "citizen", Action: action, Object: "booking:" + itoa(id), IP: clientIP(r), Detail: detail}
	return s.Store.InGroupTx(ctx, func(tx *store.Tx) error { return s.Store.AppendAudit(ctx, tx, e) })
}
