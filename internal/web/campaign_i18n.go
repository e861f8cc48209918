package web

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/model"
)

// campaignIT translates the campaign's user-facing messages (English in the outreach
// and register packages, which know nothing of page languages) for Italian pages, as
// bookingIT does for bookings. A message missing here shows in English.
var campaignIT = map[string]string{
	// the personal link
	"this link is not valid: it was already used, has expired or was mistyped": "questo link non è valido: è già stato usato, è scaduto o è stato copiato male",
	"this proposal has expired: the comune will send you a new one":            "questa proposta è scaduta: il Comune gliene invierà una nuova",
	"that time was just taken: please choose another":                          "questo orario è appena stato preso: ne scelga un altro",
	"choose one of the times offered":                                          "scelga uno degli orari proposti",
	"unknown slot":                                                             "orario sconosciuto",
	"that time is not offered":                                                 "questo orario non è disponibile",
	"the office is closed on that day: please choose another":                  "l'ufficio è chiuso quel giorno: ne scelga un altro",
	"that time is not in the office's opening hours: please choose another":    "questo orario è fuori dall'orario di apertura dell'ufficio: ne scelga un altro",
	"that day is outside the campaign":                                         "questo giorno è fuori dal periodo della campagna",
	"that office takes no campaign appointments":                               "questo ufficio non riceve appuntamenti della campagna",
	"the visit day is in the past":                                             "il giorno della visita è già passato",
	"the visit day is a Sunday":                                                "il giorno della visita è una domenica",
	"the visit day is a public holiday":                                        "il giorno della visita è un giorno festivo",
	"unknown action":                                                           "azione sconosciuta",
	"bad form":                                                                 "modulo non valido",
	"the code has 8 digits":                                                    "il codice ha 8 cifre",
	"no proposal awaiting an answer matches this code and year of birth":       "nessuna proposta in attesa corrisponde a codice e anno di nascita",

	// a confirmed appointment's link, the letter's code
	"the time of this appointment has passed: to book a new one, use the comune's booking page": "l'orario di questo appuntamento è passato: per un nuovo appuntamento usi la pagina delle prenotazioni del Comune",
	"this appointment is already confirmed":                                                     "questo appuntamento è già confermato",
	"no appointment matches this code and year of birth":                                        "nessun appuntamento corrisponde a codice e anno di nascita",

	// the link of an attempt that expired and was re-proposed in place
	"this proposal expired without an answer and the comune has sent you a new one: use the link or the code in the newer e-mail or letter": "questa proposta è scaduta senza risposta e il Comune gliene ha inviata una nuova: usi il link o il codice dell'e-mail o della lettera più recente",
	// the admin pages
	"choose the CSV file of the register extract":                               "scelga il file CSV dell'estratto anagrafico",
	"no such import (imports are kept until the server restarts)":               "importazione inesistente (le importazioni restano fino al riavvio del server)",
	"no such task (tasks are kept until the server restarts)":                   "attività inesistente (le attività restano fino al riavvio del server)",
	"another campaign task is running: wait for it to finish":                   "è in corso un'altra attività della campagna: attenda che finisca",
	"the campaign starts on a Monday":                                           "la campagna inizia di lunedì",
	"start date required":                                                       "data di inizio obbligatoria",
	"weeks must be 1-104":                                                       "le settimane devono essere tra 1 e 104",
	"the deadline is before the start":                                          "la scadenza precede l'inizio",
	"confirmation days must be 1-90":                                            "i giorni per rispondere devono essere tra 1 e 90",
	"the reminder must come before the confirmation deadline":                   "il promemoria deve precedere la scadenza della risposta",
	"share must be between 0 and 100 percent":                                   "la quota deve essere tra 0 e 100 per cento",
	"minutes per application must be 5-120":                                     "i minuti per pratica devono essere tra 5 e 120",
	"at least one e-mail per minute":                                            "almeno una e-mail al minuto",
	"postal delivery days must be 0-30":                                         "i giorni di consegna postale devono essere tra 0 e 30",
	"the day paper cards stop being valid must be a date between 2000 and 2100": "il giorno da cui le carte cartacee non sono valide deve essere tra il 2000 e il 2100",
	"unknown office": "ufficio sconosciuto",
	"capacity: want a whole number of people per week": "capacità: indichi un numero intero di persone a settimana",
	"unknown state": "stato sconosciuto",
	"no citizen with that codice fiscale in the campaign": "nessun cittadino della campagna con questo codice fiscale",
	"no such table":                                "tabella inesistente",
	"deadline date required":                       "data di scadenza obbligatoria",
	"the reminder cannot be negative":              "il promemoria non può essere negativo",
	"no letter to print: send the proposals first": "nessuna lettera da stampare: invii prima le proposte",
	"no new letter to print: every letter sent is in a batch already (send the proposals first, or download a past batch again)": "nessuna nuova lettera da stampare: ogni lettera inviata è già in un lotto (invii prima le proposte, o scarichi di nuovo un lotto precedente)",
	"no new letter to print": "nessuna nuova lettera da stampare",
	"nobody in this batch still awaits an answer to the letter printed then": "nessuno in questo lotto attende ancora risposta alla lettera stampata allora",
	"no such letter batch": "lotto di lettere inesistente",
	"some of these letters were printed in another batch meanwhile: download again": "alcune di queste lettere sono state stampate nel frattempo in un altro lotto: scarichi di nuovo",
	"no reminder letter is due":                                             "nessuna lettera di promemoria da stampare",
	"nothing to send: run the plan first":                                   "niente da inviare: calcoli prima il piano",
	"no active office to plan into":                                         "nessun ufficio attivo in cui pianificare",
	"no citizen is waiting for a proposal":                                  "nessun cittadino attende una proposta",
	"the campaign has no week left to plan into; extend it in the settings": "la campagna non ha più settimane in cui pianificare: la estenda nelle impostazioni",
	msgNoMailServer: "nessun server di posta configurato (--smtp-addr): le proposte per e-mail non arriverebbero a nessuno mentre i termini per rispondere scorrono; configuri l'SMTP, riavvii e invii di nuovo",
	// the outcome form and the citizen lookup
	msgVisitDayHomeOnly: "il giorno della visita (AAAA-MM-GG) si indica solo con lo stato «visita a domicilio»",
}

// campaignMsg returns err's user-facing message in lang.
func campaignMsg(lang string, err error) string {
	msg := model.ErrorMessage(err)
	if lang == "en" {
		return msg
	}
	if model.ErrorCode(err) == model.EINTERNAL {
		return "errore interno"
	}
	return campaignTextIT(msg)
}

// campaignTextIT translates one message: a fixed one, a booking one, or one of the
// patterned reasons (import rows, form fields).
func campaignTextIT(msg string) string {
	if it, ok := campaignIT[msg]; ok {
		return it
	}
	if it, ok := bookingIT[msg]; ok {
		return it
	}
	if it, ok := rewrite(campaignPatterns, msg); ok {
		return it
	}
	return msg
}

// campaignFail is s.fail for the campaign's citizen and admin pages: the same status
// mapping, with the message in the page's language.
func (s *Server) campaignFail(w http.ResponseWriter, r *http.Request, err error) {
	code := model.ErrorCode(err)
	if wantsJSON(r) || code == model.EINTERNAL {
		s.fail(w, r, err)
		return
	}
	status := statusOf(code)
	s.render(w, r, status, "error.html", map[string]any{"Status": status, "Message": campaignMsg(langOf(r), err)})
}

// campaignRowsIT translates an import's bad-row reasons for an Italian page. A row's
// reasons are joined by "; "; each is translated on its own, and one without a
// translation stays in English rather than disappear.
func campaignRowsIT(rows []register.RowError) []register.RowError {
	out := make([]register.RowError, len(rows))
	for i, r := range rows {
		parts := strings.Split(r.Reason, "; ")
		for j, p := range parts {
			parts[j] = campaignTextIT(p)
		}
		out[i] = register.RowError{Line: r.Line, Reason: strings.Join(parts, "; ")}
	}
	return out
}

// pattern is a message with values in it: re matches the English, it is the Italian
// with $1… for the values (regexp.Expand syntax), sub translates a value that is
// itself a message (the codice fiscale's detail).
type pattern struct {
	re  *regexp.Regexp
	it  string
	sub map[int][]pattern
}

func rewrite(ps []pattern, s string) (string, bool) {
	for _, p := range ps {
		m := p.re.FindStringSubmatchIndex(s)
		if m == nil {
			continue
		}
		if p.sub == nil {
			return string(p.re.ExpandString(nil, p.it, s, m)), true
		}
		// expand with the nested groups translated first
		vals := make([]string, len(m)/2)
		for g := range vals {
			if m[2*g] >= 0 {
				vals[g] = s[m[2*g]:m[2*g+1]]
			}
			if sub, ok := p.sub[g]; ok {
				if it, ok := rewrite(sub, vals[g]); ok {
					vals[g] = it
				}
			}
		}
		return expandVals(p.it, vals), true
	}
	return "", false
}

// expandVals replaces $1…$9 in tmpl with vals.
func expandVals(tmpl string, vals []string) string {
	var b strings.Builder
	for i := 0; i < len(tmpl); i++ {
		if tmpl[i] == '$' && i+1 < len(tmpl) && tmpl[i+1] >= '1' && tmpl[i+1] <= '9' {
			if g := int(tmpl[i+1] - '0'); g < len(vals) {
				b.WriteString(vals[g])
			}
			i++
			continue
		}
		b.WriteByte(tmpl[i])
	}
	return b.String()
}

func pat(re, it string) pattern { return pattern{re: regexp.MustCompile(`^` + re + `$`), it: it} }

// cfKinds and cfDetails are the codicefiscale package's errors, as the import quotes them.
var cfKinds = []pattern{
	pat(`wrong length`, "lunghezza errata"),
	pat(`bad character`, "carattere non ammesso"),
	pat(`wrong check character`, "carattere di controllo errato"),
	pat(`impossible birth date`, "data di nascita impossibile"),
}

var cfDetails = []pattern{
	pat(`(\d+) characters, want 16 \(or 11 digits\)`, "$1 caratteri, ne servono 16 (o 11 cifre)"),
	pat(`(.+), an 11-character code has only digits`, "$1, un codice di 11 caratteri ha solo cifre"),
	pat(`(.+), expected (.+)`, "$1, atteso $2"),
	pat(`(.+), want a letter`, "$1, serve una lettera"),
	pat(`(.+), omocodia replaces digits from the right but a digit follows`, "$1, l'omocodia sostituisce le cifre da destra ma qui segue una cifra"),
	pat(`(.+), want a digit or one of (.+)`, "$1, serve una cifra o una tra $2"),
	pat(`(.+), want a month letter \((.+)\)`, "$1, serve la lettera di un mese ($2)"),
	pat(`day (\d+), want 01-31 \(41-71 for women\)`, "giorno $1, tra 01 e 31 (41-71 per le donne)"),
	pat(`day (\d+) does not exist in month (\d+) of (\d+)`, "il giorno $1 non esiste nel mese $2 del $3"),
	pat(`an 11-digit code carries no birth date`, "un codice di 11 cifre non contiene la data di nascita"),
}

// csvErrs are encoding/csv's parse errors, as the import quotes them.
var csvErrs = []pattern{
	pat(`bare " in non-quoted-field`, `virgolette (") dentro un campo che non è tra virgolette`),
	pat(`extraneous or missing " in quoted-field`, `virgolette (") in più o mancanti in un campo tra virgolette`),
	pat(`wrong number of fields`, "numero di campi errato"),
	pat(`extra delimiter at end of line`, "separatore in più a fine riga"),
}

// campaignPatterns are the register import's row reasons (internal/campaign/register,
// read.go) and the admin form's field messages. Column names stay as in the file.
var campaignPatterns = []pattern{
	{re: regexp.MustCompile(`^codice_fiscale: (.+?) at position (\d+): (.+)$`), it: "codice_fiscale: $1 in posizione $2: $3",
		sub: map[int][]pattern{1: cfKinds, 3: cfDetails}},
	{re: regexp.MustCompile(`^codice_fiscale: (.+?): (.+)$`), it: "codice_fiscale: $1: $2", sub: map[int][]pattern{1: cfKinds, 2: cfDetails}},
	// the results of the admin's campaign tasks
	pat(`(\d+) planned, (\d+) unplannable, gap ([0-9.]+)%, (\d+) ms`, "$1 pianificati, $2 non pianificabili, scarto $3%, $4 ms"),
	pat(`(\d+) e-mails queued, (\d+) letters to print`, "$1 e-mail in coda, $2 lettere da stampare"),
	pat(`(\d+) expired, (\d+) re-planned, (\d+) unplannable`, "$1 scadute, $2 ripianificati, $3 non pianificabili"),
	pat(`(\d+) expired`, "$1 scadute"),
	pat(`(\d+) planned proposals are too soon to leave the answer window if sent today \(appointments from (\S+) for e-mails, (\S+) for letters\): run the plan again`,
		"$1 proposte pianificate sono troppo vicine per lasciare il tempo di rispondere se inviate oggi (appuntamenti dal $2 per le e-mail, dal $3 per le lettere): ricalcoli il piano"),
	pat(`codice_fiscale repeats line (\d+)`, "codice_fiscale già presente alla riga $1"),
	pat(`(\w+): required`, "$1: obbligatorio"),
	pat(`(\w+): longer than (\d+) characters`, "$1: più lungo di $2 caratteri"),
	pat(`(\w+): contains a control character`, "$1: contiene un carattere di controllo"),
	pat(`sex (".*"): want M or F`, "sex $1: indichi M o F"),
	pat(`(birth_date|card_expiry) (".*"): want YYYY-MM-DD`, "$1 $2: formato AAAA-MM-GG"),
	pat(`due_date (".*"): want YYYY-MM-DD or empty`, "due_date $1: formato AAAA-MM-GG o vuoto"),
	pat(`birth_date out of range`, "birth_date fuori dall'intervallo ammesso"),
	pat(`(birth_date|sex) does not match the codice fiscale`, "$1 non corrisponde al codice fiscale"),
	pat(`postcode (".*"): want 5 digits`, "postcode $1: servono 5 cifre"),
	pat(`lat (".*"): want a WGS84 latitude`, "lat $1: serve una latitudine WGS84"),
	pat(`lon (".*"): want a WGS84 longitude`, "lon $1: serve una longitudine WGS84"),
	pat(`lat/lon 0,0: the address was not geocoded`, "lat/lon 0,0: l'indirizzo non è stato geocodificato"),
	pat(`card_type (".*"): want paper or cie`, "card_type $1: indichi paper o cie"),
	pat(`card_expiry is required for a paper card without due_date`, "card_expiry è obbligatoria per una carta cartacea senza due_date"),
	pat(`email is not a valid address`, "email non è un indirizzo valido"),
	pat(`phone: want digits, optionally with \+ and spaces`, "phone: servono cifre, eventualmente con + e spazi"),
	pat(`frail (".*"): want 1 or 0`, "frail $1: indichi 1 o 0"),
	pat(`(\d+) columns, want (\d+)`, "$1 colonne, ne servono $2"),
	{re: regexp.MustCompile(`^(header: )?malformed CSV: (.+)$`), it: "$1CSV non valido: $2", sub: map[int][]pattern{1: {pat(`header: `, "intestazione: ")}, 2: csvErrs}},
	pat(`malformed CSV: (.*)`, "CSV non valido: $1"),
	pat(`header: malformed CSV: (.*)`, "intestazione: CSV non valido: $1"),
	pat(`empty file: the header is missing`, "file vuoto: manca l'intestazione"),
	pat(`header has (\d+) columns, want (.+)`, "l'intestazione ha $1 colonne, servono $2"),
	pat(`header column (\d+) is (".*"), want (".*")`, "la colonna $1 dell'intestazione è $2, serve $3"),
	pat(`no citizens after the header`, "nessun cittadino dopo l'intestazione"),
	pat(`file larger than 2 GiB`, "file più grande di 2 GiB"),
	// admin form fields
	pat(`the file could not be read: (.*)`, "il file non può essere letto: $1"),
	pat(`(\w+): want a date`, "$1: serve una data"),
	pat(`(\w+): want a whole number`, "$1: serve un numero intero"),
}
