// Package phonebot is the keypad (DTMF) line for citizens who got a paper letter:
// they key in the letter's code and their birth year, hear their proposal, and press
// 1 to confirm, 2 for the next alternative, 3 for an operator; an appointment already
// confirmed is read back, with 3 for an operator to change it. The dialogue is a plain
// state machine over a small Backend interface, so it is tested without a telephone.
// Two adapters connect it to calls: fastagi.go to Asterisk, and sip.go answers SIP
// calls itself (from a PBX or trunk), tested with real calls from sipp.
package phonebot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Slot is one appointment the line can offer.
type Slot struct {
	ID      string
	Office  string // spoken name, e.g. "Via Larga 12"
	Start   time.Time
	Minutes int
}

// Proposal is a citizen's pending proposal found by letter code and birth year.
type Proposal struct {
	ID        string
	Household int // people covered by the proposal; spoken when more than one
	Slot      Slot
	// Confirmed: Slot is the appointment already confirmed (by the citizen, or a
	// relative who moved the household), not awaiting an answer. The line reads it;
	// changing or cancelling it is for an operator.
	Confirmed bool
}

// ErrNoMatch is what Backend.Find returns when code and birth year match no proposal.
var ErrNoMatch = errors.New("phonebot: no proposal for that code and birth year")

// Backend is what the line needs from the campaign: find, list alternatives, confirm.
type Backend interface {
	Find(ctx context.Context, code string, birthYear int) (*Proposal, error)
	Alternatives(ctx context.Context, proposalID string, max int) ([]Slot, error)
	Confirm(ctx context.Context, proposalID string, slot Slot) error
}

// State names a point of the dialogue.
type State string

// The dialogue's states.
const (
	AskCode     State = "ask_code"
	AskYear     State = "ask_year"
	Offer       State = "offer"
	Booked      State = "booked" // reading a confirmed appointment back
	Confirmed   State = "confirmed"
	ToOperator  State = "operator"
	Goodbye     State = "goodbye"
	maxAttempts       = 3
	maxOffers         = 5
)

// Prompt is what the line says next: a prompt id (for recorded audio) and its text.
type Prompt struct {
	ID   string
	Text string
	// Digits is how many keys to collect (0: none, the call ends or transfers).
	Digits int
}

// Dialog is one call. It is not safe for concurrent use; each call has its own.
type Dialog struct {
	backend  Backend
	loc      *time.Location
	state    State
	code     string
	attempts int
	silences int
	prop     *Proposal
	offers   []Slot // offers[0] is the proposal itself, then alternatives
	current  int
}

// New starts a call in the comune's time zone.
func New(b Backend, loc *time.Location) *Dialog {
	return &Dialog{backend: b, loc: loc, state: AskCode}
}

// State reports where the call is.
func (d *Dialog) State() State { return d.state }

// Start returns the greeting and the first question.
func (d *Dialog) Start() Prompt {
	return Prompt{ID: "welcome", Digits: 8, Text: "Buongiorno, questo è il servizio appuntamenti per la carta d'identità elettronica del Comune. " +
		"Digiti il codice di 8 cifre scritto sulla lettera, seguito dal tasto cancelletto."}
}

// Input handles the keys the caller pressed ("" means silence, "*" asks to repeat)
// and returns what to say next. When the state becomes Confirmed, ToOperator or
// Goodbye the call ends after the prompt.
func (d *Dialog) Input(ctx context.Context, keys string) (Prompt, error) {
	keys = strings.TrimSuffix(strings.TrimSpace(keys), "#")
	if keys == "" {
		d.silences++
		if d.state == Booked && d.silences >= 2 {
			// they heard their appointment, twice: nothing is pending, no operator needed
			d.state = Goodbye
			return Prompt{ID: "goodbye", Text: "Arrivederci."}, nil
		}
		if d.silences >= maxAttempts {
			d.state = ToOperator
			return Prompt{ID: "no_input_operator", Text: "Non ho ricevuto risposta. La passo a un operatore."}, nil
		}
		return d.repeat(), nil
	}
	d.silences = 0
	if keys == "*" {
		return d.repeat(), nil
	}
	switch d.state {
	case AskCode:
		if len(keys) != 8 || strings.Trim(keys, "0123456789") != "" {
			return d.retry(Prompt{ID: "bad_code", Digits: 8, Text: "Il codice deve avere 8 cifre. Lo digiti di nuovo, seguito dal cancelletto."})
		}
		d.code = keys
		d.state = AskYear
		return Prompt{ID: "ask_year", Digits: 4, Text: "Ora digiti il suo anno di nascita, quattro cifre."}, nil
	case AskYear:
		year, ok := parseYear(keys)
		if !ok {
			return d.retry(Prompt{ID: "bad_year", Digits: 4, Text: "L'anno di nascita deve avere quattro cifre, per esempio 1948. Lo digiti di nuovo."})
		}
		p, err := d.backend.Find(ctx, d.code, year)
		if errors.Is(err, ErrNoMatch) {
			d.state = AskCode
			return d.retry(Prompt{ID: "no_match", Digits: 8, Text: "Il codice o l'anno di nascita non corrispondono. Digiti di nuovo il codice della lettera."})
		}
		if err != nil {
			return d.fail(err)
		}
		d.prop, d.offers, d.current, d.attempts = p, []Slot{p.Slot}, 0, 0
		if p.Confirmed {
			d.state = Booked
			return d.booked(), nil
		}
		d.state = Offer
		return d.offer("proposal"), nil
	case Booked:
		switch keys {
		case "1":
			return d.booked(), nil
		case "3":
			d.state = ToOperator
			return Prompt{ID: "operator", Text: "La passo a un operatore, attenda in linea."}, nil
		}
		p := d.booked()
		p.ID, p.Text = "bad_choice_booked", "Scelta non valida. "+p.Text
		return d.retry(p)
	case Offer:
		switch keys {
		case "1":
			slot := d.offers[d.current]
			if err := d.backend.Confirm(ctx, d.prop.ID, slot); err != nil {
				if errors.Is(err, ErrSlotTaken) {
					// Drop the lost slot; next moves on to what was after it.
					d.offers = append(d.offers[:d.current], d.offers[d.current+1:]...)
					d.current--
					return d.next(ctx, "Mi dispiace, quell'orario è stato appena preso. ")
				}
				return d.fail(err)
			}
			d.state = Confirmed
			return Prompt{ID: "confirmed", Text: "Appuntamento confermato: " + d.say(slot) +
				". Porti la vecchia carta d'identità, la tessera sanitaria e una fototessera o il codice della cabina. Arrivederci."}, nil
		case "2":
			return d.next(ctx, "")
		case "3":
			d.state = ToOperator
			return Prompt{ID: "operator", Text: "La passo a un operatore, attenda in linea."}, nil
		}
		return d.retry(d.withMenu(Prompt{ID: "bad_choice", Text: "Scelta non valida. "}))
	}
	d.state = Goodbye
	return Prompt{ID: "goodbye", Text: "Arrivederci."}, nil
}

// ErrSlotTaken is what Backend.Confirm returns when another citizen took the slot first.
var ErrSlotTaken = errors.New("phonebot: slot no longer free")

func (d *Dialog) next(ctx context.Context, lead string) (Prompt, error) {
	if d.current+1 >= len(d.offers) && len(d.offers) < maxOffers {
		alts, err := d.backend.Alternatives(ctx, d.prop.ID, maxOffers)
		if err != nil {
			return d.fail(err)
		}
		seen := map[string]bool{}
		for _, s := range d.offers {
			seen[s.ID] = true
		}
		for _, s := range alts {
			if !seen[s.ID] && len(d.offers) < maxOffers {
				d.offers = append(d.offers, s)
				seen[s.ID] = true
			}
		}
	}
	if d.current+1 >= len(d.offers) {
		d.state = ToOperator
		return Prompt{ID: "no_more", Text: lead + "Non ho altri orari da proporre. La passo a un operatore."}, nil
	}
	d.current++
	p := d.offer("alternative")
	p.Text = lead + p.Text
	return p, nil
}

func (d *Dialog) offer(id string) Prompt {
	s := d.offers[d.current]
	intro := "Le proponiamo "
	if id == "alternative" {
		intro = "In alternativa: "
	}
	who := ""
	if d.prop.Household > 1 {
		who = fmt.Sprintf(" per %d persone del suo nucleo familiare", d.prop.Household)
	}
	return d.withMenu(Prompt{ID: id, Text: intro + d.say(s) + who + ". "})
}

// booked reads the confirmed appointment back; the line changes nothing of it (a
// relative may have chosen it for the household): an operator does.
func (d *Dialog) booked() Prompt {
	return Prompt{ID: "booked", Digits: 1, Text: "Il suo appuntamento è già confermato: " + d.say(d.prop.Slot) + ". " +
		"Per riascoltarlo prema 1. Per cambiarlo o annullarlo prema 3 e parli con un operatore. Altrimenti può riagganciare."}
}

func (d *Dialog) withMenu(p Prompt) Prompt {
	p.Digits = 1
	p.Text += "Per confermare prema 1. Per un altro orario prema 2. Per parlare con un operatore prema 3."
	return p
}

var weekdays = [...]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
var months = [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}

// say reads a slot as an Italian speaker would: "lunedì 2 febbraio alle 9 e 20, in Via Larga 12".
func (d *Dialog) say(s Slot) string {
	t := s.Start.In(d.loc)
	clock := fmt.Sprintf("%d", t.Hour())
	if t.Minute() != 0 {
		clock += fmt.Sprintf(" e %d", t.Minute())
	}
	return fmt.Sprintf("%s %d %s alle %s, in %s", weekdays[t.Weekday()], t.Day(), months[t.Month()-1], clock, s.Office)
}

func (d *Dialog) repeat() Prompt {
	switch d.state {
	case AskCode:
		return d.Start()
	case AskYear:
		return Prompt{ID: "ask_year", Digits: 4, Text: "Digiti il suo anno di nascita, quattro cifre."}
	case Offer:
		return d.offer("proposal")
	case Booked:
		return d.booked()
	}
	return Prompt{ID: "goodbye", Text: "Arrivederci."}
}

// retry counts a wrong input; after three the call goes to an operator, since a
// caller who keeps failing needs a person, not the same recording again.
func (d *Dialog) retry(p Prompt) (Prompt, error) {
	d.attempts++
	if d.attempts >= maxAttempts {
		d.state = ToOperator
		return Prompt{ID: "too_many_attempts", Text: "La passo a un operatore che la aiuterà."}, nil
	}
	return p, nil
}

func (d *Dialog) fail(err error) (Prompt, error) {
	d.state = ToOperator
	return Prompt{ID: "error_operator", Text: "Si è verificato un problema. La passo a un operatore."}, err
}

func parseYear(s string) (int, bool) {
	if len(s) != 4 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	return y, y >= 1900 && y <= 2100
}
