// Package track measures the campaign: citizens by state, proposals by channel and
// office, confirmation rates, and a forecast of when the campaign ends at the current
// pace compared with its deadline, with the counter-hours needed to make it.
package track

import (
	"context"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/sportello/sportello/internal/store"
)

// States in display order; has_cie citizens are outside the campaign.
var States = []string{store.CitizenNew, store.CitizenPlanned, store.CitizenProposed, store.CitizenConfirmed, store.CitizenIssued,
	store.CitizenDeclined, store.CitizenDeceased, store.CitizenEmigrated, store.CitizenUntraceable, store.CitizenHomeVisit}

// closed states need nothing more from the counters.
var closed = map[string]bool{store.CitizenIssued: true, store.CitizenDeclined: true, store.CitizenDeceased: true,
	store.CitizenEmigrated: true, store.CitizenUntraceable: true, store.CitizenHasCIE: true}

// Count is one row of a table.
type Count struct {
	Key   string
	Count int
}

// Channel is the proposals sent by one channel and what became of them.
type Channel struct {
	Channel                                     string
	Sent, Confirmed, Declined, Expired, Pending int
	Rate                                        float64 // confirmed / decided: what answers so far say
	Estimate                                    float64 // expected final rate: Rate, shrunk towards a prior while answers are few (rate.go)
}

// Office is the campaign load of one office.
type Office struct {
	ID                           int64
	Name                         string
	PerWeek                      int
	Planned, Proposed, Confirmed int
}

// Forecast says when the campaign ends at the current pace.
type Forecast struct {
	Remaining     int     // citizens who still need a card
	PerWeek       float64 // issued per week: observed over up to 4 weeks, or capacity × confirmation rate
	Observed      bool    // PerWeek comes from issued cards, not from capacity
	ObservedWeeks float64 // the weeks PerWeek was observed over (at most 4)
	ConfirmRate   float64 // expected share of proposals confirmed, over all channels
	Provisional   bool    // too few answers yet: ConfirmRate leans on the priors
	Capacity      int     // campaign capacity per week over all offices
	WeeksNeeded   float64
	Finish        time.Time // zero when Unknown
	// Unknown says no finish can be computed: nobody is served per week (no capacity,
	// or nothing observed and a zero rate). The dashboard and CSV say so, never a date.
	Unknown           bool
	LastConfirmed     time.Time // the day of the last confirmed appointment; zero if none
	Deadline          time.Time
	WeeksLeft         float64
	OnTime            bool
	ExtraPerWeek      float64 // people per week missing to finish by the deadline
	ExtraHoursPerWeek float64 // counter-hours per week that serve them
}

// Dashboard is everything the campaign dashboard shows.
type Dashboard struct {
	Total    int // citizens in the campaign (has_cie excluded)
	HasCIE   int
	States   []Count
	Channels []Channel
	Offices  []Office
	Forecast Forecast
	Run      *store.CampaignRun
}

// OfficeCaps is what the forecast needs from outreach.Capacities.
type OfficeCaps map[int64]struct {
	Name    string
	PerWeek int
}

// Compute reads the counts and derives rates and the forecast at now.
func Compute(ctx context.Context, st *store.Store, caps OfficeCaps, now time.Time) (*Dashboard, error) {
	set, err := st.CampaignSettings(ctx)
	if err != nil {
		return nil, err
	}
	d := &Dashboard{}
	byState, err := st.CitizensByState(ctx)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, c := range byState {
		counts[c.Key] = c.Count
	}
	d.HasCIE = counts[store.CitizenHasCIE]
	for _, s := range States {
		d.States = append(d.States, Count{Key: s, Count: counts[s]})
		d.Total += counts[s]
		if !closed[s] {
			d.Forecast.Remaining += counts[s]
		}
	}
	byChannel, err := st.ProposalsByChannel(ctx)
	if err != nil {
		return nil, err
	}
	// a proposal expired and re-proposed in place keeps its expired attempt apart:
	// it was sent and expired all the same
	attempts, err := st.ExpiredAttemptsByChannel(ctx)
	if err != nil {
		return nil, err
	}
	byChannel = append(byChannel, attempts...)
	chans := map[string]*Channel{}
	for _, ch := range []string{store.ChannelEmail, store.ChannelLetter} {
		chans[ch] = &Channel{Channel: ch}
	}
	for _, c := range byChannel {
		ch := chans[c.Key]
		if ch == nil {
			ch = &Channel{Channel: c.Key}
			chans[c.Key] = ch
		}
		ch.Sent += c.Count
		switch c.Key2 {
		case store.ProposalConfirmed:
			ch.Confirmed += c.Count
		case store.ProposalDeclined:
			ch.Declined += c.Count
		case store.ProposalExpired:
			ch.Expired += c.Count
		case store.ProposalProposed:
			ch.Pending += c.Count
		}
	}
	for _, ch := range chans {
		ch.estimate()
		d.Channels = append(d.Channels, *ch)
	}
	sort.Slice(d.Channels, func(i, j int) bool { return d.Channels[i].Channel < d.Channels[j].Channel })
	byOffice, err := st.ProposalsByOffice(ctx)
	if err != nil {
		return nil, err
	}
	offices := map[int64]*Office{}
	for id, c := range caps {
		offices[id] = &Office{ID: id, Name: c.Name, PerWeek: c.PerWeek}
		d.Forecast.Capacity += c.PerWeek
	}
	for _, c := range byOffice {
		id, _ := strconv.ParseInt(c.Key, 10, 64)
		o := offices[id]
		if o == nil {
			o = &Office{ID: id, Name: c.Key}
			offices[id] = o
		}
		switch c.Key2 {
		case store.ProposalPlanned:
			o.Planned += c.Count
		case store.ProposalProposed:
			o.Proposed += c.Count
		case store.ProposalConfirmed:
			o.Confirmed += c.Count
		}
	}
	for _, o := range offices {
		d.Offices = append(d.Offices, *o)
	}
	sort.Slice(d.Offices, func(i, j int) bool { return d.Offices[i].Name < d.Offices[j].Name })
	if d.Run, err = st.LatestCampaignRun(ctx); err != nil {
		d.Run = nil
	}

	f := &d.Forecast
	f.Deadline = set.Deadline
	f.ConfirmRate, f.Provisional = ConfirmRate(d.Channels)
	// the observed pace is over the last 4 weeks, or since the start when the campaign
	// is younger; under a week of issuing says too little, so capacity stands in.
	from := now.AddDate(0, 0, -28)
	if set.Start.After(from) {
		from = set.Start
	}
	issued, err := st.IssuedSince(ctx, from)
	if err != nil {
		return nil, err
	}
	if weeks := now.Sub(from).Hours() / 24 / 7; issued > 0 && weeks >= 1 {
		f.PerWeek, f.Observed, f.ObservedWeeks = float64(issued)/weeks, true, weeks
	} else {
		f.PerWeek = float64(f.Capacity) * f.ConfirmRate
	}
	f.WeeksLeft = math.Max(0, set.Deadline.Sub(now).Hours()/24/7)
	if f.Remaining == 0 {
		f.Finish, f.OnTime = now, true
		return d, nil
	}
	if f.LastConfirmed, err = st.LastConfirmedCampaignDay(ctx); err != nil {
		return nil, err
	}
	if f.PerWeek > 0 {
		f.WeeksNeeded = float64(f.Remaining) / f.PerWeek
		// nobody is served before the campaign starts, and the citizens already booked
		// come on their day whatever the pace says.
		from := now
		if set.Start.After(from) {
			from = set.Start
		}
		f.Finish = from.Add(time.Duration(f.WeeksNeeded * float64(7*24*time.Hour)))
		if f.LastConfirmed.After(f.Finish) {
			f.Finish = f.LastConfirmed
		}
		f.OnTime = !f.Finish.After(set.Deadline)
	} else {
		f.Unknown = true
	}
	if !f.OnTime {
		need := float64(f.Remaining) / math.Max(f.WeeksLeft, 1)
		f.ExtraPerWeek = math.Max(0, need-f.PerWeek)
		// each extra person takes MinutesPerApp at a counter; with the confirmation
		// rate seen so far, only that share of offered slots is used.
		f.ExtraHoursPerWeek = f.ExtraPerWeek * float64(set.MinutesPerApp) / 60 / math.Max(f.ConfirmRate, 0.1)
	}
	return d, nil
}
