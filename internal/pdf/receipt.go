package pdf

import (
	"errors"
	"fmt"
	"image"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/qr"
	"github.com/signintech/gopdf"
)

// Format is the paper a receipt is laid out for.
type Format string

// Booth printers use an 80 mm thermal roll; office printers and home printers take A6.
const (
	Roll80 Format = "80mm"
	A6     Format = "a6"
)

// ParseFormat reads a format name, defaulting to the thermal roll.
func ParseFormat(s string) Format {
	if s == string(A6) {
		return A6
	}
	return Roll80
}

// Receipt is what the citizen takes to the counter: the photo, and the code that
// retrieves it as text, Code 128 and QR.
type Receipt struct {
	Comune  string
	Code    string // grouped for reading, e.g. K7M2-9QXD-4TB5
	Payload string // what the barcodes carry: the code without dashes
	Photo   []byte // the final CIE crop (JPEG); nil prints a frame instead
	Office  string // where the photo was taken, or "online"
	Issued  time.Time
	Expires time.Time
	Privacy string // URL of the privacy notice
}

// layout is the geometry of one format, in millimetres.
type layout struct {
	w, h, margin       float64
	photoW, photoH     float64
	barH, qr, codeSize float64
}

var layouts = map[Format]layout{
	Roll80: {w: 80, h: 150, margin: 4, photoW: 35, photoH: 45, barH: 14, qr: 26, codeSize: 17},
	A6:     {w: 105, h: 148, margin: 6, photoW: 28, photoH: 36, barH: 11, qr: 22, codeSize: 15},
}

// moduleMM is the width of one Code 128 bar module: 0.375 mm is three dots of a 203 dpi
// thermal head, wide enough for any counter scanner.
const moduleMM = 0.375

// PDF renders the receipt.
func (r Receipt) PDF(f Format) ([]byte, error) {
	if r.Payload == "" || r.Code == "" {
		return nil, errors.New("pdf: receipt without a code")
	}
	l, ok := layouts[f]
	if !ok {
		return nil, fmt.Errorf("pdf: unknown format %q", f)
	}
	doc, err := NewDocument(l.w, l.h)
	if err != nil {
		return nil, err
	}
	doc.SetInfo(gopdf.PdfInfo{Title: "Ricevuta foto CIE", Creator: "Sportello", CreationDate: r.Issued})
	doc.AddPage()
	p := &pen{doc: doc, l: l, y: l.margin}
	p.text(SansBold, 10, r.Comune, true)
	p.text(Sans, 8.5, "Carta d'identità elettronica · Ricevuta della foto", true)
	p.text(Sans, 8.5, "Electronic identity card · Photo receipt", true)
	p.gap(2)

	if f == A6 { // photo on the left, codes on the right
		top := p.y
		if err := p.photo(r.Photo, l.margin, top); err != nil {
			return nil, err
		}
		x := l.margin + l.photoW + 5
		if err := p.qrAt(r.Payload, x, top); err != nil {
			return nil, err
		}
		p.y = top + max(l.photoH, l.qr) + 3
	} else {
		if err := p.photo(r.Photo, (l.w-l.photoW)/2, p.y); err != nil {
			return nil, err
		}
		p.y += l.photoH + 3
	}
	p.text(Sans, 8, "Codice per lo sportello / Code for the counter", true)
	p.text(SansBold, l.codeSize, r.Code, true)
	p.gap(1)
	if err := p.code128(r.Payload); err != nil {
		return nil, err
	}
	if f == Roll80 {
		p.gap(2)
		if err := p.qrAt(r.Payload, (l.w-l.qr)/2, p.y); err != nil {
			return nil, err
		}
		p.y += l.qr + 2
	} else {
		p.gap(2)
	}
	p.gap(1)
	p.text(Sans, 8, "Ufficio / Office: "+r.Office, false)
	p.text(Sans, 8, "Data / Date: "+r.Issued.Format("02/01/2006 15:04"), false)
	p.text(SansBold, 8, "Valido fino al / Valid until: "+r.Expires.Format("02/01/2006"), false)
	p.gap(1.5)
	// The privacy notice in two lines, as PRODUCT.md §3 asks: one per language.
	p.text(Sans, 6.5, "Privacy: foto cifrata, cancellata a scadenza o all'invio.", false)
	p.text(Sans, 6.5, "Privacy: photo encrypted, deleted at expiry or when sent.", false)
	p.text(Sans, 6.5, "Informativa / Notice: "+r.Privacy, false)
	if p.err != nil {
		return nil, p.err
	}
	return doc.GetBytesPdfReturnErr()
}

// pen writes top to bottom, keeping the current height.
type pen struct {
	doc *gopdf.GoPdf
	l   layout
	y   float64
	err error
}

func (p *pen) gap(mm float64) { p.y += mm }

// text writes one line, shrinking it to fit the width rather than wrapping a code or an
// address onto a second line.
func (p *pen) text(font string, size float64, s string, centre bool) {
	if p.err != nil {
		return
	}
	width := p.l.w - 2*p.l.margin
	for {
		if p.err = p.doc.SetFont(font, "", size); p.err != nil {
			return
		}
		tw, err := p.doc.MeasureTextWidth(s)
		if err != nil {
			p.err = err
			return
		}
		if tw <= width || size <= 5 {
			x := p.l.margin
			if centre {
				x = (p.l.w - tw) / 2
			}
			lineH := size * 0.3528 * 1.25 // points to millimetres, with leading
			p.doc.SetXY(x, p.y)
			p.err = p.doc.Cell(&gopdf.Rect{W: tw, H: lineH}, s)
			p.y += lineH
			return
		}
		size -= 0.5
	}
}

func (p *pen) photo(jpeg []byte, x, y float64) error {
	if p.err != nil {
		return p.err
	}
	rect := &gopdf.Rect{W: p.l.photoW, H: p.l.photoH}
	if len(jpeg) == 0 {
		p.doc.SetLineWidth(0.2)
		p.doc.RectFromUpperLeft(x, y, rect.W, rect.H)
		return nil
	}
	h, err := gopdf.ImageHolderByBytes(jpeg)
	if err != nil {
		return err
	}
	return p.doc.ImageByHolder(h, x, y, rect)
}

// code128 draws the barcode centred, with whole pixels per module so no bar is
// resampled to a different width.
func (p *pen) code128(payload string) error {
	if p.err != nil {
		return p.err
	}
	bc, err := code128.Encode(payload)
	if err != nil {
		return err
	}
	modules := bc.Bounds().Dx()
	w := float64(modules) * moduleMM
	if maxW := p.l.w - 2*p.l.margin; w > maxW {
		w = maxW
	}
	scaled, err := barcode.Scale(bc, modules*4, 120)
	if err != nil {
		return err
	}
	if err := p.doc.ImageFrom(gray(scaled), (p.l.w-w)/2, p.y, &gopdf.Rect{W: w, H: p.l.barH}); err != nil {
		return err
	}
	p.y += p.l.barH
	return nil
}

func (p *pen) qrAt(payload string, x, y float64) error {
	if p.err != nil {
		return p.err
	}
	code, err := qr.Encode(payload, qr.M, qr.AlphaNumeric)
	if err != nil {
		return err
	}
	n := code.Bounds().Dx()
	scaled, err := barcode.Scale(code, n*8, n*8)
	if err != nil {
		return err
	}
	return p.doc.ImageFrom(gray(scaled), x, y, &gopdf.Rect{W: p.l.qr, H: p.l.qr})
}

// gray copies a barcode into a plain 8-bit image, the simplest thing to embed.
func gray(src image.Image) *image.Gray {
	b := src.Bounds()
	out := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(x, y, src.At(x, y))
		}
	}
	return out
}
