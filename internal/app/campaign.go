package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/campaign/phonebot"
	"github.com/sportello/sportello/internal/model"
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
	svc.Organizer = booking.ParseParty(d.Config.MailFrom)
	// the number goes on letters and e-mails only when a line answers it: a number
	// that rings nowhere (or, unset, "call the comune's phone line") sends the
	// citizens without a computer to a dead end
	if p := d.Config.CampaignPhone; p != "" && (d.Config.CampaignAGI != "" || d.Config.CampaignSIP != "") {
		svc.Phone = p
	} else if p != "" {
		d.Log.Warn("campaign phone number left off letters and e-mails: no phone line runs (--campaign-agi or --campaign-sip)", "number", p)
	}
	set, err := d.Store.CampaignSettings(ctx)
	if err != nil {
		return err
	}
	svc.SetMailRate(set.MailPerMinute)
	svc.Register(d.Queue)
	// a confirmed proposal is a booking: agenda, search and counters are shared
	svc.Bookings = d.Booking
	if d.Booking != nil {
		svc.Holidays = d.Booking.Holidays
		// its e-mails about campaign bookings update the campaign's calendar event
		d.Booking.CalendarUID = svc.CalendarUID
		// a campaign booking marked done at the counter issues its citizen at once
		d.Booking.StatusChanged = svc.CounterStatus
		// a campaign booking cancelled at the counter puts its citizen back for a new
		// proposal at once, and the cancellation e-mail says so
		d.Booking.Cancelled = svc.BookingCancelled
	}
	d.Campaign = svc
	a.every(time.Hour, outreach.JobRemind)
	a.every(time.Hour, outreach.JobExpire)
	// a clerk's cancellations and moves of campaign bookings, back to the proposals
	d.Queue.Register(outreach.JobSync, svc.SyncJob)
	a.every(time.Hour, outreach.JobSync)
	// one guard for both lines: wrong years count per letter code across calls
	phone := &phonebot.Guard{Backend: outreach.Phone{S: svc}}
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
		agi := &phonebot.AGIServer{Backend: phone, Speaker: &phonebot.Espeak{Dir: sounds}, Location: loc,
			Operator: d.Config.CampaignOperator, Log: d.Log}
		a.background(func(ctx context.Context) {
			if err := agi.Serve(ctx, l); err != nil && !errors.Is(err, net.ErrClosed) && ctx.Err() == nil {
				d.Log.Error("phone line stopped", "error", err)
			}
		})
		d.Log.Info("campaign phone line listening", "addr", l.Addr().String())
	}
	if addr := d.Config.CampaignSIP; addr != "" {
		peers, err := d.Config.SIPPeers()
		if err != nil {
			return err
		}
		conn, err := net.ListenPacket("udp", addr)
		if err != nil {
			return err
		}
		sounds := filepath.Join(d.Config.DataDir, "phonebot-sip")
		if err := os.MkdirAll(sounds, 0o755); err != nil {
			conn.Close()
			return err
		}
		sip := &phonebot.SIPServer{Backend: phone, Speaker: &phonebot.Espeak{Dir: sounds}, Location: loc,
			Operator: d.Config.CampaignSIPOperator, Peers: peers, Log: d.Log,
			Record: func(ctx context.Context, r phonebot.CallRecord) { auditPhoneCall(ctx, d, r) }}
		a.background(func(ctx context.Context) {
			if err := sip.Serve(ctx, conn); err != nil {
				d.Log.Error("SIP phone line stopped", "error", err)
			}
		})
		d.Log.Info("campaign SIP phone line listening", "addr", conn.LocalAddr().String())
	}
	return nil
}

// auditPhoneCall writes how a SIP call ended to the audit log: a confirmation by
// phone, or a caller sent to an operator (and after how many keys), with the address
// of the PBX that carried the call. The caller's number is not written.
func auditPhoneCall(ctx context.Context, d *web.Deps, r phonebot.CallRecord) {
	if r.State == "" {
		return // ended mid-dialogue: nothing was decided
	}
	e := &model.AuditEntry{Actor: "citizen", Action: "campaign.phone." + string(r.State), Object: "campaign_proposal:" + r.Proposal,
		IP: r.Source.String(), Detail: fmt.Sprintf("channel=phone line=sip keys=%d", r.Keys)}
	if r.Proposal == "" {
		e.Object = "campaign_phone"
	}
	if r.State == phonebot.Confirmed {
		e.Detail += " slot=" + r.Slot.ID
	}
	if err := d.Store.Audit(ctx, e); err != nil {
		d.Log.Error("phone call not audited", "error", err)
	}
}
