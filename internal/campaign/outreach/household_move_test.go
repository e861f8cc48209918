package outreach

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/codicefiscale"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

func TestFit(t *testing.T) {
	// 08:30 … 10:10 every 20 minutes, then a lunch break, then 14:00 and 14:20
	times := []plan.Slot{{Minute: 510}, {Minute: 530}, {Minute: 550}, {Minute: 570}, {Minute: 590}, {Minute: 610}, {Minute: 840}, {Minute: 860}}
	tests := []struct {
		name      string
		free      []int
		k, people int
		want      []int
	}{
		{"side by side", []int{2, 2, 2, 2, 2, 2, 2, 2}, 0, 2, []int{510, 510}},
		{"one after the other", []int{1, 1, 1, 1, 1, 1, 1, 1}, 1, 3, []int{530, 550, 570}},
		{"both", []int{2, 1, 0, 0, 0, 0, 0, 0}, 0, 3, []int{510, 510, 530}},
		{"a full start between", []int{1, 0, 1, 1, 1, 1, 1, 1}, 0, 2, nil},
		{"the start itself full", []int{0, 3, 3, 3, 3, 3, 3, 3}, 0, 1, nil},
		{"not across lunch", []int{1, 1, 1, 1, 1, 1, 1, 1}, 5, 2, nil},
		{"not past the day's end", []int{1, 1, 1, 1, 1, 1, 1, 1}, 7, 2, nil},
		{"alone", []int{0, 0, 0, 0, 0, 0, 0, 1}, 7, 1, []int{860}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fit(times, tt.free, tt.k, tt.people, 20); !slices.Equal(got, tt.want) {
				t.Fatalf("fit = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSpread(t *testing.T) {
	for _, tt := range []struct {
		count, n int
		want     []int
	}{{0, 3, []int{}}, {2, 3, []int{0, 1}}, {3, 3, []int{0, 1, 2}}, {10, 3, []int{0, 5, 9}}, {24, 3, []int{0, 12, 23}}, {5, 1, []int{0}}} {
		if got := spread(tt.count, tt.n); !slices.Equal(got, tt.want) {
			t.Errorf("spread(%d, %d) = %v, want %v", tt.count, tt.n, got, tt.want)
		}
	}
}

// sentFixture plans and sends a fixture with a booking engine and returns the
// proposals awaiting an answer by household.
func sentFixture(t *testing.T) (*fixture, *engine.Engine, map[string][]*store.CampaignProposal) {
	t.Helper()
	f := newFixture(t, 60, 200)
	e := withEngine(t, f)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	byHH := map[string][]*store.CampaignProposal{}
	for _, p := range f.proposals(t, "state = ?", store.ProposalProposed) {
		byHH[p.Household] = append(byHH[p.Household], p)
	}
	return f, e, byHH
}

// households returns the households of more than one member, in a fixed order.
func households(byHH map[string][]*store.CampaignProposal) [][]*store.CampaignProposal {
	var keys []string
	for k, m := range byHH {
		if len(m) > 1 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([][]*store.CampaignProposal, len(keys))
	for i, k := range keys {
		out[i] = byHH[k]
	}
	return out
}

// TestChoicesSeveralTimesADay: the link page offers, on each day, up to three free
// times spread over the day (its earliest and latest free ones among them), each
// within the office's hours, rather than one time per day.
func TestChoicesSeveralTimesADay(t *testing.T) {
	f, _, byHH := sentFixture(t)
	ctx := context.Background()
	var p *store.CampaignProposal
	for _, m := range byHH {
		if len(m) == 1 {
			p = m[0]
			break
		}
	}
	v, err := f.svc.Open(ctx, f.svc.Token(p))
	if err != nil {
		t.Fatal(err)
	}
	set, _ := f.st.CampaignSettings(ctx)
	days := map[string]int{}
	morning, afternoon := false, false
	for _, sl := range v.Slots {
		days[fmt.Sprint(sl.OfficeID, sl.At.Format(time.DateOnly))]++
		if sl.Afternoon() {
			afternoon = true
		} else {
			morning = true
		}
	}
	if len(days) == len(v.Slots) {
		t.Fatalf("one time per day only: %d slots on %d days", len(v.Slots), len(days))
	}
	if !morning || !afternoon {
		t.Fatalf("times not spread over the day (morning %v, afternoon %v)", morning, afternoon)
	}
	for _, d := range v.Days {
		if len(d.Times) == 0 || len(d.Times) > pagePerDay {
			t.Fatalf("%s: %d times", d.Date.Format(time.DateOnly), len(d.Times))
		}
		g, err := f.svc.gridOf(ctx, d.OfficeID, set)
		if err != nil {
			t.Fatal(err)
		}
		day := d.Date.Format(time.DateOnly)
		starts := g.day(time.Date(d.Date.Year(), d.Date.Month(), d.Date.Day(), 0, 0, 0, 0, time.UTC))
		for i, sl := range d.Times {
			m := sl.At.Hour()*60 + sl.At.Minute()
			if !offered(t, f.st, d.OfficeID, day, m, set.MinutesPerApp) {
				t.Fatalf("%s %d not in the office's hours", day, m)
			}
			if i > 0 && !sl.At.After(d.Times[i-1].At) {
				t.Fatalf("%s: times not in order", day)
			}
		}
		// nothing but the plan holds these days' times yet: the earliest and the
		// latest free starts are offered
		used, _ := f.st.CampaignSlotUsage(ctx, nil, d.OfficeID, day)
		caps, _ := f.svc.capacityOf(ctx, d.OfficeID)
		var free []int
		for _, s := range starts {
			if used[s.Minute] < min(s.Capacity, g.parallel(caps)) {
				free = append(free, s.Minute)
			}
		}
		first, last := d.Times[0].At, d.Times[len(d.Times)-1].At
		if len(free) >= pagePerDay && (first.Hour()*60+first.Minute() != free[0] || last.Hour()*60+last.Minute() != free[len(free)-1]) {
			t.Fatalf("%s: offered %v…%v, free from %d to %d", day, first, last, free[0], free[len(free)-1])
		}
	}
	// the phone line still hears one time per day
	ph, err := f.svc.Alternatives(ctx, p, 5)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, sl := range ph {
		k := fmt.Sprint(sl.OfficeID, sl.At.Format(time.DateOnly))
		if seen[k] {
			t.Fatalf("phone alternatives repeat day %s", k)
		}
		seen[k] = true
	}
}

// TestChangeHousehold: a household member's link offers to move the whole household
// (a member already confirmed included, when the mover ticks them) to times where all
// fit together; the move puts everyone on that office day at the times offered,
// confirms them, moves the confirmed member's booking and books the others, and sends
// each with an address the confirmation with the new time in its calendar file: the
// mover's plain, the others' saying which relative moved them and how to change it.
func TestChangeHousehold(t *testing.T) {
	f, _, byHH := sentFixture(t)
	ctx := context.Background()
	hh := households(byHH)[0]
	// one member confirms alone first: a booking to move
	if _, err := f.svc.Confirm(ctx, f.svc.Token(hh[1]), false); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, m := range hh {
		c, _ := f.st.CampaignCitizen(ctx, m.CF)
		f.mailsTo(c.Email)
	}
	f.clock.Add(time.Hour)
	v, err := f.svc.Open(ctx, f.svc.Token(hh[0]))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Group) != len(hh)-1 {
		t.Fatalf("group of %d, want %d", len(v.Group), len(hh)-1)
	}
	if len(v.GroupDays) == 0 {
		t.Fatal("no time for the whole household")
	}
	for _, d := range v.GroupDays {
		for _, sl := range d.Times {
			if len(sl.Each) != len(hh) || !sl.Each[0].Equal(sl.At) {
				t.Fatalf("household choice %s places %d of %d", sl.ID, len(sl.Each), len(hh))
			}
		}
	}
	last := v.GroupDays[len(v.GroupDays)-1]
	pick := last.Times[len(last.Times)-1]
	res, err := f.svc.ChangeHousehold(ctx, f.svc.Token(hh[0]), pick.ID, hh[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Count != len(hh) || len(res.Moved) != len(hh)-1 || res.State != store.ProposalConfirmed {
		t.Fatalf("result %+v", res)
	}
	day := pick.At.Format(time.DateOnly)
	bookings := dayBookings(t, f, pick.OfficeID, day)
	var got []time.Time
	for _, m := range hh {
		after, _ := f.st.CampaignProposal(ctx, nil, m.ID)
		if after.State != store.ProposalConfirmed || after.OfficeID != pick.OfficeID || after.Day != day {
			t.Fatalf("member %d: %s at office %d on %s", m.ID, after.State, after.OfficeID, after.Day)
		}
		at := f.svc.At(after.Day, after.Minute)
		got = append(got, at)
		if b := bookings[m.CF]; b == nil || !b.Start.Equal(at) {
			t.Fatalf("member %d: booking %+v, want at %v", m.ID, b, at)
		}
	}
	slices.SortFunc(got, time.Time.Compare)
	if !slices.EqualFunc(got, pick.Each, time.Time.Equal) {
		t.Fatalf("members at %v, offered %v", got, pick.Each)
	}
	if old := dayBookings(t, f, hh[1].OfficeID, hh[1].Day)[hh[1].CF]; old != nil && (hh[1].OfficeID != pick.OfficeID || hh[1].Day != day) {
		t.Fatalf("the confirmed member keeps the old booking too: %+v", old)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	moverC, _ := f.st.CampaignCitizen(ctx, hh[0].CF)
	mover := moverC.GivenNames + " " + moverC.FamilyName
	mailed, others := 0, 0
	for _, m := range hh {
		c, _ := f.st.CampaignCitizen(ctx, m.CF)
		if c.Email == "" || c.EmailBad {
			continue
		}
		ms := f.mailsTo(c.Email)
		if len(ms) != 1 {
			t.Fatalf("%s got %d e-mails, want the confirmation", c.Email, len(ms))
		}
		after, _ := f.st.CampaignProposal(ctx, nil, m.ID)
		at := f.svc.At(after.Day, after.Minute).UTC().Format("20060102T150405Z")
		wantLines(t, "confirmation ICS", icsOf(t, ms[0]), "METHOD:REQUEST", "STATUS:CONFIRMED", "DTSTART:"+at)
		told := strings.Contains(ms[0].Text, "è stato spostato da un familiare ("+mover+")") &&
			strings.Contains(ms[0].Text, "Se non le va bene, contatti il") && strings.Contains(ms[0].Text, "moved by a relative ("+mover+")")
		if m.ID == hh[0].ID && told || m.ID != hh[0].ID && !told {
			t.Fatalf("%s (mover %v) e-mail %q:\n%s", c.Email, m.ID == hh[0].ID, ms[0].Subject, ms[0].Text)
		}
		if m.ID != hh[0].ID {
			others++
		}
		mailed++
	}
	if mailed == 0 || others == 0 {
		t.Fatal("no member of the household moved by another has an address: the test proves nothing about mail")
	}
}

// TestChangeHouseholdLeavesConfirmed: a member who confirmed their own time is
// offered on the mover's page but stays where they chose unless ticked: the
// household move takes the mover and those still awaiting an answer, the confirmed
// member keeps time and booking and gets no e-mail.
func TestChangeHouseholdLeavesConfirmed(t *testing.T) {
	f, _, byHH := sentFixture(t)
	ctx := context.Background()
	var hh []*store.CampaignProposal
	for _, h := range households(byHH) {
		if c, _ := f.st.CampaignCitizen(ctx, h[1].CF); c.Email != "" && !c.EmailBad && h[0].Day == h[1].Day && h[0].OfficeID == h[1].OfficeID {
			hh = h
			break
		}
	}
	if hh == nil {
		t.Fatal("fixture: no household together whose second member has an address")
	}
	if _, err := f.svc.Confirm(ctx, f.svc.Token(hh[1]), false); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	kept, _ := f.st.CampaignProposal(ctx, nil, hh[1].ID)
	keptC, _ := f.st.CampaignCitizen(ctx, kept.CF)
	f.mailsTo(keptC.Email)
	v, err := f.svc.Open(ctx, f.svc.Token(hh[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(v.Group, func(m Member) bool { return m.Proposal.ID == hh[1].ID }) || len(v.GroupDays) == 0 {
		t.Fatalf("the confirmed member is not offered to the mover: group %v, %d days", v.Group, len(v.GroupDays))
	}
	pick := v.GroupDays[0].Times[0]
	res, err := f.svc.ChangeHousehold(ctx, f.svc.Token(hh[0]), pick.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Count != len(hh)-1 || len(res.Moved) != len(hh)-2 {
		t.Fatalf("moved %d (%d others), want all but the confirmed member", res.Count, len(res.Moved))
	}
	day := pick.At.Format(time.DateOnly)
	for _, m := range hh {
		after, _ := f.st.CampaignProposal(ctx, nil, m.ID)
		if m.ID == kept.ID {
			if after.State != store.ProposalConfirmed || after.OfficeID != kept.OfficeID || after.Day != kept.Day || after.Minute != kept.Minute {
				t.Fatalf("the confirmed member was moved: %s office %d %s %d", after.State, after.OfficeID, after.Day, after.Minute)
			}
			if b := dayBookings(t, f, kept.OfficeID, kept.Day)[kept.CF]; b == nil || !b.Start.Equal(f.svc.At(kept.Day, kept.Minute)) {
				t.Fatalf("the confirmed member lost the booking: %+v", b)
			}
			continue
		}
		if after.State != store.ProposalConfirmed || after.OfficeID != pick.OfficeID || after.Day != day {
			t.Fatalf("member %d: %s at office %d on %s", m.ID, after.State, after.OfficeID, after.Day)
		}
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if ms := f.mailsTo(keptC.Email); len(ms) != 0 {
		t.Fatalf("the member left alone got %d e-mails: %q", len(ms), ms[0].Subject)
	}
}

// onlineCF is the valid codice fiscale of online booker i, for i up to 1,400: one
// person holds few bookings, so a day's worth needs many people.
func onlineCF(i int) string {
	base := fmt.Sprintf("VRDGPP%02dA%02dF205", 50+i%50, 1+(i/50)%28)
	for c := 'A'; c <= 'Z'; c++ {
		if codicefiscale.Valid(base + string(c)) {
			return base + string(c)
		}
	}
	panic(base)
}

// fillDay books online, one person at a time, every start of office's day for which
// keep says true, until the booking calendar refuses it.
func fillDay(t *testing.T, f *fixture, e *engine.Engine, office int64, day string, keep func(minute int) bool) {
	t.Helper()
	ctx := context.Background()
	set, _ := f.st.CampaignSettings(ctx)
	g, err := f.svc.gridOf(ctx, office, set)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := e.ServiceByCode(ctx, engine.CampaignService)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := time.Parse(time.DateOnly, day)
	n := 0
	for _, s := range g.day(d) {
		if !keep(s.Minute) {
			continue
		}
		for {
			_, tok, err := e.Hold(ctx, engine.Request{OfficeID: office, ServiceID: svc.ID, Start: f.svc.At(day, s.Minute), People: 1}, "it", "user:sportello")
			if engine.IsSlotTaken(err) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			n++
			if _, err := e.Confirm(ctx, tok, []booking.Person{{Name: "Giuseppe", Surname: "Verdi", CF: onlineCF(n)}},
				booking.Contact{Email: fmt.Sprintf("online%d@example.it", n), Phone: "021234567"}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestChangeHouseholdFullRefusesAll: when the day offered fills before the household
// answers, moving it is refused as a whole: nobody moves, the confirmed member keeps
// the booking, nothing is sent, and the link still works.
func TestChangeHouseholdFullRefusesAll(t *testing.T) {
	f, e, byHH := sentFixture(t)
	ctx := context.Background()
	hh := households(byHH)[0]
	if _, err := f.svc.Confirm(ctx, f.svc.Token(hh[1]), false); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, m := range hh {
		if c, _ := f.st.CampaignCitizen(ctx, m.CF); c.Email != "" {
			addrs = append(addrs, c.Email)
			f.mailsTo(c.Email)
		}
	}
	before := map[int64]*store.CampaignProposal{}
	for _, m := range hh {
		before[m.ID], _ = f.st.CampaignProposal(ctx, nil, m.ID)
	}
	oldBooking := dayBookings(t, f, hh[1].OfficeID, hh[1].Day)[hh[1].CF]
	v, err := f.svc.Open(ctx, f.svc.Token(hh[0]))
	if err != nil || len(v.GroupDays) == 0 {
		t.Fatalf("no household choice: %v", err)
	}
	pick := v.GroupDays[0].Times[0]
	day := pick.At.Format(time.DateOnly)
	start := pick.At.Hour()*60 + pick.At.Minute()
	// online booking takes the second place onwards: the first alone still has room
	second := pick.Each[len(pick.Each)-1]
	fillDay(t, f, e, pick.OfficeID, day, func(m int) bool { return m > start || m == start && second.Equal(pick.At) })
	_, err = f.svc.ChangeHousehold(ctx, f.svc.Token(hh[0]), pick.ID)
	if model.ErrorCode(err) != model.ECONFLICT {
		t.Fatalf("move to a full day: %v", err)
	}
	for _, m := range hh {
		after, _ := f.st.CampaignProposal(ctx, nil, m.ID)
		b := before[m.ID]
		if after.State != b.State || after.OfficeID != b.OfficeID || after.Day != b.Day || after.Minute != b.Minute || after.Nonce != b.Nonce {
			t.Fatalf("member %d changed by a refused move: %+v → %+v", m.ID, b, after)
		}
	}
	if b := dayBookings(t, f, hh[1].OfficeID, hh[1].Day)[hh[1].CF]; b == nil || b.ID != oldBooking.ID || !b.Start.Equal(oldBooking.Start) {
		t.Fatalf("confirmed member's booking after a refused move: %+v", b)
	}
	if dayBookings(t, f, pick.OfficeID, day)[hh[0].CF] != nil {
		t.Fatal("a refused move left a booking")
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if ms := f.mailsTo(a); len(ms) != 0 {
			t.Fatalf("a refused move sent %d e-mails to %s", len(ms), a)
		}
	}
	if _, err := f.svc.Open(ctx, f.svc.Token(hh[0])); err != nil {
		t.Fatalf("the link after a refused move: %v", err)
	}
}

// TestChangeHouseholdRace: households racing to move to one start of a day that
// online booking filled but for two starts never push a start past its counters,
// and each household moves whole or not at all.
func TestChangeHouseholdRace(t *testing.T) {
	f, e, byHH := sentFixture(t)
	ctx := context.Background()
	hhs := households(byHH)
	if len(hhs) < 3 {
		t.Fatalf("%d households of two or more", len(hhs))
	}
	v, err := f.svc.Open(ctx, f.svc.Token(hhs[0][0]))
	if err != nil || len(v.GroupDays) == 0 {
		t.Fatalf("no household choice: %v", err)
	}
	pick := v.GroupDays[0].Times[0]
	office, day := pick.OfficeID, pick.At.Format(time.DateOnly)
	set, _ := f.st.CampaignSettings(ctx)
	g, _ := f.svc.gridOf(ctx, office, set)
	d, _ := time.Parse(time.DateOnly, day)
	starts := g.day(d)
	start := pick.At.Hour()*60 + pick.At.Minute()
	next := start
	for i, s := range starts {
		if s.Minute == start && i+1 < len(starts) {
			next = starts[i+1].Minute
		}
	}
	fillDay(t, f, e, office, day, func(m int) bool { return m != start && m != next })
	// racers: the households not on that day already
	var racers [][]*store.CampaignProposal
	for _, hh := range hhs {
		if hh[0].OfficeID != office || hh[0].Day != day {
			racers = append(racers, hh)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(racers))
	for i, hh := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.svc.ChangeHousehold(ctx, f.svc.Token(hh[0]), pick.ID)
		}()
	}
	wg.Wait()
	won := 0
	for i, hh := range racers {
		moved := 0
		for _, m := range hh {
			after, _ := f.st.CampaignProposal(ctx, nil, m.ID)
			if after.OfficeID == office && after.Day == day {
				moved++
				if after.State != store.ProposalConfirmed {
					t.Fatalf("moved member %d left %s", m.ID, after.State)
				}
			} else if after.State != store.ProposalProposed || after.Day != m.Day || after.Minute != m.Minute {
				t.Fatalf("member %d of a refused household changed: %+v", m.ID, after)
			}
		}
		switch {
		case errs[i] == nil && moved == len(hh):
			won++
		case model.ErrorCode(errs[i]) == model.ECONFLICT && moved == 0:
		default:
			t.Fatalf("household %d: %v with %d of %d moved", i, errs[i], moved, len(hh))
		}
	}
	t.Logf("%d of %d households moved", won, len(racers))
	if won == 0 || won == len(racers) {
		t.Fatalf("%d of %d households moved into two starts", won, len(racers))
	}
	// no start over its counters, in the booking calendar and in the campaign's share
	midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, f.svc.Loc)
	booked, _ := f.st.SlotUsage(ctx, office, midnight, midnight.AddDate(0, 0, 1))
	slots, _ := f.st.CampaignSlotUsage(ctx, nil, office, day)
	caps, _ := f.svc.capacityOf(ctx, office)
	for _, s := range starts {
		if u := booked[f.svc.At(day, s.Minute).UnixMicro()]; u > s.Capacity {
			t.Fatalf("%s %d: %d booked, %d counters", day, s.Minute, u, s.Capacity)
		}
		if slots[s.Minute] > g.parallel(caps) {
			t.Fatalf("%s %d: %d campaign people, share %d", day, s.Minute, slots[s.Minute], g.parallel(caps))
		}
	}
}
