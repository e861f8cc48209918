package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/encoder"
	"github.com/signintech/gopdf"

	"github.com/sportello/sportello/internal/campaign/bring"
)

// Letter is one campaign proposal on paper: for citizens without e-mail, one A4 sheet,
// Italian on the front and English on the back, so a mail house can print duplex.
type Letter struct {
	Name          string
	Address       string
	Postcode      string
	City          string
	Office        string
	OfficeAddress string
	At            time.Time // appointment, in the comune's time zone
	Deadline      time.Time // answer by
	Link          string    // personal link, also in the QR code
	Code          string    // letter code for the phone line, 8 digits
	// Members makes it a household's letter: one envelope for everyone of the
	// household at the address, each with their own appointment and phone code. The
	// fields above are then the first member's, whose link is in the QR code (the
	// link page confirms for the whole household). Nil or one member: a personal letter.
	Members []LetterMember
}

// LetterBatch is one print run, already sorted (by postcode) by the caller.
type LetterBatch struct {
	Comune  string
	City    string // printed before the date
	Office  string // the issuing service, e.g. "Servizi Demografici"
	Phone   string // the phone line's number; empty when no line runs, and the letters leave the phone out
	Printed time.Time
	// PaperInvalid is the day paper cards stop being valid (the campaign's setting);
	// zero leaves the date out rather than print a wrong one.
	PaperInvalid time.Time
	Letters      []Letter
}

const (
	a4W, a4H     = 210.0, 297.0
	letterMargin = 20.0
	letterQRSize = 34.0
	// letterBottom is the lowest a line may start: below it a mail house's printer
	// and inserter marks take the paper.
	letterBottom = a4H - 14
)

// WritePDF renders the batch as one PDF, two pages per letter.
func (b LetterBatch) WritePDF(w io.Writer) error {
	doc, err := NewDocument(a4W, a4H)
	if err != nil {
		return err
	}
	doc.SetInfo(gopdf.PdfInfo{Title: "Lettere campagna CIE", Creator: "Sportello", CreationDate: b.Printed})
	// Page streams stay uncompressed: gopdf opens a fresh deflate writer per page (a
	// megabyte of match tables each), which was two thirds of the render time for a
	// 50,000-page batch; 15 KB a letter is nothing to a mail house's pipeline.
	doc.SetNoCompression()
	lw := &letterWriter{doc: doc, b: &b, wrapped: map[string][]string{}}
	qrs := letterQRCodes(b.Letters)
	for i := range b.Letters {
		q := <-qrs[i]
		if q.err != nil {
			return fmt.Errorf("letter %d: QR: %w", i+1, q.err)
		}
		if lt := &b.Letters[i]; len(lt.Members) > 1 {
			lw.household(lt, q.img)
		} else {
			lw.front(lt, q.img)
			lw.back(lt, q.img)
		}
		if lw.err != nil {
			return fmt.Errorf("letter %d: %w", i+1, lw.err)
		}
	}
	_, err = doc.WriteTo(w)
	return err
}

type letterQR struct {
	img gopdf.ImageHolder // one PNG per letter, shared by its two pages
	err error
}

// letterQRCodes encodes the QR codes on the other cores while the pages are written.
func letterQRCodes(ls []Letter) []chan letterQR {
	out := make([]chan letterQR, len(ls))
	for i := range out {
		out[i] = make(chan letterQR, 1)
	}
	workers := max(1, runtime.GOMAXPROCS(0)-1)
	next := make(chan int, workers*4)
	go func() {
		for i := range ls {
			next <- i
		}
		close(next)
	}()
	for w := 0; w < workers; w++ {
		go func() {
			for i := range next {
				out[i] <- letterQRPNG(ls[i].Link)
			}
		}()
	}
	return out
}

// letterPNGPool reuses the PNG encoders' deflate state, which is a megabyte each.
var letterPNGPool = &pngPool{}

type pngPool struct{ p sync.Pool }

func (p *pngPool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }

func letterQRPNG(link string) letterQR {
	img, err := letterQRImage(link)
	if err != nil {
		return letterQR{err: err}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: letterPNGPool}).Encode(&buf, img); err != nil {
		return letterQR{err: err}
	}
	h, err := gopdf.ImageHolderByBytes(buf.Bytes())
	return letterQR{img: h, err: err}
}

type letterWriter struct {
	doc *gopdf.GoPdf
	b   *LetterBatch
	y   float64
	err error
	// dry measures a page without drawing it: a household letter is laid out once
	// dry to know how many members fit beside the instructions.
	dry     bool
	font    string
	size    float64
	wrapped map[string][]string // fixed paragraphs are wrapped once per batch
}

func (l *letterWriter) setFont(font string, size float64) {
	if l.err != nil || (l.font == font && l.size == size) {
		return
	}
	l.err = l.doc.SetFont(font, "", size)
	l.font, l.size = font, size
}

func (l *letterWriter) line(x float64, font string, size float64, s string) {
	l.setFont(font, size)
	if l.err != nil {
		return
	}
	if l.y > letterBottom {
		l.err = fmt.Errorf("the text runs off the page at %q", s)
		return
	}
	if !l.dry {
		l.doc.SetXY(x, l.y)
		l.err = l.doc.Cell(nil, s)
	}
	l.y += lineHeight(size)
}

// lineHeight is the advance of one line of text at size points, in millimetres.
func lineHeight(size float64) float64 { return size * 0.3528 * 1.35 }

// para wraps text to width, caching the result for text every letter shares.
func (l *letterWriter) para(font string, size, width float64, s string, cache bool) {
	l.setFont(font, size)
	if l.err != nil {
		return
	}
	key := fmt.Sprint(font, size, width, s)
	lines, ok := l.wrapped[key]
	if !ok {
		lines = l.wrap(s, width)
		if cache {
			l.wrapped[key] = lines
		}
	}
	for _, ln := range lines {
		l.line(letterMargin, font, size, ln)
	}
	l.y += 1.5
}

func (l *letterWriter) wrap(s string, width float64) []string {
	var out []string
	cur := ""
	for _, word := range strings.Fields(s) {
		try := word
		if cur != "" {
			try = cur + " " + word
		}
		tw, err := l.doc.MeasureTextWidth(try)
		if err != nil {
			l.err = err
			return nil
		}
		if tw > width && cur != "" {
			out = append(out, cur)
			cur = word
			continue
		}
		cur = try
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}

// phoneLine is the bullet that sends the reader to the phone line, or nothing when
// the batch has no number: "call the comune's phone line" without one is a dead end
// for exactly the citizens letters are for (the code still opens /campagna).
func (l *letterWriter) phoneLine(w float64, s string) {
	if l.b.Phone != "" {
		l.para(Sans, 10, w, s, true)
	}
}

// codeLabel names the personal code by what it is for: the phone line when there is
// one, else just the code the short /campagna address asks for.
func (l *letterWriter) codeLabel(phone, plain string) string {
	if l.b.Phone == "" {
		return plain
	}
	return phone
}

// header starts a page with the comune's heading and the address block; names are
// the addressees' lines, sheet ("Foglio 1 di 2") marks a letter of several sheets.
func (l *letterWriter) header(lt *Letter, names []string, office, sheet string) {
	if !l.dry {
		l.doc.AddPage()
	}
	l.y = 18
	if sheet != "" {
		l.setFont(Sans, 9)
		if w, err := l.doc.MeasureTextWidth(sheet); err == nil && !l.dry {
			l.doc.SetXY(a4W-letterMargin-w, l.y)
			l.err = l.doc.Cell(nil, sheet)
		}
	}
	l.line(letterMargin, SansBold, 16, l.b.Comune)
	l.line(letterMargin, Sans, 10, office)
	if !l.dry {
		l.doc.SetLineWidth(0.4)
		l.doc.Line(letterMargin, l.y+1, a4W-letterMargin, l.y+1)
	}
	// the address sits where a DL window envelope shows it (right window, 45 mm down)
	l.y = 48
	for _, s := range append(names, lt.Address, lt.Postcode+" "+lt.City) {
		l.line(110, Sans, 11, s)
	}
	l.y = 82
}

// box draws the appointment and the QR beside it.
func (l *letterWriter) box(lt *Letter, qrImg gopdf.ImageHolder, title, when, where, codeLabel string) {
	top := l.y
	h := letterQRSize + 12
	l.doc.SetLineWidth(0.5)
	l.doc.RectFromUpperLeft(letterMargin, top, a4W-2*letterMargin, h)
	l.y = top + 4
	l.line(letterMargin+4, SansBold, 12, title)
	l.line(letterMargin+4, SansBold, 14, when)
	l.line(letterMargin+4, Sans, 11, lt.Office)
	l.line(letterMargin+4, Sans, 11, where)
	l.y += 2
	l.line(letterMargin+4, Sans, 10, codeLabel)
	l.line(letterMargin+4, SansBold, 18, letterGroupCode(lt.Code))
	if l.err == nil {
		l.err = l.doc.ImageByHolder(qrImg, a4W-letterMargin-letterQRSize-4, top+4, &gopdf.Rect{W: letterQRSize, H: letterQRSize})
	}
	l.y = top + h + 6
}

func (l *letterWriter) front(lt *Letter, qrImg gopdf.ImageHolder) {
	l.header(lt, []string{lt.Name}, l.b.Office+" — Carta d'identità elettronica", "")
	l.line(letterMargin, Sans, 10, l.b.City+", "+letterDate(l.b.Printed, false))
	l.y += 3
	l.line(letterMargin, SansBold, 11, "Oggetto: appuntamento per la sua carta d'identità elettronica (CIE)")
	l.y += 2
	l.para(Sans, 10.5, a4W-2*letterMargin, "Gentile "+lt.Name+",", false)
	l.para(Sans, 10.5, a4W-2*letterMargin, l.invalidIT()+" Per evitarle attese abbiamo riservato per lei un appuntamento nell'ufficio più vicino alla sua residenza, insieme ai suoi familiari conviventi.", true)
	l.box(lt, qrImg, "Il suo appuntamento", letterDate(lt.At, true)+", ore "+lt.At.Format("15:04"), lt.OfficeAddress, l.codeLabel("Codice personale per il telefono", "Codice personale"))
	l.line(letterMargin, SansBold, 11, "Risponda entro il "+letterDate(lt.Deadline, false)+":")
	w := a4W - 2*letterMargin
	l.para(Sans, 10, w, "• Inquadri il codice QR con lo smartphone, oppure apra il link qui sotto: può confermare, scegliere un altro giorno o ufficio, rinunciare, e confermare per tutta la famiglia.", true)
	l.line(letterMargin+3, Sans, 9, lt.Link)
	l.y += 1.5
	if short := codePage(lt.Link); short != "" {
		l.para(Sans, 10, w, "• Se il link è troppo lungo da digitare, apra "+short+" e inserisca il codice personale e l'anno di nascita.", true)
	}
	l.phoneLine(w, "• Oppure chiami il "+l.b.Phone+" (servizio automatico a toni): digiti il codice personale e l'anno di nascita, poi 1 per confermare, 2 per un altro orario, 3 per parlare con un operatore.")
	l.para(Sans, 10, w, "• Senza risposta entro la data indicata l'appuntamento viene annullato e le sarà proposto un nuovo orario.", true)
	l.y += 2
	l.line(letterMargin, SansBold, 11, "Cosa portare")
	l.para(Sans, 10, w, bring.IT, true)
	l.para(Sans, 9, w, "English instructions are on the back of this sheet.", true)
}

func (l *letterWriter) back(lt *Letter, qrImg gopdf.ImageHolder) {
	l.header(lt, []string{lt.Name}, l.b.Office+" — Electronic identity card", "")
	l.line(letterMargin, SansBold, 11, "Your appointment for the electronic identity card (CIE)")
	l.y += 2
	w := a4W - 2*letterMargin
	l.para(Sans, 10.5, w, "Dear "+lt.Name+",", false)
	l.para(Sans, 10.5, w, l.invalidEN()+" To spare you a wait we have reserved an appointment at the office nearest to your home, together with the members of your household.", true)
	l.box(lt, qrImg, "Your appointment", lt.At.Format("Monday 2 January 2006")+" at "+lt.At.Format("15:04"), lt.OfficeAddress, l.codeLabel("Personal code for the phone line", "Personal code"))
	l.line(letterMargin, SansBold, 11, "Please answer by "+lt.Deadline.Format("2 January 2006")+":")
	l.para(Sans, 10, w, "• Scan the QR code with your phone or open the link below: you can confirm, pick another day or office, decline, and confirm for your whole household.", true)
	l.line(letterMargin+3, Sans, 9, lt.Link)
	l.y += 1.5
	if short := codePage(lt.Link); short != "" {
		l.para(Sans, 10, w, "• If the link is too long to type, open "+short+" and enter your personal code and year of birth.", true)
	}
	l.phoneLine(w, "• Or call "+l.b.Phone+" (automatic keypad line): enter your personal code and year of birth, then 1 to confirm, 2 for another time, 3 to speak to an operator.")
	l.para(Sans, 10, w, "• Without an answer by that date the appointment is cancelled and you will be offered a new one.", true)
	l.y += 2
	l.line(letterMargin, SansBold, 11, "What to bring")
	l.para(Sans, 10, w, bring.EN, true)
}

// invalidIT and invalidEN open the letter with the day paper cards stop being valid.
func (l *letterWriter) invalidIT() string {
	if l.b.PaperInvalid.IsZero() {
		return "la carta d'identità cartacea sta per perdere validità."
	}
	return "dal " + letterDate(l.b.PaperInvalid, false) + " la carta d'identità cartacea non è più valida."
}

func (l *letterWriter) invalidEN() string {
	if l.b.PaperInvalid.IsZero() {
		return "paper identity cards will soon stop being valid."
	}
	return "paper identity cards stop being valid on " + l.b.PaperInvalid.Format("2 January 2006") + "."
}

// letterQRImage draws the link at one pixel per module with a four-module quiet zone;
// the PDF scales it, which keeps 25,000 letters small. The mask is fixed: choosing
// the best of eight is most of a QR encoder's time, and every reader decodes any
// mask (the test reads the printed code back with zbarimg).
func letterQRImage(payload string) (*image.Gray, error) {
	hints := map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_QR_MASK_PATTERN: 2}
	code, err := encoder.Encoder_encode(payload, decoder.ErrorCorrectionLevel_M, hints)
	if err != nil {
		return nil, err
	}
	m := code.GetMatrix()
	n := m.GetWidth()
	img := image.NewGray(image.Rect(0, 0, n+8, n+8))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if m.Get(x, y) == 1 {
				img.Pix[(y+4)*img.Stride+x+4] = 0
			}
		}
	}
	return img, nil
}

// codePage is the short address, on the personal link's host, where the code and
// year of birth open the same proposal: a 40-character token is hard to type for the
// elderly citizens letters are for. Empty when the link is not an absolute URL.
func codePage(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Host + "/campagna"
}

func letterGroupCode(c string) string {
	if len(c) == 8 {
		return c[:4] + " " + c[4:]
	}
	return c
}

func letterDate(t time.Time, weekday bool) string {
	days := [...]string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
	months := [...]string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
	s := fmt.Sprintf("%d %s %d", t.Day(), months[t.Month()-1], t.Year())
	if weekday {
		s = days[t.Weekday()] + " " + s
	}
	return s
}
