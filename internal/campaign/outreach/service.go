// Package outreach turns a plan into personal proposals and follows them up: it plans
// the imported citizens into office-weeks, sends each proposal by e-mail (queued,
// rate-limited, retried, bounce-aware) or prepares it for a letter, serves the
// personal link and the phone line (confirm, change, decline, whole household),
// reminds the silent, expires the unanswered and re-plans them on the capacity that
// came back.
package outreach

import (
	"crypto/hmac"
	"crypto/sha256"
	"log/slog"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/store"
)

// Job kinds.
const (
	JobMail   = "campaign.mail"   // one proposal or reminder e-mail
	JobRemind = "campaign.remind" // queue reminders for the silent
	JobExpire = "campaign.expire" // expire unanswered proposals, re-plan, send
	JobFanout = "campaign.fanout" // queue the e-mails of a re-plan or of a chunk of a send
)

// Service is the campaign's outreach. Now is the clock; tests move it.
type Service struct {
	Store   *store.Store
	Queue   *jobs.Queue
	Mailer  mail.Mailer
	Log     *slog.Logger
	BaseURL string
	Loc     *time.Location
	Comune  string
	Phone   string // the phone line's number, printed on letters
	// Organizer is the sender its calendar files name as organiser (the configured
	// mail sender; the comune's name when it carries none).
	Organizer booking.Party
	Now       func() time.Time
	// Bookings makes a confirmed proposal a booking in the booking calendar (see
	// Booker); nil books nothing, for tests of the campaign alone.
	Bookings Booker
	// Holidays close their days to the campaign as to booking (engine.Engine.Holidays).
	Holidays booking.Holidays

	key      []byte
	mailPace *pacer
}

// New builds the service. secret is the server key; the link key is derived from it,
// so a leaked link key would not open photos or other signed things.
func New(st *store.Store, q *jobs.Queue, m mail.Mailer, log *slog.Logger, secret []byte, baseURL string, loc *time.Location) *Service {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("sportello campaign link v1"))
	return &Service{
		Store: st, Queue: q, Mailer: m, Log: log, BaseURL: baseURL, Loc: loc, Comune: "Comune di Milano",
		Now: time.Now, key: mac.Sum(nil),
	}
}

// Register binds the campaign's jobs on q.
func (s *Service) Register(q *jobs.Queue) {
	q.Register(JobMail, s.mailJob)
	q.Register(JobMoved, s.movedJob)
	q.Register(JobRemind, s.remindJob)
	q.Register(JobExpire, s.expireJob)
	q.Register(JobFanout, s.fanoutJob)
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// today is the comune's calendar day at midnight UTC, the form proposals' days use.
func (s *Service) today() time.Time {
	n := s.now().In(s.Loc)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
}

// weekOf is the campaign week of day.
func weekOf(start, day time.Time) int {
	d := int(day.Sub(start).Hours() / 24)
	if d < 0 {
		return -1 - (-d-1)/7
	}
	return d / 7
}

// At is the appointment's start in the comune's time zone.
func (s *Service) At(day string, minute int) time.Time {
	d, _ := time.Parse(time.DateOnly, day)
	return time.Date(d.Year(), d.Month(), d.Day(), minute/60, minute%60, 0, 0, s.Loc)
}
