package outreach

import (
	"context"
	"errors"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// Remind queues one reminder for every e-mailed proposal still unanswered
// ReminderDays after it was sent and not yet past its deadline.
func (s *Service) Remind(ctx context.Context) (int, error) {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	before := now.AddDate(0, 0, -set.ReminderDays)
	n := 0
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		n = 0
		ps, err := s.Store.CampaignProposals(ctx, tx, `state = ? AND channel = ? AND reminders = 0 AND sent_at <= ? AND deadline > ?`,
			store.ProposalProposed, store.ChannelEmail, store.Micros(before), store.Micros(now))
		if err != nil {
			return err
		}
		for _, p := range ps {
			p.Reminders, p.RemindedAt = 1, now
			if err := s.Store.UpdateCampaignProposal(ctx, tx, p, p.State); err != nil {
				return err
			}
		}
		n = len(ps)
		return s.enqueueMail(ctx, tx, ps, mailReminder)
	})
	return n, err
}

// ExpireResult says what an expiry pass did.
type ExpireResult struct {
	Expired int
	Run     *store.CampaignRun // the re-plan, nil when nothing expired
	// ExpireTx is how long the expiry's own transaction took when nothing could be
	// re-planned; otherwise the proposals expire in the re-plan's write (Plan.Write).
	ExpireTx time.Duration
	Plan     PlanTiming
}

// Expire ends the proposals unanswered at their deadline, which returns their
// capacity, and re-plans their citizens at once on what is left.
func (s *Service) Expire(ctx context.Context) (ExpireResult, error) {
	now := s.now()
	due, err := s.Store.HasDueCampaignProposals(ctx, now)
	if err != nil || !due {
		return ExpireResult{}, err
	}
	var res ExpireResult
	res.Run, res.Plan, res.Expired, err = s.plan(ctx, KindReplan, now)
	if err == nil {
		s.Log.Info("campaign proposals past their deadline", "count", res.Expired)
		// the due proposals the re-plan could not place again ended without a new one
		return res, s.queueExpiredMail(ctx, now)
	}
	if model.ErrorCode(err) != model.EINVALID {
		return res, err
	}
	// nothing can be planned (no week or office left): the proposals still expire,
	// which returns their places, and their citizens wait as new
	var me *model.Error
	errors.As(err, &me)
	s.Log.Warn("campaign re-plan skipped", "reason", me.Message)
	t0 := time.Now()
	n, err := s.Store.ExpireCampaignProposals(ctx, now)
	res = ExpireResult{Expired: n, ExpireTx: time.Since(t0)}
	if err != nil {
		return res, err
	}
	// each e-mailed one left a tentative event in its citizen's calendar
	return res, s.queueExpiredMail(ctx, now)
}

func (s *Service) remindJob(ctx context.Context, _ []byte) error {
	_, err := s.Remind(ctx)
	return err
}

func (s *Service) expireJob(ctx context.Context, _ []byte) error {
	_, err := s.Expire(ctx)
	return err
}
