package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Parsed is a delivered message taken apart for assertions.
type Parsed struct {
	Header      mail.Header
	Subject     string // decoded
	Text        string
	HTML        string
	Attachments []Part
}

// Part is one attachment.
type Part struct {
	Name        string
	ContentType string
	Data        []byte
}

// maxDepth bounds nested multiparts, so a hostile message cannot recurse forever.
const maxDepth = 8

// Parse decodes a raw RFC 5322 message with MIME parts (multipart/mixed and
// /alternative, base64 and quoted-printable).
func Parse(raw []byte) (*Parsed, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	p := &Parsed{Header: m.Header}
	dec := new(mime.WordDecoder)
	if p.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		p.Subject = m.Header.Get("Subject")
	}
	err = p.walk(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Header.Get("Content-Disposition"), m.Body, 0)
	return p, err
}

func (p *Parsed) walk(ctype, enc, disp string, body io.Reader, depth int) error {
	if depth > maxDepth {
		return errors.New("smtptest: multipart nested too deep")
	}
	if ctype == "" {
		ctype = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := p.walk(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part.Header.Get("Content-Disposition"), part, depth+1); err != nil {
				return err
			}
		}
	}
	data, err := decode(enc, body)
	if err != nil {
		return err
	}
	dispType, dparams, _ := mime.ParseMediaType(disp)
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	switch {
	case dispType == "attachment" || (name != "" && mt != "text/plain" && mt != "text/html"):
		p.Attachments = append(p.Attachments, Part{Name: name, ContentType: mt, Data: data})
	case mt == "text/html":
		p.HTML += string(data)
	default:
		p.Text += string(data)
	}
	return nil
}

func decode(enc string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, &stripCRLF{r: r}))
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(r))
	default:
		return io.ReadAll(r)
	}
}

// stripCRLF drops line breaks so base64 lines decode as one stream.
type stripCRLF struct{ r io.Reader }

func (s *stripCRLF) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		j := 0
		for i := 0; i < n; i++ {
			if p[i] != '\r' && p[i] != '\n' {
				p[j] = p[i]
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}
