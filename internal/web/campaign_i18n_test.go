package web

import (
	"errors"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/campaign/register"
)

// TestCampaignRowsIT feeds the register import one bad row per reason it can give and
// checks that every reason reaches an Italian page translated.
func TestCampaignRowsIT(t *testing.T) {
	head := strings.Join(register.Columns, ",") + ",frail\n"
	good := []string{"RSSMRA85T10A562S", "Rossi", "Mario", "M", "1985-12-10", "h1", "Via Roma 1", "20100", "45.46", "9.19", "paper", "AX1", "2027-01-01", "", "", "", "0"}
	rows := []map[int]string{
		{0: "RSSMRA85T10A562"},               // codice fiscale: wrong length
		{0: "RSSMRA85T10A562T"},              // wrong check character at position 16
		{0: "RSSMRA85Z10A562S"},              // bad month letter
		{0: "RSSMRA85T99A562S"},              // impossible day
		{1: "", 2: strings.Repeat("x", 101)}, // required, too long
		{5: "h\x01"},                         // control character
		{3: "X"},                             // sex
		{4: "10/12/1985"},                    // birth date format
		{4: "1985-12-11"},                    // does not match the codice fiscale
		{3: "F"},                             // sex does not match
		{6: ""},                              // address required
		{7: "2010"},                          // postcode
		{8: "north"},                         // lat
		{9: "east"},                          // lon
		{8: "0", 9: "0"},                     // not geocoded
		{10: "carta"},                        // card type
		{12: "2027"},                         // card expiry format
		{12: ""},                             // card expiry required
		{13: "not-an-address"},               // email
		{14: "call me"},                      // phone
		{15: "soon"},                         // due date
		{16: "maybe"},                        // frail
	}
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(strings.Join(good, ",") + "\n")
	b.WriteString(strings.Join(good, ",") + "\n") // repeats line 2
	for _, r := range rows {
		rec := append([]string(nil), good...)
		for i, v := range r {
			rec[i] = v
		}
		b.WriteString(strings.Join(rec, ",") + "\n")
	}
	b.WriteString("only,three,columns\n")
	_, err := register.Parse([]byte(b.String()), register.Options{Policy: register.DefaultPolicy()})
	var bad *register.Errors
	if !errors.As(err, &bad) {
		t.Fatalf("parse: %v", err)
	}
	if len(bad.Rows) != len(rows)+2 {
		t.Fatalf("%d bad rows, want %d: %v", len(bad.Rows), len(rows)+2, bad.Rows)
	}
	for i, r := range campaignRowsIT(bad.Rows) {
		en := strings.Split(bad.Rows[i].Reason, "; ")
		it := strings.Split(r.Reason, "; ")
		if r.Line != bad.Rows[i].Line || len(it) != len(en) {
			t.Fatalf("row %d: %v → %v", i, bad.Rows[i], r)
		}
		for j := range en {
			if it[j] == en[j] {
				t.Errorf("line %d: reason left in English: %q", r.Line, en[j])
			}
		}
	}
	for en, want := range map[string]string{
		"codice_fiscale: wrong check character at position 16: 'T', expected 'S'":  "codice_fiscale: carattere di controllo errato in posizione 16: 'T', atteso 'S'",
		"codice_fiscale: wrong length: 15 characters, want 16 (or 11 digits)":      "codice_fiscale: lunghezza errata: 15 caratteri, ne servono 16 (o 11 cifre)",
		`card_type "carta": want paper or cie`:                                     `card_type "carta": indichi paper o cie`,
		"address: required":                                                        "address: obbligatorio",
		"codice_fiscale repeats line 2":                                            "codice_fiscale già presente alla riga 2",
		`header column 3 is "nome", want "given_names"`:                            `la colonna 3 dell'intestazione è "nome", serve "given_names"`,
		"this link is not valid: it was already used, has expired or was mistyped": "questo link non è valido: è già stato usato, è scaduto o è stato copiato male",
		"45 planned, 0 unplannable, gap 0.021%, 12 ms":                             "45 pianificati, 0 non pianificabili, scarto 0.021%, 12 ms",
		"30 e-mails queued, 15 letters to print":                                   "30 e-mail in coda, 15 lettere da stampare",
		"7 expired, 6 re-planned, 1 unplannable":                                   "7 scadute, 6 ripianificati, 1 non pianificabili",
		"3 expired":                                                                "3 scadute",
		"a message nobody wrote a translation for":                                 "a message nobody wrote a translation for",
	} {
		if got := campaignTextIT(en); got != want {
			t.Errorf("%q → %q, want %q", en, got, want)
		}
	}
}

// FuzzCampaignTextIT: any text translates without a panic, and text that matches no
// message comes back as it was.
func FuzzCampaignTextIT(f *testing.F) {
	for _, s := range []string{"address: required", "codice_fiscale: bad character at position 3: '1', want a letter", "$1 columns, want $9", "lat \"$2\": want a WGS84 latitude", "codice_fiscale: x: y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := campaignTextIT(s)
		if got == "" && s != "" {
			t.Fatalf("%q translated to nothing", s)
		}
	})
}

// TestCampaignSendTooSoonIT: Send's refusal of a plan gone stale names the first days
// each channel may take; the Italian page keeps them.
func TestCampaignSendTooSoonIT(t *testing.T) {
	en := "12 planned proposals are too soon to leave the answer window if sent today (appointments from 2027-01-11 for e-mails, 2027-01-18 for letters): run the plan again"
	want := "12 proposte pianificate sono troppo vicine per lasciare il tempo di rispondere se inviate oggi (appuntamenti dal 2027-01-11 per le e-mail, dal 2027-01-18 per le lettere): ricalcoli il piano"
	if got := campaignTextIT(en); got != want {
		t.Fatalf("got %q", got)
	}
}
