// Package smtptest is a real SMTP server on 127.0.0.1 (emersion/go-smtp) that keeps
// every delivered message in memory, so tests send through the production SMTP code
// path and then read the message, its headers and its attachments back.
package smtptest

import (
	"bytes"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Delivery is one message as the server received it.
type Delivery struct {
	From string
	To   []string
	Raw  []byte
}

// Sink is a running SMTP server. Addr is its host:port.
type Sink struct {
	Addr string

	srv  *smtp.Server
	mu   sync.Mutex
	got  []Delivery
	cond chan struct{}
	// FailNext makes the next n deliveries fail with a temporary error (451), to test
	// retries.
	failNext int
}

// Start runs a sink until the test ends.
func Start(tb testing.TB) *Sink {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: %v", err)
	}
	s := &Sink{Addr: l.Addr().String(), cond: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{sink: s}, nil }))
	s.srv.Domain = "localhost"
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	go func() { _ = s.srv.Serve(l) }()
	tb.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// FailNext makes the next n messages fail with a temporary SMTP error.
func (s *Sink) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Messages returns a copy of everything delivered so far.
func (s *Sink) Messages() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.got...)
}

// Wait blocks until at least n messages arrived or timeout passes, and returns them.
func (s *Sink) Wait(tb testing.TB, n int, timeout time.Duration) []Delivery {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, ch := len(s.got), s.cond
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-ch:
		case <-deadline:
			tb.Fatalf("smtptest: %d messages after %s, want %d", got, timeout, n)
			return nil
		}
	}
}

func (s *Sink) deliver(d Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.got = append(s.got, d)
	close(s.cond)
	s.cond = make(chan struct{})
	return nil
}

type session struct {
	sink *Sink
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func (x *session) Mail(from string, _ *smtp.MailOptions) error { x.from = from; return nil }

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error { x.to = append(x.to, to); return nil }

func (x *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	return x.sink.deliver(Delivery{From: x.from, To: append([]string(nil), x.to...), Raw: buf.Bytes()})
}
