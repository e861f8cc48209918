package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// bookingIT translates the booking domain's user-facing messages (written in English
// in the domain packages, which know nothing of page languages) for Italian pages. A
// message missing here shows in English rather than not at all.
var bookingIT = map[string]string{
	"a booking is for 1 to 6 people":                                    "una prenotazione è per 1-6 persone",
	"this office takes no bookings":                                     "questo ufficio non accetta prenotazioni",
	"this office does not offer the chosen service":                     "questo ufficio non offre il servizio scelto",
	"this time has already passed":                                      "questo orario è già passato",
	"this day is outside the booking window":                            "questo giorno è fuori dal periodo prenotabile",
	"this is not a bookable time for this service and number of people": "questo orario non è prenotabile per questo servizio e numero di persone",
	"the time you chose was held for you only for a few minutes and has been released: please choose it again": "l'orario scelto era riservato per pochi minuti ed è stato rilasciato: lo scelga di nuovo",
	"enter the data of every person of the booking":                                                            "inserisca i dati di tutte le persone della prenotazione",
	"the same codice fiscale appears twice in this booking":                                                    "lo stesso codice fiscale compare due volte nella prenotazione",
	"this booking is already confirmed: check your e-mail":                                                     "questa prenotazione è già confermata: controlli la sua e-mail",
	"this person already has the maximum number of active bookings: cancel one first":                          "questa persona ha già il numero massimo di prenotazioni attive: ne annulli prima una",
	"this e-mail address already has the maximum number of active bookings":                                    "questo indirizzo e-mail ha già il numero massimo di prenotazioni attive",
	"this booking is no longer active":                                                                         "questa prenotazione non è più attiva",
	"this link was replaced by a newer one after the booking changed: use the link in the latest e-mail":       "questo link è stato sostituito da uno più recente dopo una modifica: usi il link dell'ultima e-mail",
	"this link is no longer valid":                                                                             "questo link non è più valido",
	"the booking is already at this time":                                                                      "la prenotazione è già a quest'orario",
	"the appointment is on a later day":                                                                        "l'appuntamento è in un giorno successivo",
	"this time was just taken: please choose another":                                                          "questo orario è appena stato preso: ne scelga un altro",
	"enter a valid e-mail address, e.g. nome@esempio.it":                                                       "inserisca un indirizzo e-mail valido, ad esempio nome@esempio.it",
	"enter a telephone number of 6 to 20 digits":                                                               "inserisca un numero di telefono di 6-20 cifre",
	"enter the first name (at most 100 characters)":                                                            "inserisca il nome (al massimo 100 caratteri)",
	"enter the surname (at most 100 characters)":                                                               "inserisca il cognome (al massimo 100 caratteri)",
	"the codice fiscale's last character does not match: check for a typing mistake":                           "l'ultimo carattere del codice fiscale non corrisponde: controlli se c'è un errore di battitura",
	"a codice fiscale has 16 characters":                                                                       "il codice fiscale ha 16 caratteri",
	"the codice fiscale holds an impossible birth date":                                                        "il codice fiscale contiene una data di nascita impossibile",
	"the codice fiscale contains a character not allowed at that position":                                     "il codice fiscale contiene un carattere non ammesso in quella posizione",
	"enter a person's 16-character codice fiscale":                                                             "inserisca il codice fiscale di 16 caratteri della persona",
	"this link is not valid: it may have been altered or replaced by a newer one":                              "questo link non è valido: potrebbe essere stato alterato o sostituito da uno più recente",
	"this link has expired":                                                                                    "questo link è scaduto",
	"the anti-robot check did not complete: wait for it to finish and try again":                               "la verifica anti-robot non è terminata: attenda che finisca e riprovi",
	"the anti-robot check failed or expired: please try again":                                                 "la verifica anti-robot non è riuscita o è scaduta: riprovi",
	"too many requests: please try again later":                                                                "troppe richieste: riprovi più tardi",
	"choose a time": "scelga un orario",
	"the minutes to fill in the form ran out: fill in your data and confirm; the same time is taken again if it is still free, otherwise choose another below": "il tempo per completare i dati è scaduto: inserisca i dati e confermi; se l'orario scelto è ancora libero lo riprendiamo, altrimenti ne scelga un altro qui sotto",
	"this day has confirmed bookings: the day is closed only after you confirm below that they are cancelled and the citizens notified":                        "questo giorno ha prenotazioni confermate: il giorno viene chiuso solo dopo che avrà confermato qui sotto di annullarle avvisando i cittadini",
	"the minutes to fill in the form ran out and meanwhile someone else booked this time: your data is kept below, choose another time and confirm again":      "il tempo per completare i dati è scaduto e nel frattempo un'altra persona ha prenotato questo orario: i suoi dati sono conservati qui sotto, scelga un altro orario e confermi di nuovo",
	"without an e-mail address a telephone number of 6 to 20 digits is required":                                                                               "senza indirizzo e-mail serve un numero di telefono di 6-20 cifre",
	"the first bookable day must be 0-365 days ahead":                          "il primo giorno prenotabile deve essere tra 0 e 365 giorni",
	"the last bookable day must be after the first and at most 365 days ahead": "l'ultimo giorno prenotabile deve seguire il primo ed essere entro 365 giorni",
	"release time must be within the day":                                      "l'ora di apertura deve essere nella giornata",
	"a hold lasts 1-60 minutes":                                                "una riserva dura 1-60 minuti",
	"hold-back must be 0 minutes to 7 days":                                    "il trattenimento deve essere tra 0 minuti e 7 giorni",
	"caps must be at least 1":                                                  "i limiti devono essere almeno 1",
	"reminder must be 0-336 hours before":                                      "il promemoria deve essere tra 0 e 336 ore prima",
	"reconfirmation request must be 1-60 days before":                          "la richiesta di conferma deve essere tra 1 e 60 giorni prima",
	"reconfirmation deadline must fall after the request":                      "la scadenza della conferma deve seguire la richiesta",
	"date must be YYYY-MM-DD":                                                  "la data deve essere AAAA-MM-GG",
	"opening time must be before closing time":                                 "l'apertura deve precedere la chiusura",
	"slot length must be 5-240 minutes":                                        "la durata di un turno deve essere tra 5 e 240 minuti",
	"at least one counter must be open":                                        "deve essere aperto almeno uno sportello",
	"unknown status":                                                           "stato sconosciuto",
	"no such office":                                                           "ufficio inesistente",
	"no such service":                                                          "servizio inesistente",
	"no such booking":                                                          "prenotazione inesistente",
	"bad form":                                                                 "modulo non valido",
}

// bookingMsg returns err's user-facing message in lang.
func bookingMsg(lang string, err error) string {
	var wait *bookingWaitError
	if errors.As(err, &wait) {
		return wait.message(lang)
	}
	msg := model.ErrorMessage(err)
	if lang == "en" {
		return msg
	}
	if it, ok := bookingIT[msg]; ok {
		return it
	}
	if model.ErrorCode(err) == model.EINTERNAL {
		return "errore interno"
	}
	return msg
}

// bookingField returns the form field an error belongs to, if any.
func bookingField(err error) string {
	var me *model.Error
	if errors.As(err, &me) {
		return me.Field
	}
	return ""
}

// errBookingTooMany is a refused request whose wait is not known here; pages turn it
// into bookingTooMany(w), which says the real wait.
var errBookingTooMany = model.Errorf(model.ERATELIMIT, "too many requests: please try again later")

// bookingTooMany is the 429 error for a request bookingAllow just refused, saying how
// long the limiter really wants the client to wait (its Retry-After header), so a
// citizen is not told "a few minutes" when the allowance comes back in an hour.
func bookingTooMany(w http.ResponseWriter) error {
	secs, err := strconv.Atoi(w.Header().Get("Retry-After"))
	if err != nil || secs <= 0 {
		return errBookingTooMany
	}
	return &bookingWaitError{wait: time.Duration(secs) * time.Second}
}

// bookingWaitError is a rate-limit refusal with its wait, worded per language.
type bookingWaitError struct{ wait time.Duration }

func (e *bookingWaitError) Error() string { return e.message("en") }

// Unwrap gives the error its code (rate_limited) for statusOf and the JSON body.
func (e *bookingWaitError) Unwrap() error {
	return &model.Error{Code: model.ERATELIMIT, Message: e.message("en")}
}

func (e *bookingWaitError) message(lang string) string {
	mins := int((e.wait + time.Minute - 1) / time.Minute)
	if e.wait < time.Minute {
		secs := int((e.wait + time.Second - 1) / time.Second)
		return pick(lang, fmt.Sprintf("troppe richieste: riprovi tra %d secondi", secs), fmt.Sprintf("too many requests: please try again in %d seconds", secs))
	}
	if mins == 1 {
		return pick(lang, "troppe richieste: riprovi tra un minuto", "too many requests: please try again in a minute")
	}
	return pick(lang, fmt.Sprintf("troppe richieste: riprovi tra %d minuti", mins), fmt.Sprintf("too many requests: please try again in %d minutes", mins))
}

// bookingFail is s.fail for the citizen pages: the same status mapping, with the
// message in the page's language.
func (s *Server) bookingFail(w http.ResponseWriter, r *http.Request, err error) {
	if err == errBookingTooMany {
		err = bookingTooMany(w)
	}
	code := model.ErrorCode(err)
	if wantsJSON(r) || code == model.EINTERNAL {
		s.fail(w, r, err)
		return
	}
	status := statusOf(code)
	s.render(w, r, status, "error.html", map[string]any{"Status": status, "Message": bookingMsg(langOf(r), err)})
}
