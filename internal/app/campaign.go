package app

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/campaign/phonebot"
	"github.com/sportello/sportello/internal/web"
)

// wireCampaign builds the outreach service over the store and the queue, registers the
// campaign's jobs (e-mail, reminders, expiry with re-plan) and their hourly schedules,
// and starts the phone line's FastAGI listener when configured.
func (a *App) wireCampaign(ctx context.Context, d *web.Deps) error {
	loc, err := time.LoadLocation(d.Config.Location)
	if err != nil {
		return err
	}
	svc := outreach.New(d.Store, d.Queue, a.Mailer, d.Log, d.Key, d.Config.BaseURL, loc)
	if name, err := d.Store.Setting(ctx, "comune_name"); err == nil && name != "" {
		svc.Comune = name
	}
	if p := d.Config.CampaignPhone; p != "" {
		svc.Phone = p
	}
	set, err := d.Store.CampaignSettings(ctx)
	if err != nil {
		return err
	}
	svc.SetMailRate(set.MailPerMinute)
	svc.Register(d.Queue)
	d.Campaign = svc
	a.every(time.Hour, outreach.JobRemind)
	a.every(time.Hour, outreach.JobExpire)
	if addr := d.Config.CampaignAGI; addr != "" {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return err
		}
		// the prompts' sound files go where Asterisk can read them; a deployment
		// points Asterisk's sounds path (or a link) at this directory
		sounds := filepath.Join(d.Config.DataDir, "phonebot")
		if err := os.MkdirAll(sounds, 0o755); err != nil {
			l.Close()
			return err
		}
		agi := &phonebot.AGIServer{Backend: outreach.Phone{S: svc}, Speaker: &phonebot.Espeak{Dir: sounds}, Location: loc,
			Operator: d.Config.CampaignOperator, Log: d.Log}
		a.background(func(ctx context.Context) {
			if err := agi.Serve(ctx, l); err != nil && !errors.Is(err, net.ErrClosed) && ctx.Err() == nil {
				d.Log.Error("phone line stopped", "error", err)
			}
		})
		d.Log.Info("campaign phone line listening", "addr", l.Addr().String())
	}
	return nil
}
