package track

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

func TestForecast(t *testing.T) {
	now := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		states      map[string]int
		issuedNow   bool // issued within the last 4 weeks
		capacity    int
		deadline    time.Time
		wantOnTime  bool
		wantPerWeek float64
		wantExtraH  float64
		start       time.Time // campaign start; zero: 4 weeks ago
	}{
		// no answers yet: pace = capacity × the 0.5 prior = 50/week; 100 left need 2 weeks
		{"capacity pace, on time", map[string]int{"new": 100}, false, 100, now.AddDate(0, 0, 28), true, 50, 0, time.Time{}},
		// 400 left at 50/week need 8 weeks but only 4 are left: 100/week needed,
		// 50 missing × 20 min / 60 / 0.5 = 33.3 counter-hours a week
		{"capacity pace, late", map[string]int{"new": 400}, false, 100, now.AddDate(0, 0, 28), false, 50, 50.0 * 20 / 60 / 0.5, time.Time{}},
		// observed: 40 issued in 4 weeks = 10/week; closed states do not count as remaining
		{"observed pace", map[string]int{"issued": 40, "deceased": 3, "emigrated": 2, "proposed": 30}, true, 100, now.AddDate(0, 0, 7*10), true, 10, 0, time.Time{}},
		// a campaign two weeks old: 40 issued in 2 weeks is 20/week, not 40 ÷ 4
		{"observed pace, young campaign", map[string]int{"issued": 40, "proposed": 30}, true, 100, now.AddDate(0, 0, 7*10), true, 20, 0, now.AddDate(0, 0, -14)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := testdb.Open(t)
			st.Now = func() time.Time { return now }
			ctx := context.Background()
			set := store.DefaultCampaignSettings(now.AddDate(0, 0, -30))
			if !tt.start.IsZero() {
				set.Start = tt.start
			}
			set.Deadline = tt.deadline
			if err := st.SaveCampaignSettings(ctx, set); err != nil {
				t.Fatal(err)
			}
			var cs []register.Citizen
			var states []string
			for state, n := range tt.states {
				for i := 0; i < n; i++ {
					cs = append(cs, register.Citizen{CF: fmt.Sprintf("X%015d", len(cs)), Household: "h", CardType: "paper", Lat: 45, Lon: 9})
					states = append(states, state)
				}
			}
			if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
				t.Fatal(err)
			}
			if !tt.issuedNow {
				st.Now = func() time.Time { return now.AddDate(0, -3, 0) }
			}
			for i, c := range cs {
				if err := st.SetCitizenState(ctx, st.Writer(), c.CF, states[i], ""); err != nil {
					t.Fatal(err)
				}
			}
			st.Now = func() time.Time { return now }
			d, err := Compute(ctx, st, OfficeCaps{1: {Name: "A", PerWeek: tt.capacity}}, now)
			if err != nil {
				t.Fatal(err)
			}
			f := d.Forecast
			if f.OnTime != tt.wantOnTime || math.Abs(f.PerWeek-tt.wantPerWeek) > 1e-9 || math.Abs(f.ExtraHoursPerWeek-tt.wantExtraH) > 1e-6 {
				t.Fatalf("forecast %+v", f)
			}
		})
	}
}

// TestConfirmRate checks the rate the forecast rests on at three points of a campaign.
func TestConfirmRate(t *testing.T) {
	tests := []struct {
		name            string
		chans           []Channel
		want            float64
		wantProvisional bool
	}{
		{"nothing sent", []Channel{{Channel: "email"}, {Channel: "letter"}}, 0.5, true},
		// the reviewer's case: minutes after sending, 4 of 5,030 confirmed and nobody
		// else has answered. confirmed ÷ sent said 0.08%; the pending are expected at
		// Milan's 61% (the shrunk rate (4+61)/104 = 62.5% is higher, the prior is used)
		{"early", []Channel{{Channel: "email", Sent: 5030, Confirmed: 4, Pending: 5026}}, (4 + 5026*0.61) / 5030, true},
		// mid-campaign: the quick answers are mostly yes (95%), but most proposals are
		// still open, so they are expected at the prior and the result stays provisional
		{"mid", []Channel{{Channel: "email", Sent: 5000, Confirmed: 2000, Declined: 100, Pending: 2900}}, (2000 + 2900*0.61) / 5000, true},
		// a channel doing worse than Milan pulls its pending down to its own shrunk rate
		{"mid, low letter rate", []Channel{{Channel: "letter", Sent: 1000, Confirmed: 60, Declined: 140, Pending: 800}},
			(60 + 800*(60+100*0.35)/(200+100)) / 1000, true},
		// late: nearly all decided, the channel's own figures stand
		{"late", []Channel{{Channel: "email", Sent: 5000, Confirmed: 3000, Declined: 500, Expired: 1400, Pending: 100}},
			(3000 + 100*math.Min((3000+61)/5000.0, 0.61)) / 5000, false},
		// two channels weigh by proposals sent: 2/3 e-mail at ~61%, 1/3 letter at ~35%
		{"late, two channels", []Channel{
			{Channel: "email", Sent: 2000, Confirmed: 1220, Declined: 100, Expired: 680},
			{Channel: "letter", Sent: 1000, Confirmed: 350, Declined: 50, Expired: 600}}, (1220 + 350) / 3000.0, false},
		// enough answers but one channel mostly pending: still provisional
		{"late e-mail, early letters", []Channel{
			{Channel: "email", Sent: 2000, Confirmed: 1220, Declined: 100, Expired: 680},
			{Channel: "letter", Sent: 1000, Confirmed: 10, Pending: 990}}, (1220 + 10 + 990*0.35) / 3000.0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.chans {
				tt.chans[i].estimate()
			}
			got, prov := ConfirmRate(tt.chans)
			if math.Abs(got-tt.want) > 1e-9 || prov != tt.wantProvisional {
				t.Fatalf("rate %.6f provisional %v, want %.6f %v", got, prov, tt.want, tt.wantProvisional)
			}
		})
	}
}

// TestForecastEarlyCampaign is the reviewer's dashboard: 5,030 e-mails sent minutes
// ago, 4 confirmed. It used to forecast the end in 2075 and +641 counter-hours a week.
func TestForecastEarlyCampaign(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st := testdb.Open(t)
	st.Now = func() time.Time { return now }
	ctx := context.Background()
	set := store.DefaultCampaignSettings(now) // starts next Monday, 26 weeks
	if err := st.SaveCampaignSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	const n, confirmed = 5030, 4
	cs := make([]register.Citizen, n)
	ps := make([]*store.CampaignProposal, n)
	for i := range cs {
		cf := fmt.Sprintf("X%015d", i)
		cs[i] = register.Citizen{CF: cf, Household: cf, CardType: "paper", Lat: 45, Lon: 9}
		ps[i] = &store.CampaignProposal{CF: cf, Household: cf, OfficeID: 1, Day: "2026-03-16", Minute: 540, State: store.ProposalProposed,
			Channel: store.ChannelEmail, LetterCode: fmt.Sprintf("%08d", i), Nonce: "n", Deadline: now.AddDate(0, 0, 20), CreatedAt: now, SentAt: now}
		if i < confirmed {
			ps[i].State = store.ProposalConfirmed
		}
	}
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	office := &model.Office{Code: "A", Name: "A", Active: true, Counters: 1}
	if err := st.CreateOffice(ctx, st.Writer(), office); err != nil {
		t.Fatal(err)
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		run := &store.CampaignRun{CreatedAt: now, Kind: "plan", People: n, Planned: n}
		if err := st.InsertCampaignRun(ctx, tx, run); err != nil {
			return err
		}
		// plain INSERTs: the store's bulk insert is tuned for the planner and changes with it
		for _, p := range ps {
			if _, err := tx.Exec(ctx, `INSERT INTO campaign_proposals (cf, household, run_id, office_id, day, minute, week, state, channel,
				letter_code, nonce, deadline, created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				p.CF, p.Household, run.ID, office.ID, p.Day, p.Minute, p.Week, p.State, p.Channel, p.LetterCode, p.Nonce,
				store.Micros(p.Deadline), store.Micros(p.CreatedAt), store.Micros(p.SentAt)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// 10 offices of 100 a week: Milan-like capacity for this slice of the campaign
	caps := OfficeCaps{}
	for i := int64(1); i <= 10; i++ {
		caps[i] = struct {
			Name    string
			PerWeek int
		}{fmt.Sprint("office ", i), 100}
	}
	d, err := Compute(ctx, st, caps, now)
	if err != nil {
		t.Fatal(err)
	}
	f := d.Forecast
	if !f.Provisional || f.ConfirmRate < 0.55 || f.ConfirmRate > 0.65 {
		t.Fatalf("rate %.4f provisional %v: want about Milan's 61%%, provisional", f.ConfirmRate, f.Provisional)
	}
	// 5,030 left at 1,000 × 0.61 a week: about 8 weeks, well inside the 26
	if !f.OnTime || f.Finish.After(now.AddDate(0, 0, 7*9)) || f.ExtraHoursPerWeek != 0 {
		t.Fatalf("forecast %+v", f)
	}
	var email *Channel
	for i := range d.Channels {
		if d.Channels[i].Channel == store.ChannelEmail {
			email = &d.Channels[i]
		}
	}
	if email == nil || email.Sent != n || email.Pending != n-confirmed || email.Rate != 1 {
		t.Fatalf("e-mail channel %+v", email)
	}
}

// TestAttemptsCount: a proposal that expired and was re-proposed in place counts
// twice by its channel: once sent and expired (its attempt), once as sent now.
func TestAttemptsCount(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	now := at.AddDate(0, 0, 10)
	if err := st.SaveCampaignSettings(ctx, store.DefaultCampaignSettings(at)); err != nil {
		t.Fatal(err)
	}
	cs := []register.Citizen{{CF: "X000000000000001", Household: "h1", CardType: "paper", Lat: 45, Lon: 9},
		{CF: "X000000000000002", Household: "h2", CardType: "paper", Lat: 45, Lon: 9}}
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	office := &model.Office{Code: "a", Name: "A", Active: true, Counters: 1}
	if err := st.CreateOffice(ctx, st.Writer(), office); err != nil {
		t.Fatal(err)
	}
	var ps []*store.CampaignProposal
	err := st.InTx(ctx, func(tx *store.Tx) error {
		run := &store.CampaignRun{CreatedAt: at, Kind: "plan", Done: true}
		if err := st.InsertCampaignRun(ctx, tx, run); err != nil {
			return err
		}
		for i, c := range cs {
			ps = append(ps, &store.CampaignProposal{CF: c.CF, Household: c.Household, RunID: run.ID, OfficeID: office.ID, Day: "2026-03-20", Minute: 540,
				State: store.ProposalProposed, Channel: store.ChannelEmail, LetterCode: fmt.Sprintf("1000000%d", i), Nonce: "n",
				Deadline: at.AddDate(0, 0, 7), CreatedAt: at, SentAt: at})
		}
		if err := st.InsertCampaignProposals(ctx, tx, ps, store.CitizenProposed); err != nil {
			return err
		}
		// the first is re-proposed in place, the second expires for good
		written, err := st.CampaignProposals(ctx, tx, `run_id = ?`, run.ID)
		if err != nil {
			return err
		}
		if _, err := st.ExpireCampaignProposalsByID(ctx, tx, now, []int64{written[1].ID}); err != nil {
			return err
		}
		if _, err := st.RetireDueAttempts(ctx, tx, now); err != nil {
			return err
		}
		again := *written[0]
		again.Day, again.Nonce, again.Deadline = "2026-03-27", "m", now.AddDate(0, 0, 7)
		return st.ReproposeCampaignProposals(ctx, tx, now, now, []*store.CampaignProposal{&again})
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Compute(ctx, st, OfficeCaps{office.ID: {Name: "A", PerWeek: 10}}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range d.Channels {
		if ch.Channel == store.ChannelEmail && (ch.Sent != 3 || ch.Expired != 2 || ch.Pending != 1 || ch.Confirmed != 0) {
			t.Fatalf("e-mail channel %+v: want 3 sent, 2 expired, 1 pending", ch)
		}
	}
}
