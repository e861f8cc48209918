package pdf

import (
	"fmt"
	"strings"
	"time"

	"github.com/signintech/gopdf"

	"github.com/sportello/sportello/internal/campaign/bring"
)

// LetterMember is one person on a household's letter.
type LetterMember struct {
	Name          string
	Office        string
	OfficeAddress string
	At            time.Time // appointment, in the comune's time zone
	Code          string    // this person's letter code for the phone line
	// Minor is under 18 on the day printed: named in the appointments, never an
	// addressee (a comune writes to the parents, as a school does).
	Minor bool
}

// Columns of the members' table, in millimetres from the left edge. The code column
// ends before the QR code, which sits at the box's right.
const (
	memberNameX  = letterMargin + 4
	memberTimeX  = 100.0
	memberCodeX  = 118.0
	memberNameW  = memberTimeX - memberNameX - 2
	memberLineW  = a4W - letterMargin - letterQRSize - 6 - memberNameX // a row's second line, short of the QR
	memberWindow = 4                                                   // addressee lines a DL window shows above the street
)

// lang is the wording of one side of a household letter.
type lang struct {
	it bool
}

func (g lang) pick(it, en string) string {
	if g.it {
		return it
	}
	return en
}

func (g lang) day(t time.Time) string {
	if g.it {
		return letterDate(t, true)
	}
	return t.Format("Monday 2 January 2006")
}

func (g lang) shortDay(t time.Time) string {
	if g.it {
		return letterDate(t, false) + ", ore " + t.Format("15:04")
	}
	return t.Format("2 January 2006") + " at " + t.Format("15:04")
}

// household writes one letter for a household: each sheet an Italian front and an
// English back, the first with the instructions, the QR code and as many members as
// fit beside them, further sheets with the rest of the members.
func (l *letterWriter) household(lt *Letter, qrImg gopdf.ImageHolder) {
	ms := lt.Members
	same := sameVisit(ms)
	// as many members as fit on the first sheet beside the instructions, both sides
	// laid out dry; households are small, so the search rarely takes a second try
	first := fitMembers(len(ms), func(k int) {
		for _, g := range []lang{{true}, {false}} {
			l.householdFirst(lt, g, ms[:k], qrImg, "", k < len(ms))
		}
	}, l)
	sheets := [][]LetterMember{ms[:first]}
	for rest := ms[first:]; len(rest) > 0; {
		k := fitMembers(len(rest), func(k int) { l.householdMore(lt, lang{true}, rest[:k], "", same) }, l)
		sheets = append(sheets, rest[:k])
		rest = rest[k:]
	}
	for i, part := range sheets {
		var mark [2]string
		if len(sheets) > 1 {
			mark = [2]string{fmt.Sprintf("Foglio %d di %d", i+1, len(sheets)), fmt.Sprintf("Sheet %d of %d", i+1, len(sheets))}
		}
		for j, g := range []lang{{true}, {false}} {
			if i == 0 {
				l.householdFirst(lt, g, part, qrImg, mark[j], len(sheets) > 1)
			} else {
				l.householdMore(lt, g, part, mark[j], same)
			}
		}
		if l.err != nil {
			return
		}
	}
}

// fitMembers is the largest k ≤ n (at least 1) for which layout(k), run dry, stays
// on the page.
func fitMembers(n int, layout func(k int), l *letterWriter) int {
	if l.err != nil {
		return n
	}
	defer func() { l.dry, l.err = false, nil }()
	for k := n; k > 1; k-- {
		l.dry, l.err = true, nil
		if layout(k); l.err == nil {
			return k
		}
	}
	return 1
}

// addressees are the address block's name lines: the adults, in the order given
// (the oldest first), up to what a window shows; a letter of minors alone goes to
// their parents. The minors are in the appointments below, not on the envelope.
func addressees(ms []LetterMember, g lang) []string {
	names, parents := greeted(ms)
	var out []string
	if parents {
		out = append(out, g.pick("Ai genitori di", "To the parents of"))
	}
	window := memberWindow - len(out)
	for i, n := range names {
		if len(names) > window && i == window-1 {
			k := len(names) - i
			if parents {
				out = append(out, g.pick(fmt.Sprintf("e altri %d figli", k), fmt.Sprintf("and %d other children", k)))
			} else {
				out = append(out, g.pick(fmt.Sprintf("e altri %d familiari", k), fmt.Sprintf("and %d other household members", k)))
			}
			break
		}
		out = append(out, n)
	}
	return out
}

// greeted are the names a household letter is addressed to: its adults, or when it
// names only minors, those minors' names for a letter to their parents (parents).
func greeted(ms []LetterMember) (names []string, parents bool) {
	for _, m := range ms {
		if !m.Minor {
			names = append(names, m.Name)
		}
	}
	if len(names) > 0 {
		return names, false
	}
	for _, m := range ms {
		names = append(names, m.Name)
	}
	return names, true
}

// salutation is the greeting line: "Gentili Mario Rossi e Anna Bianchi," to the
// adults, "Gentili genitori di Giulia Rossi," when only minors are named.
func salutation(ms []LetterMember, g lang) string {
	names, parents := greeted(ms)
	list := joinNames(names, g.pick(" e ", " and "))
	if parents {
		return g.pick("Gentili genitori di ", "Dear parents of ") + list + ","
	}
	if len(names) == 1 {
		return g.pick("Gentile ", "Dear ") + list + ","
	}
	return g.pick("Gentili ", "Dear ") + list + ","
}

// householdFirst writes the first sheet's side in g: the greeting to everyone, the
// members in part, the QR code and the instructions. more says the list goes on.
func (l *letterWriter) householdFirst(lt *Letter, g lang, part []LetterMember, qrImg gopdf.ImageHolder, mark string, more bool) {
	ms := lt.Members
	same := sameVisit(ms)
	w := a4W - 2*letterMargin
	l.header(lt, addressees(ms, g), l.b.Office+g.pick(" — Carta d'identità elettronica", " — Electronic identity card"), mark)
	if g.it {
		l.line(letterMargin, Sans, 10, l.b.City+", "+letterDate(l.b.Printed, false))
		l.y += 3
	}
	l.line(letterMargin, SansBold, 11, g.pick("Oggetto: appuntamenti per la carta d'identità elettronica (CIE)",
		"Your household's appointments for the electronic identity card (CIE)"))
	l.y += 2
	l.para(Sans, 10.5, w, salutation(ms, g), false)
	together := g.pick(" Per evitarvi attese abbiamo riservato per ciascuno di voi un appuntamento nell'ufficio più vicino alla vostra residenza, lo stesso giorno e a orari vicini, così potete venire insieme.",
		" To spare you a wait we have reserved an appointment for each of you at the office nearest to your home, on the same day and at close times, so that you can come together.")
	if !same {
		together = g.pick(" Per evitarvi attese abbiamo riservato per ciascuno di voi un appuntamento nell'ufficio più vicino alla vostra residenza.",
			" To spare you a wait we have reserved an appointment for each of you at the office nearest to your home.")
	}
	if g.it {
		l.para(Sans, 10.5, w, l.invalidIT()+together, true)
	} else {
		l.para(Sans, 10.5, w, l.invalidEN()+together, true)
	}
	l.membersBox(ms[0], g, part, qrImg, same, more)
	deadline := lt.Deadline
	l.line(letterMargin, SansBold, 11, g.pick("Rispondete entro il "+letterDate(deadline, false)+":", "Please answer by "+deadline.Format("2 January 2006")+":"))
	l.para(Sans, 10, w, g.pick("• Inquadrate il codice QR o aprite il link qui sotto: potete confermare in una volta tutto il nucleo, oppure scegliere un altro giorno o ufficio o rinunciare.",
		"• Scan the QR code or open the link below: you can confirm for the whole household at once, or pick another day or office, or decline."), true)
	l.line(letterMargin+3, Sans, 9, lt.Link)
	l.y += 1.5
	if short := codePage(lt.Link); short != "" {
		l.para(Sans, 10, w, g.pick("• Ciascuno può anche rispondere per sé: aprite "+short+" e inserite il codice personale e l'anno di nascita di chi risponde.",
			"• Each of you can also answer on their own: open "+short+" and enter that person's personal code and year of birth."), true)
	}
	l.phoneLine(w, g.pick("• Oppure chiamate il "+l.b.Phone+" (servizio automatico a toni): digitate il codice personale di uno di voi e il suo anno di nascita, poi 1 per confermare per tutto il nucleo, 2 per un altro orario, 3 per parlare con un operatore.",
		"• Or call "+l.b.Phone+" (automatic keypad line): enter one of your personal codes and that person's year of birth, then 1 to confirm for the whole household, 2 for another time, 3 to speak to an operator."))
	l.para(Sans, 10, w, g.pick("• Senza risposta entro la data indicata gli appuntamenti vengono annullati e vi sarà proposto un nuovo orario.",
		"• Without an answer by that date the appointments are cancelled and you will be offered new ones."), true)
	l.line(letterMargin, SansBold, 11, g.pick("Cosa portare (ciascuno)", "What to bring (each of you)"))
	l.para(Sans, 10, w, g.pick(bring.IT, bring.EN), true)
	if g.it {
		l.para(Sans, 9, w, "English instructions are on the back of this sheet.", true)
	}
}

// householdMore writes a further sheet's side: the next members of the list.
func (l *letterWriter) householdMore(lt *Letter, g lang, part []LetterMember, mark string, same bool) {
	l.header(lt, addressees(lt.Members, g), l.b.Office+g.pick(" — Carta d'identità elettronica", " — Electronic identity card"), mark)
	l.line(letterMargin, SansBold, 11, g.pick("Appuntamenti del vostro nucleo familiare (segue)", "Your household's appointments (continued)"))
	l.y += 2
	l.membersBox(lt.Members[0], g, part, nil, same, false)
}

// membersBox draws the appointments: the day and office once when everyone shares
// them, then a row per member with the time and their own phone code, and the QR
// code at the right when there is one.
func (l *letterWriter) membersBox(m0 LetterMember, g lang, part []LetterMember, qrImg gopdf.ImageHolder, same, more bool) {
	top := l.y
	l.y = top + 4
	l.line(letterMargin+4, SansBold, 12, g.pick("I vostri appuntamenti", "Your appointments"))
	if same {
		l.line(letterMargin+4, SansBold, 14, g.day(m0.At))
		l.line(letterMargin+4, Sans, 11, m0.Office)
		l.line(letterMargin+4, Sans, 11, m0.OfficeAddress)
	}
	l.y += 2
	l.cell(memberNameX, Sans, 9, g.pick("Nome", "Name"))
	if same {
		l.cell(memberTimeX, Sans, 9, g.pick("Ora", "Time"))
	}
	l.line(memberCodeX, Sans, 9, g.pick("Codice personale", "Personal code"))
	for _, m := range part {
		y := l.y
		l.fitCell(memberNameX, memberNameW, Sans, 11, m.Name)
		if same {
			l.cell(memberTimeX, SansBold, 11, m.At.Format("15:04"))
		}
		l.cell(memberCodeX, SansBold, 12, letterGroupCode(m.Code))
		l.y = y + lineHeight(12)
		if !same {
			l.fitCell(memberNameX, memberLineW, Sans, 9, g.shortDay(m.At)+" — "+m.Office+", "+m.OfficeAddress)
			l.y += lineHeight(9)
		}
		l.y = y + memberRowHeight(same)
	}
	if more {
		l.line(memberNameX, Sans, 9, g.pick("L'elenco continua sul foglio seguente.", "The list goes on on the next sheet."))
	}
	h := l.y - top + 2
	if qrImg != nil {
		h = max(h, letterQRSize+12)
	}
	if !l.dry && l.err == nil {
		l.doc.SetLineWidth(0.5)
		l.doc.RectFromUpperLeft(letterMargin, top, a4W-2*letterMargin, h)
		if qrImg != nil {
			l.err = l.doc.ImageByHolder(qrImg, a4W-letterMargin-letterQRSize-4, top+4, &gopdf.Rect{W: letterQRSize, H: letterQRSize})
		}
	}
	l.y = top + h + 6
}

// memberRowHeight is one member's row: a line, and one more for the day and office
// when the household does not share them.
func memberRowHeight(same bool) float64 {
	if same {
		return lineHeight(12) + 0.5
	}
	return lineHeight(12) + lineHeight(9) + 0.5
}

// cell writes s at x on the current line without moving down.
func (l *letterWriter) cell(x float64, font string, size float64, s string) {
	y := l.y
	l.line(x, font, size, s)
	l.y = y
}

// fitCell writes s within width, a smaller size for a long name and, past 8 points,
// cut with an ellipsis: a name must not run into the code beside it.
func (l *letterWriter) fitCell(x, width float64, font string, size float64, s string) {
	for ; size > 8; size -= 0.5 {
		if l.textWidth(font, size, s) <= width {
			break
		}
	}
	for r := []rune(s); l.err == nil && len(r) > 1 && l.textWidth(font, size, s) > width; {
		r = r[:len(r)-1]
		s = strings.TrimSpace(string(r)) + "…"
	}
	l.cell(x, font, size, s)
}

func (l *letterWriter) textWidth(font string, size float64, s string) float64 {
	l.setFont(font, size)
	if l.err != nil {
		return 0
	}
	w, err := l.doc.MeasureTextWidth(s)
	if err != nil {
		l.err = err
	}
	return w
}

// sameVisit says every member has the same office and day, as the plan keeps a
// household together; a re-plan may not have.
func sameVisit(ms []LetterMember) bool {
	for _, m := range ms[1:] {
		y1, m1, d1 := m.At.Date()
		y0, m0, d0 := ms[0].At.Date()
		if m.Office != ms[0].Office || y1 != y0 || m1 != m0 || d1 != d0 {
			return false
		}
	}
	return true
}

// joinNames is "A, B e C".
func joinNames(names []string, and string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + and + names[len(names)-1]
}
