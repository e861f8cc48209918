package phonebot_test

import (
	"context"
	"encoding/binary"
	"math"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/phonebot"
	"github.com/sportello/sportello/internal/campaign/phonebot/sipptest"
)

// toneSpeaker stands in for espeak-ng: every prompt is a short 8 kHz tone, so a call
// does not wait out real sentences, and it remembers which prompts were said.
type toneSpeaker struct {
	dir  string
	long string // the prompt id that lasts 5 s instead of 0.3 s
	mu   sync.Mutex
	said []string
}

func (s *toneSpeaker) Speak(_ context.Context, p phonebot.Prompt) (string, error) {
	s.mu.Lock()
	s.said = append(s.said, p.ID)
	s.mu.Unlock()
	base := filepath.Join(s.dir, p.ID)
	d := 300 * time.Millisecond
	if p.ID == s.long {
		d = 5 * time.Second
	}
	return base, os.WriteFile(base+".wav", toneWAV(d), 0o644)
}

func (s *toneSpeaker) prompts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.said)
}

func toneWAV(d time.Duration) []byte {
	n := int(d.Seconds() * 8000)
	b := make([]byte, 44+2*n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+2*n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], 1)
	binary.LittleEndian.PutUint16(b[22:], 1)
	binary.LittleEndian.PutUint32(b[24:], 8000)
	binary.LittleEndian.PutUint32(b[28:], 16000)
	binary.LittleEndian.PutUint16(b[32:], 2)
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(2*n))
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(int16(8000*math.Sin(2*math.Pi*440*float64(i)/8000))))
	}
	return b
}

// backend is the campaign seen by the line: one letter, code 12345678, born 1948.
type backend struct {
	mu        sync.Mutex
	finds     int
	confirmed []string
}

var rome, _ = time.LoadLocation("Europe/Rome")

func (b *backend) Find(_ context.Context, code string, year int) (*phonebot.Proposal, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.finds++
	if code != "12345678" || year != 1948 {
		return nil, phonebot.ErrNoMatch
	}
	return &phonebot.Proposal{ID: "p1", Household: 1, Slot: phonebot.Slot{ID: "s0", Office: "Via Larga 12", Start: time.Date(2026, 2, 2, 9, 20, 0, 0, rome)}}, nil
}

func (b *backend) Alternatives(context.Context, string, int) ([]phonebot.Slot, error) {
	return []phonebot.Slot{{ID: "s1", Office: "Via Larga 12", Start: time.Date(2026, 2, 3, 10, 0, 0, 0, rome)}}, nil
}

func (b *backend) Confirm(_ context.Context, _ string, s phonebot.Slot) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.confirmed = append(b.confirmed, s.ID)
	return nil
}

type line struct {
	addr    string
	speaker *toneSpeaker
	backend *backend
	records chan phonebot.CallRecord
}

func startLine(t *testing.T, configure func(*phonebot.SIPServer)) *line {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := &line{addr: conn.LocalAddr().String(), speaker: &toneSpeaker{dir: t.TempDir()}, backend: &backend{}, records: make(chan phonebot.CallRecord, 8)}
	srv := &phonebot.SIPServer{Backend: l.backend, Speaker: l.speaker, Location: rome, Operator: "sip:operatori@127.0.0.1:5999",
		DigitTimeout: 3 * time.Second, Record: func(_ context.Context, r phonebot.CallRecord) { l.records <- r }}
	if configure != nil {
		configure(srv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, conn) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return l
}

func (l *line) record(t *testing.T) phonebot.CallRecord {
	t.Helper()
	select {
	case r := <-l.records:
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("the line never reported the end of the call")
	}
	return phonebot.CallRecord{}
}

func call(t *testing.T, l *line, c sipptest.Call) {
	t.Helper()
	log, err := sipptest.Run(t, l.addr, c)
	if err != nil {
		t.Fatalf("sipp: %v\nprompts: %v\n%s", err, l.speaker.prompts(), log)
	}
}

// TestSIPCallConfirmsAlternative: a real call from sipp keys in code, '#', year, asks
// for the next slot and confirms it; the line says goodbye and hangs up.
func TestSIPCallConfirmsAlternative(t *testing.T) {
	l := startLine(t, nil)
	call(t, l, sipptest.Call{Keys: "12345678#" + "1948" + "2" + "1", End: sipptest.LineHangsUp})
	r := l.record(t)
	if r.State != phonebot.Confirmed || r.Proposal != "p1" || r.Slot.ID != "s1" || r.Keys != 15 {
		t.Errorf("record %+v", r)
	}
	if !slices.Equal(l.backend.confirmed, []string{"s1"}) {
		t.Errorf("confirmed %v", l.backend.confirmed)
	}
	want := []string{"welcome", "ask_year", "proposal", "alternative", "confirmed"}
	if got := l.speaker.prompts(); !slices.Equal(got, want) {
		t.Errorf("prompts %v, want %v", got, want)
	}
}

// TestSIPCallWrongCodeGoesToOperator: three wrong codes end at the operator, reached
// by a REFER the caller (sipp) must receive before the line's BYE.
func TestSIPCallWrongCodeGoesToOperator(t *testing.T) {
	l := startLine(t, nil)
	wrong := "87654321#1948"
	call(t, l, sipptest.Call{Keys: wrong + wrong + wrong, End: sipptest.Operator})
	r := l.record(t)
	if r.State != phonebot.ToOperator || r.Proposal != "" || len(l.backend.confirmed) != 0 {
		t.Errorf("record %+v, confirmed %v", r, l.backend.confirmed)
	}
	if got := l.speaker.prompts(); got[len(got)-1] != "too_many_attempts" {
		t.Errorf("prompts %v", got)
	}
}

// TestSIPCallerHangsUpAfterConfirming: the caller presses 1 and hangs up while the
// confirmation is still being read; the BYE is answered and the confirmation stands.
func TestSIPCallerHangsUpAfterConfirming(t *testing.T) {
	l := startLine(t, nil)
	l.speaker.long = "confirmed"
	call(t, l, sipptest.Call{Keys: "12345678#19481", End: sipptest.CallerHangsUp, Gap: 400 * time.Millisecond})
	r := l.record(t)
	if r.State != phonebot.Confirmed || r.Slot.ID != "s0" || !slices.Equal(l.backend.confirmed, []string{"s0"}) {
		t.Errorf("record %+v, confirmed %v", r, l.backend.confirmed)
	}
}

// TestSIPCallerHangsUp: a BYE from the caller mid-dialogue ends the call and
// confirms nothing.
func TestSIPCallerHangsUp(t *testing.T) {
	l := startLine(t, nil)
	call(t, l, sipptest.Call{Keys: "12345678#", End: sipptest.CallerHangsUp})
	r := l.record(t)
	if r.State != "" || len(l.backend.confirmed) != 0 {
		t.Errorf("record %+v, confirmed %v", r, l.backend.confirmed)
	}
}

// slowSpeaker holds the greeting until released, so the call is still ringing when
// the caller cancels.
type slowSpeaker struct {
	*toneSpeaker
	release chan struct{}
	entered chan struct{} // gets a value each time a prompt waits
}

func (s slowSpeaker) Speak(ctx context.Context, p phonebot.Prompt) (string, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	select {
	case <-s.release:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return s.toneSpeaker.Speak(ctx, p)
}

// TestSIPCallCancelled: a caller who gives up while it rings gets 487 and the line
// never answers.
func TestSIPCallCancelled(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	l := startLine(t, func(s *phonebot.SIPServer) { s.Speaker = slowSpeaker{&toneSpeaker{dir: t.TempDir()}, release, nil} })
	call(t, l, sipptest.Call{End: sipptest.Cancel})
	select {
	case r := <-l.records:
		t.Errorf("an unanswered call was recorded: %+v", r)
	case <-time.After(500 * time.Millisecond):
	}
}

// TestSIPRefusesStrangers: only the configured peers may call; loopback is not one here.
func TestSIPRefusesStrangers(t *testing.T) {
	l := startLine(t, func(s *phonebot.SIPServer) { s.Peers = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")} })
	log, err := sipptest.Run(t, l.addr, sipptest.Call{Keys: "1", End: sipptest.LineHangsUp, Wait: 2 * time.Second})
	if err == nil {
		t.Fatalf("a caller outside the peers got through:\n%s", log)
	}
	if !containsStatus(log, "403 Forbidden") {
		t.Errorf("no 403 in:\n%s", log)
	}
	if l.backend.finds != 0 {
		t.Errorf("backend asked %d times", l.backend.finds)
	}
}

// TestSIPBusy: beyond MaxCalls the line answers 486 Busy Here.
func TestSIPBusy(t *testing.T) {
	release, entered := make(chan struct{}), make(chan struct{}, 1)
	l := startLine(t, func(s *phonebot.SIPServer) {
		s.MaxCalls = 1
		s.DigitTimeout = time.Second
		s.Speaker = slowSpeaker{&toneSpeaker{dir: t.TempDir()}, release, entered}
	})
	first := make(chan error, 1)
	go func() {
		// rings until released, then hears nothing keyed and goes to the operator
		log, err := sipptest.Run(t, l.addr, sipptest.Call{End: sipptest.Operator})
		if err != nil {
			t.Log(log)
		}
		first <- err
	}()
	select {
	case <-entered: // the first call holds the only line
	case <-time.After(20 * time.Second):
		t.Fatal("the first call never reached the line")
	}
	log, err := sipptest.Run(t, l.addr, sipptest.Call{Keys: "1", End: sipptest.LineHangsUp, Wait: 2 * time.Second})
	close(release)
	if err == nil || !containsStatus(log, "486 Busy Here") {
		t.Errorf("second call: %v\n%s", err, log)
	}
	if err := <-first; err != nil {
		t.Errorf("first call: %v", err)
	}
	if r := l.record(t); r.State != phonebot.ToOperator {
		t.Errorf("first call record %+v", r)
	}
}

func containsStatus(log, status string) bool {
	return strings.Contains(log, "SIP/2.0 "+status)
}
