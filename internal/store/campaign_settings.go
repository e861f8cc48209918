package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// CampaignSettings say when the campaign runs and how its proposals behave.
type CampaignSettings struct {
	Start         time.Time // Monday of week 0
	Weeks         int
	Deadline      time.Time // the day every card must be issued by
	ConfirmDays   int       // how long a citizen has to answer a proposal
	ReminderDays  int       // a reminder goes out this many days after the proposal
	SharePct      int       // share of counter time given to the campaign
	MinutesPerApp int       // counter minutes per application (PRODUCT.md §7: 20)
	MailPerMinute int       // proposal e-mails per minute, to stay under the relay's limits
	PostalDays    int       // days a letter takes to reach the citizen, before its answer window starts
	// PaperInvalidFrom is the day paper cards stop being valid, as letters and e-mails
	// state it; zero means the deadline. Use PaperInvalidDay.
	PaperInvalidFrom time.Time
}

// PaperInvalidDay is the day letters and e-mails say paper cards stop being valid:
// the one an admin set, else the campaign's deadline.
func (c *CampaignSettings) PaperInvalidDay() time.Time {
	if c.PaperInvalidFrom.IsZero() {
		return c.Deadline
	}
	return c.PaperInvalidFrom
}

// DefaultCampaignSettings start next Monday for 26 weeks, as in seed 002.
func DefaultCampaignSettings(now time.Time) *CampaignSettings {
	d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return &CampaignSettings{Start: d, Weeks: 26, Deadline: d.AddDate(0, 0, 26*7), ConfirmDays: 20, ReminderDays: 10, SharePct: 50, MinutesPerApp: 20, MailPerMinute: 600, PostalDays: 5}
}

// Validate checks settings as an admin types them and returns every field's error at
// once (joined, in form order), so the settings form marks them all; nil when all is
// well. It is the one place the rules live: the form only adds what needs the clock
// or the saved settings (a start or deadline in the past).
func (c *CampaignSettings) Validate() error {
	return errors.Join(c.FieldErrors()...)
}

// FieldErrors returns one model.FieldError per wrong field, in form order, as
// booking.FormErrors does for the booking form. A field checked against another
// (the deadline against the start, the reminder against the confirmation days) is
// judged only when that other one is valid, so one mistake is not reported twice.
func (c *CampaignSettings) FieldErrors() []error {
	var errs []error
	bad := func(field, msg string) { errs = append(errs, model.FieldError(field, "%s", msg)) }
	startOK := false
	switch {
	case c.Start.IsZero():
		bad("start", "start date required")
	case c.Start.Weekday() != time.Monday:
		bad("start", "the campaign starts on a Monday")
	default:
		startOK = true
	}
	if c.Weeks < 1 || c.Weeks > 104 {
		bad("weeks", "weeks must be 1-104")
	}
	switch {
	case c.Deadline.IsZero():
		bad("deadline", "deadline date required")
	case startOK && c.Deadline.Before(c.Start):
		bad("deadline", "the deadline is before the start")
	}
	confirmOK := c.ConfirmDays >= 1 && c.ConfirmDays <= 90
	if !confirmOK {
		bad("confirm_days", "confirmation days must be 1-90")
	}
	switch {
	case c.ReminderDays < 0:
		bad("reminder_days", "the reminder cannot be negative")
	case confirmOK && c.ReminderDays >= c.ConfirmDays:
		bad("reminder_days", "the reminder must come before the confirmation deadline")
	}
	if c.SharePct < 0 || c.SharePct > 100 {
		bad("share_pct", "share must be between 0 and 100 percent")
	}
	if c.MinutesPerApp < 5 || c.MinutesPerApp > 120 {
		bad("minutes_per_app", "minutes per application must be 5-120")
	}
	if c.MailPerMinute < 1 {
		bad("mail_per_minute", "at least one e-mail per minute")
	}
	if c.PostalDays < 0 || c.PostalDays > 30 {
		bad("postal_days", "postal delivery days must be 0-30")
	}
	if !c.PaperInvalidFrom.IsZero() && (c.PaperInvalidFrom.Year() < 2000 || c.PaperInvalidFrom.Year() > 2100) {
		bad("paper_invalid_from", "the day paper cards stop being valid must be a date between 2000 and 2100")
	}
	return errs
}

// CampaignSettings returns the saved settings, or the defaults when none were saved.
func (s *Store) CampaignSettings(ctx context.Context) (*CampaignSettings, error) {
	var c CampaignSettings
	var start, deadline, paper string
	err := s.QueryRow(ctx, `SELECT start_day, weeks, deadline_day, confirm_days, reminder_days, share_pct, minutes_per_app, mail_per_minute, paper_invalid_day, postal_days
		FROM campaign_settings WHERE id = 1`).Scan(&start, &c.Weeks, &deadline, &c.ConfirmDays, &c.ReminderDays, &c.SharePct, &c.MinutesPerApp, &c.MailPerMinute, &paper, &c.PostalDays)
	if errors.Is(s.translate(err), model.ErrNotFound) {
		return DefaultCampaignSettings(s.Now()), nil
	}
	if err != nil {
		return nil, s.translate(err)
	}
	c.Start, c.Deadline, c.PaperInvalidFrom = campaignParseDay(start), campaignParseDay(deadline), campaignParseDay(paper) // "" is zero
	return &c, nil
}

// SaveCampaignSettings stores the settings.
func (s *Store) SaveCampaignSettings(ctx context.Context, c *CampaignSettings) error {
	if err := c.Validate(); err != nil {
		return err
	}
	_, err := s.Exec(ctx, `INSERT INTO campaign_settings (id, start_day, weeks, deadline_day, confirm_days, reminder_days, share_pct, minutes_per_app, mail_per_minute, paper_invalid_day, postal_days)
		VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET start_day = excluded.start_day, weeks = excluded.weeks, deadline_day = excluded.deadline_day,
		confirm_days = excluded.confirm_days, reminder_days = excluded.reminder_days, share_pct = excluded.share_pct,
		minutes_per_app = excluded.minutes_per_app, mail_per_minute = excluded.mail_per_minute, paper_invalid_day = excluded.paper_invalid_day, postal_days = excluded.postal_days`,
		campaignDay(c.Start), c.Weeks, campaignDay(c.Deadline), c.ConfirmDays, c.ReminderDays, c.SharePct, c.MinutesPerApp, c.MailPerMinute, campaignDay(c.PaperInvalidFrom), c.PostalDays)
	return err
}

// CampaignCapacityOverrides returns the weekly capacities admins typed, by office id.
func (s *Store) CampaignCapacityOverrides(ctx context.Context) (map[int64]int, error) {
	rows, err := s.Query(ctx, `SELECT office_id, per_week FROM campaign_capacity`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// SetCampaignCapacity stores an office's weekly campaign capacity; a negative value
// removes the override, so the capacity is derived from opening hours again.
func (s *Store) SetCampaignCapacity(ctx context.Context, officeID int64, perWeek int) error {
	if perWeek < 0 {
		_, err := s.Exec(ctx, `DELETE FROM campaign_capacity WHERE office_id = ?`, officeID)
		return err
	}
	_, err := s.Exec(ctx, `INSERT INTO campaign_capacity (office_id, per_week) VALUES (?, ?)
		ON CONFLICT (office_id) DO UPDATE SET per_week = excluded.per_week`, officeID, perWeek)
	if err != nil {
		return fmt.Errorf("campaign capacity: %w", err)
	}
	return nil
}
