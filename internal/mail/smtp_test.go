package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/mail/smtptest"
)

func TestSMTPDeliversTextAndAttachment(t *testing.T) {
	sink := smtptest.Start(t)
	m := &mail.SMTP{Addr: sink.Addr, From: "Sportello CIE <noreply@comune.example>", Timeout: 5 * time.Second}
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
	err := m.Send(context.Background(), &mail.Message{
		To: []string{"mario.rossi@example.it"}, Subject: "Prenotazione confermata – CIE",
		Text: "Gentile Mario,\nla prenotazione è confermata.", Headers: map[string]string{"X-Sportello": "booking"},
		Attachments: []mail.Attachment{{Name: "appuntamento.ics", ContentType: "text/calendar", Data: []byte(ics)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := sink.Wait(t, 1, 5*time.Second)
	if got[0].To[0] != "mario.rossi@example.it" || !strings.Contains(got[0].From, "noreply@comune.example") {
		t.Fatalf("envelope %+v", got[0])
	}
	p, err := smtptest.Parse(got[0].Raw)
	if err != nil {
		t.Fatal(err)
	}
	if p.Subject != "Prenotazione confermata – CIE" {
		t.Errorf("subject %q", p.Subject)
	}
	if !strings.Contains(p.Text, "la prenotazione è confermata") {
		t.Errorf("text %q", p.Text)
	}
	if p.Header.Get("X-Sportello") != "booking" {
		t.Errorf("extra header lost")
	}
	if len(p.Attachments) != 1 || p.Attachments[0].Name != "appuntamento.ics" || p.Attachments[0].ContentType != "text/calendar" || string(p.Attachments[0].Data) != ics {
		t.Errorf("attachments %+v", p.Attachments)
	}
}

func TestValidateRefusesHeaderInjection(t *testing.T) {
	for _, m := range []mail.Message{
		{Text: "x"},
		{To: []string{"a@b.it\r\nBcc: evil@x.it"}, Text: "x"},
		{To: []string{"a@b.it"}, Subject: "hi\r\nBcc: evil@x.it", Text: "x"},
		{To: []string{"a@b.it"}},
	} {
		if err := m.Validate(); err == nil {
			t.Errorf("accepted %+v", m)
		}
	}
}

func TestSMTPTemporaryFailureIsAnError(t *testing.T) {
	sink := smtptest.Start(t)
	sink.FailNext(1)
	m := &mail.SMTP{Addr: sink.Addr, From: "noreply@comune.example", Timeout: 5 * time.Second}
	msg := &mail.Message{To: []string{"a@example.it"}, Subject: "s", Text: "t"}
	if err := m.Send(context.Background(), msg); err == nil {
		t.Fatal("451 not reported")
	}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if n := len(sink.Messages()); n != 1 {
		t.Fatalf("%d messages", n)
	}
}

func TestMaskAddress(t *testing.T) {
	if got := mail.MaskAddress("mario.rossi@example.it"); got != "m***@example.it" {
		t.Errorf("got %q", got)
	}
	if got := mail.MaskAddress("nope"); got != "***" {
		t.Errorf("got %q", got)
	}
}
