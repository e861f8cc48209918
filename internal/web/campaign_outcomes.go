package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// The outcome pages are for every member of staff: the registry clerks learn who was
// issued, who died or emigrated. What changes the campaign itself (settings, plan,
// sending) stays on the admin dashboard.

type outcomeRowError struct {
	Line   int
	IT, EN string
}

type campaignOutcomesData struct {
	States  []string
	Labels  map[string]string
	Done    string
	Changed string
	Error   string
	Bad     []outcomeRowError
	// what the citizens of cancelled appointments were told (recordOutcome): one
	// citizen's notice, or for a list how many were e-mailed, not told, or to phone
	Notice     string
	Mailed     string
	Unnotified string
	Phone      string
	PhoneRefs  []string // records of those to phone (the first phoneRefsShown)
	MailOff    bool     // no mail server: nothing is e-mailed
}

// outcomeNames are the words an outcome list may use, Italian or English.
var outcomeNames = map[string]string{
	"issued": store.CitizenIssued, "emessa": store.CitizenIssued, "cie emessa": store.CitizenIssued,
	"declined": store.CitizenDeclined, "rinuncia": store.CitizenDeclined,
	"deceased": store.CitizenDeceased, "deceduto": store.CitizenDeceased, "deceduta": store.CitizenDeceased,
	"emigrated": store.CitizenEmigrated, "emigrato": store.CitizenEmigrated, "emigrata": store.CitizenEmigrated,
	"untraceable": store.CitizenUntraceable, "irreperibile": store.CitizenUntraceable,
}

func (s *Server) campaignOutcomesPage(w http.ResponseWriter, r *http.Request, status int, d *campaignOutcomesData) {
	d.States = store.BulkOutcomeStates
	d.MailOff = !s.mailConfigured()
	d.Labels = map[string]string{}
	for _, st := range store.CitizenStates {
		d.Labels[st] = stateLabel(langOf(r), st)
	}
	s.render(w, r, status, "campaign_outcomes.html", d)
}

// campaignOutcomes shows the outcome forms: one citizen, or a list.
func (s *Server) campaignOutcomes(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &campaignOutcomesData{Done: q.Get("done"), Changed: q.Get("n"), Mailed: q.Get("mailed"), Unnotified: q.Get("unnotified"), Phone: q.Get("phone")}
	if isNotice(q.Get("notice")) {
		d.Notice = q.Get("notice")
	}
	for _, ref := range strings.Split(q.Get("c"), ",") {
		if ref != "" {
			d.PhoneRefs = append(d.PhoneRefs, ref)
		}
	}
	s.campaignOutcomesPage(w, r, http.StatusOK, d)
}

// campaignOutcomeOne records one citizen's outcome through recordOutcome, as the
// admin dashboard's form does: the open proposal ends, its booking is freed, the
// audit names the citizen by pseudonym, and the page says whether the citizen of a
// cancelled appointment was e-mailed or must be phoned.
func (s *Server) campaignOutcomeOne(w http.ResponseWriter, r *http.Request) {
	state := r.PostFormValue("state")
	if !isBulkOutcome(state) {
		s.campaignOutcomesFail(w, r, http.StatusUnprocessableEntity, "Esito sconosciuto.", "Unknown outcome.")
		return
	}
	done, err := s.recordOutcome(r, r.PostFormValue("cf"), state, "")
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			s.campaignOutcomesFail(w, r, http.StatusNotFound, "Nessun cittadino della campagna con questo codice fiscale.", "No citizen with that codice fiscale in the campaign.")
			return
		}
		s.fail(w, r, err)
		return
	}
	to := "/op/campagna/esiti?done=one"
	if done.Notice != "" {
		to += "&notice=" + done.Notice + "&c=" + done.Ref
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) campaignOutcomesFail(w http.ResponseWriter, r *http.Request, status int, it, en string) {
	msg := it
	if langOf(r) == "en" {
		msg = en
	}
	s.campaignOutcomesPage(w, r, status, &campaignOutcomesData{Error: msg})
}

func isBulkOutcome(state string) bool { return outcomeStateValid(state, store.BulkOutcomeStates) }

// outcomesMaxBytes bounds an outcome list: a city's year of deaths and emigrations
// is a few hundred kilobytes.
const outcomesMaxBytes = 8 << 20

// campaignOutcomesUpload records a list codice_fiscale;outcome[;date] all or nothing:
// every bad line is reported with its number and nothing is recorded until the file
// is clean, as the register import does.
func (s *Server) campaignOutcomesUpload(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r, outcomesMaxBytes)
	f, _, err := r.FormFile("outcomes")
	if err != nil {
		s.campaignOutcomesFail(w, r, http.StatusUnprocessableEntity, "Scelga il file CSV degli esiti.", "Choose the CSV file of outcomes.")
		return
	}
	defer f.Close()
	raw, err := io.ReadAll(f)
	if err != nil {
		s.campaignOutcomesFail(w, r, http.StatusRequestEntityTooLarge, "Il file non può essere letto (troppo grande?).", "The file could not be read (too large?).")
		return
	}
	ctx := r.Context()
	outs, bad := parseOutcomes(raw, s.Campaign.Now())
	if len(bad) == 0 && len(outs) == 0 {
		bad = append(bad, outcomeRowError{Line: 1, IT: "il file non contiene esiti", EN: "the file has no outcomes"})
	}
	var before map[string]string
	if len(bad) == 0 {
		cfs := make([]string, len(outs))
		for i, o := range outs {
			cfs[i] = o.CF
		}
		if before, err = s.Store.CitizenStatesOf(ctx, cfs); err != nil {
			s.fail(w, r, err)
			return
		}
		for _, o := range outs {
			if _, ok := before[o.CF]; !ok {
				bad = append(bad, outcomeRowError{o.Line, "codice fiscale non presente nella campagna", "no citizen with that codice fiscale in the campaign"})
			}
		}
	}
	if len(bad) > 0 {
		s.campaignOutcomesPage(w, r, http.StatusUnprocessableEntity, &campaignOutcomesData{Bad: bad})
		return
	}
	// the bookings each outcome will cancel, read before the list's one write
	booked := map[string][]int64{}
	for _, o := range outs {
		if before[o.CF] == o.State {
			continue
		}
		if booked[o.CF], err = s.confirmedBookings(ctx, o.CF); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	n, err := s.Store.SetCitizenOutcomes(ctx, outs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// the bookings of confirmed appointments the list ended are cancelled, so the
	// counters' agenda and online booking get the times back
	if _, err := s.Campaign.ReleaseWithdrawn(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	// one entry per citizen changed, by pseudonym, with the notice of the appointment
	// it cancelled (recordOutcome's rule), and one for the file
	mailed, unnotified := 0, 0
	var phone []string
	for _, o := range outs {
		if before[o.CF] == o.State {
			continue
		}
		done, err := s.outcomeRecorded(r, o.CF, o.State, o.State+" (list)", booked[o.CF])
		if err != nil {
			s.fail(w, r, err)
			return
		}
		switch done.Notice {
		case "citizen_mailed":
			mailed++
		case "citizen_phone":
			phone = append(phone, done.Ref)
		case "citizen_unnotified":
			unnotified++
		}
	}
	if err := s.audit(r, "campaign.outcomes", "campaign", fmt.Sprintf("%d lines, %d changed", len(outs), n)); err != nil {
		s.fail(w, r, err)
		return
	}
	q := url.Values{"done": {"list"}, "n": {strconv.Itoa(n)}}
	if mailed > 0 {
		q.Set("mailed", strconv.Itoa(mailed))
	}
	if unnotified > 0 {
		q.Set("unnotified", strconv.Itoa(unnotified))
	}
	if len(phone) > 0 {
		q.Set("phone", strconv.Itoa(len(phone)))
		q.Set("c", strings.Join(phone[:min(len(phone), phoneRefsShown)], ","))
	}
	http.Redirect(w, r, "/op/campagna/esiti?"+q.Encode(), http.StatusSeeOther)
}

// phoneRefsShown is how many citizens to phone the list's page links by record; the
// rest are in the audit log under campaign.citizen_state.
const phoneRefsShown = 50

// parseOutcomes reads codice_fiscale;outcome[;date][;…] lines (',' also separates; a
// header line is skipped; UTF-8 with or without BOM). Dates are YYYY-MM-DD or
// DD/MM/YYYY and not after today.
func parseOutcomes(raw []byte, now time.Time) ([]store.CitizenOutcome, []outcomeRowError) {
	raw = bytes.TrimPrefix(raw, []byte("\ufeff"))
	sep := ';'
	if first, _, _ := bytes.Cut(raw, []byte("\n")); !bytes.ContainsRune(first, ';') && bytes.ContainsRune(first, ',') {
		sep = ','
	}
	rd := csv.NewReader(bytes.NewReader(raw))
	rd.Comma, rd.FieldsPerRecord, rd.TrimLeadingSpace = sep, -1, true
	var out []store.CitizenOutcome
	var bad []outcomeRowError
	seen := map[string]int{}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		line, _ := rd.FieldPos(0)
		if err != nil {
			bad = append(bad, outcomeRowError{line, "riga CSV non leggibile: " + err.Error(), "unreadable CSV line: " + err.Error()})
			if len(bad) > 1000 {
				break
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		cf := strings.ToUpper(strings.TrimSpace(rec[0]))
		if len(out) == 0 && len(bad) == 0 && strings.EqualFold(cf, "codice_fiscale") {
			continue
		}
		// more columns are ignored: the import's review list is uploaded back filled in
		if len(rec) < 2 {
			bad = append(bad, outcomeRowError{line, "servono almeno 2 colonne: codice_fiscale;esito[;data]", "expected at least 2 columns: codice_fiscale;outcome[;date]"})
			continue
		}
		o := store.CitizenOutcome{CF: cf, Line: line, State: outcomeNames[strings.ToLower(strings.TrimSpace(rec[1]))]}
		if len(cf) != 16 {
			bad = append(bad, outcomeRowError{line, "codice fiscale non valido", "not a valid codice fiscale"})
			continue
		}
		if strings.TrimSpace(rec[1]) == "" {
			bad = append(bad, outcomeRowError{line, "esito mancante: lo indichi o tolga la riga", "no outcome: fill it in or delete the line"})
			continue
		}
		if o.State == "" {
			bad = append(bad, outcomeRowError{line, fmt.Sprintf("esito %q sconosciuto (emessa, rinuncia, deceduto, emigrato, irreperibile)", rec[1]),
				fmt.Sprintf("unknown outcome %q (issued, declined, deceased, emigrated, untraceable)", rec[1])})
			continue
		}
		if len(rec) >= 3 && strings.TrimSpace(rec[2]) != "" {
			v := strings.TrimSpace(rec[2])
			d, err := time.Parse(time.DateOnly, v)
			if err != nil {
				d, err = time.Parse("02/01/2006", v)
			}
			if err != nil {
				bad = append(bad, outcomeRowError{line, fmt.Sprintf("data %q non valida (AAAA-MM-GG o GG/MM/AAAA)", v), fmt.Sprintf("invalid date %q (YYYY-MM-DD or DD/MM/YYYY)", v)})
				continue
			}
			if d.After(today) {
				bad = append(bad, outcomeRowError{line, "la data è nel futuro", "the date is in the future"})
				continue
			}
			o.Day = d
		}
		if prev, dup := seen[cf]; dup {
			bad = append(bad, outcomeRowError{line, fmt.Sprintf("codice fiscale già alla riga %d", prev), fmt.Sprintf("codice fiscale already on line %d", prev)})
			continue
		}
		seen[cf] = line
		out = append(out, o)
	}
	return out, bad
}
