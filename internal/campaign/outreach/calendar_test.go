package outreach

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/booking/engine"
	"github.com/sportello/sportello/internal/codicefiscale"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// offered reports whether the office's booking calendar has an appointment of
// minutes starting at minute on day: a weekly period of that weekday (or an
// exceptional opening) whose slots it starts on and within which it ends, and no
// closure that day. It is written apart from the grid on purpose.
func offered(t *testing.T, st *store.Store, officeID int64, day string, minute, minutes int) bool {
	t.Helper()
	ctx := context.Background()
	if cl, _ := st.Closures(ctx, officeID, day, day); len(cl) > 0 {
		return false
	}
	d, _ := time.Parse(time.DateOnly, day)
	hours, err := st.OpeningHours(ctx, officeID)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hours {
		if h.Weekday == d.Weekday() && minute >= h.OpensMin && minute+minutes <= h.ClosesMin && (minute-h.OpensMin)%h.SlotMinutes == 0 {
			return true
		}
	}
	return false
}

// TestPlanFollowsBookingCalendar plans with a holiday on the campaign's first Tuesday:
// every proposal is within its office's real hours (Via Larga's split day included)
// and nobody is proposed the holiday.
func TestPlanFollowsBookingCalendar(t *testing.T) {
	f := newFixture(t, 400, 200)
	ctx := context.Background()
	set, _ := f.st.CampaignSettings(ctx)
	holiday := set.Start.AddDate(0, 0, 1).Format(time.DateOnly) // Tuesday of week 0
	offices, _ := f.st.ListOffices(ctx, true)
	var largaID int64
	for _, o := range offices {
		if o.Code == "larga" {
			largaID = o.ID
		}
		if err := f.st.AddClosure(ctx, &booking.Closure{OfficeID: o.ID, Day: holiday, Note: "festa"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	ps := f.proposals(t, "state = ?", store.ProposalPlanned)
	if len(ps) != 400 {
		t.Fatalf("%d proposals, want 400", len(ps))
	}
	atLarga := 0
	for _, p := range ps {
		if p.Day == holiday {
			t.Fatalf("proposal %d on the holiday %s", p.ID, p.Day)
		}
		if !offered(t, f.st, p.OfficeID, p.Day, p.Minute, set.MinutesPerApp) {
			t.Fatalf("proposal %d at office %d on %s %02d:%02d, outside its opening hours", p.ID, p.OfficeID, p.Day, p.Minute/60, p.Minute%60)
		}
		if p.OfficeID == largaID {
			atLarga++
		}
	}
	if atLarga == 0 {
		t.Fatal("nobody planned at Via Larga: the split day was not exercised")
	}
}

// TestChangeRefusesClosedDay: a day closed after the alternatives were shown is
// refused with a message that says so, and is no longer offered.
func TestChangeRefusesClosedDay(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	p := f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelEmail)[0]
	tok := f.svc.Token(p)
	v, err := f.svc.Open(ctx, tok)
	if err != nil || len(v.Slots) == 0 {
		t.Fatalf("open: %v, %d slots", err, len(v.Slots))
	}
	sl := v.Slots[0]
	day := sl.At.Format(time.DateOnly)
	if err := f.st.AddClosure(ctx, &booking.Closure{OfficeID: sl.OfficeID, Day: day, Note: "sciopero"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Change(ctx, tok, sl.ID)
	if model.ErrorCode(err) != model.EINVALID || !strings.Contains(model.ErrorMessage(err), "closed") {
		t.Fatalf("change to a closed day: %v", err)
	}
	if after, _ := f.st.CampaignProposal(ctx, nil, p.ID); after.State != store.ProposalProposed || after.Day != p.Day {
		t.Fatalf("refused change altered the proposal: %+v", after)
	}
	v, err = f.svc.Open(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range v.Slots {
		if s.OfficeID == sl.OfficeID && s.At.Format(time.DateOnly) == day {
			t.Fatalf("closed day still offered: %s", s.ID)
		}
	}
}

// validCF returns a valid codice fiscale number i.
func validCF(i int) string {
	base := fmt.Sprintf("VRDGPP%02dA01F205", 50+i%50)
	for c := 'A'; c <= 'Z'; c++ {
		if codicefiscale.Valid(base + string(c)) {
			return base + string(c)
		}
	}
	panic(base)
}

// withEngine wires a booking engine to the fixture's service, as the app does.
func withEngine(t *testing.T, f *fixture) *engine.Engine {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := engine.New(f.st, f.q, f.mail, log, []byte(strings.Repeat("b", 32)), f.svc.Loc, "https://comune.example")
	f.svc.Bookings = e
	e.CalendarUID = f.svc.CalendarUID
	return e
}

// dayBookings lists the active bookings of an office's day by codice fiscale, as the
// clerk's agenda reads them.
func dayBookings(t *testing.T, f *fixture, officeID int64, day string) map[string]*booking.Booking {
	t.Helper()
	d, _ := time.Parse(time.DateOnly, day)
	from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, f.svc.Loc)
	bs, err := f.st.BookingsBetween(context.Background(), officeID, from, from.AddDate(0, 0, 1))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*booking.Booking{}
	for _, b := range bs {
		if booking.Active(b.State) {
			for _, p := range b.Persons {
				out[p.CF] = b
			}
		}
	}
	return out
}

// TestConfirmMakesBooking: a confirmed proposal is a booking in the clerk's agenda at
// its time; a time online booking filled refuses the confirmation with the "just
// taken" message and nothing changes; the alternatives still work; a household
// confirmed together gets each member's booking; closing the case cancels the booking
// and the slot returns after the office's hold-back.
func TestConfirmMakesBooking(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	e := withEngine(t, f)
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	ps := f.proposals(t, "state = ?", store.ProposalProposed)
	byHH := map[string][]*store.CampaignProposal{}
	for _, p := range ps {
		byHH[p.Household] = append(byHH[p.Household], p)
	}
	var singles, hh []*store.CampaignProposal
	for _, m := range byHH {
		if len(m) == 1 {
			singles = append(singles, m[0])
		} else if hh == nil {
			hh = m
		}
	}
	if len(singles) < 3 || hh == nil {
		t.Fatalf("fixture has %d single households and household %v", len(singles), hh)
	}

	// 1. confirm → the agenda of that day lists the person at the proposal's time
	p1 := singles[0]
	if _, err := f.svc.Confirm(ctx, f.svc.Token(p1), false); err != nil {
		t.Fatal(err)
	}
	b1 := dayBookings(t, f, p1.OfficeID, p1.Day)[p1.CF]
	if b1 == nil || !b1.Start.Equal(f.svc.At(p1.Day, p1.Minute)) || b1.CreatedBy != engine.CampaignCreator {
		t.Fatalf("confirmed proposal's booking: %+v", b1)
	}

	// 2. online booking fills p2's time → confirming p2 is refused, nothing changes
	p2 := singles[1]
	at := f.svc.At(p2.Day, p2.Minute)
	svc, err := e.ServiceByCode(ctx, engine.CampaignService)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		_, tok, err := e.Hold(ctx, engine.Request{OfficeID: p2.OfficeID, ServiceID: svc.ID, Start: at, People: 1}, "it", "user:sportello")
		if engine.IsSlotTaken(err) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Confirm(ctx, tok, []booking.Person{{Name: "Giuseppe", Surname: "Verdi", CF: validCF(i)}},
			booking.Contact{Email: fmt.Sprintf("online%d@example.it", i), Phone: "021234567"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = f.svc.Confirm(ctx, f.svc.Token(p2), false)
	if model.ErrorCode(err) != model.ECONFLICT || !strings.Contains(model.ErrorMessage(err), "just taken") {
		t.Fatalf("confirm on a full slot: %v", err)
	}
	if after, _ := f.st.CampaignProposal(ctx, nil, p2.ID); after.State != store.ProposalProposed {
		t.Fatalf("refused confirmation left the proposal %s", after.State)
	}
	if dayBookings(t, f, p2.OfficeID, p2.Day)[p2.CF] != nil {
		t.Fatal("refused confirmation left a booking")
	}
	// the link still works: the citizen takes an alternative, which is booked there
	v, err := f.svc.Open(ctx, f.svc.Token(p2))
	if err != nil || len(v.Slots) == 0 {
		t.Fatalf("alternatives after a taken slot: %v, %d", err, len(v.Slots))
	}
	res, err := f.svc.Change(ctx, f.svc.Token(p2), v.Slots[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if b := dayBookings(t, f, res.Proposal.OfficeID, res.Proposal.Day)[p2.CF]; b == nil || !b.Start.Equal(v.Slots[0].At) {
		t.Fatalf("changed proposal's booking: %+v", b)
	}

	// 3. a household confirmed together: every member booked at their own time. The
	// household is one whose day steps 1 and 2 left alone: online booking and p2's
	// change may have taken a time it was proposed (proposals hold no booking until
	// confirmed), which is step 2's refusal, not this step's subject.
	touched := func(m *store.CampaignProposal) bool {
		for _, q := range []*store.CampaignProposal{p1, p2, res.Proposal} {
			if m.OfficeID == q.OfficeID && m.Day == q.Day {
				return true
			}
		}
		return false
	}
	hh = nil
	keys := make([]string, 0, len(byHH))
	for k := range byHH {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if m := byHH[k]; len(m) > 1 && !slices.ContainsFunc(m, touched) {
			hh = m
			break
		}
	}
	if hh == nil {
		t.Fatal("no household on a day steps 1 and 2 left alone")
	}
	if _, err := f.svc.Confirm(ctx, f.svc.Token(hh[0]), true); err != nil {
		t.Fatal(err)
	}
	for _, m := range hh {
		b := dayBookings(t, f, m.OfficeID, m.Day)[m.CF]
		if b == nil || !b.Start.Equal(f.svc.At(m.Day, m.Minute)) {
			t.Fatalf("household member %s: booking %+v", m.CF, b)
		}
	}

	// 4. the citizen declines at the counter: the booking is cancelled, its slot
	// held back like any cancelled booking's, then returned
	used := func() int {
		u, err := f.st.SlotUsage(ctx, p1.OfficeID, b1.Start, b1.Start.Add(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		return u[b1.Start.UnixMicro()]
	}
	before := used()
	if err := f.svc.SetOutcome(ctx, p1.CF, store.CitizenDeclined, ""); err != nil {
		t.Fatal(err)
	}
	if dayBookings(t, f, p1.OfficeID, p1.Day)[p1.CF] != nil {
		t.Fatal("declined citizen still in the agenda")
	}
	if used() != before {
		t.Fatal("slot returned before the hold-back")
	}
	st, _ := f.st.BookingSettings(ctx, p1.OfficeID)
	f.clock.Add(time.Duration(st.HoldbackMinutes)*time.Minute + time.Minute)
	if _, err := e.ReleaseDue(ctx); err != nil {
		t.Fatal(err)
	}
	if used() != before-1 {
		t.Fatalf("slot use %d after the hold-back, want %d", used(), before-1)
	}
}

// TestExceptionalOpeningOffered: a Sunday the admin opens exceptionally is offered as
// an alternative, and choosing it books the citizen there.
func TestExceptionalOpeningOffered(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	withEngine(t, f)
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	p := f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelEmail)[0]
	set, _ := f.st.CampaignSettings(ctx)
	// a week on, the first day a change may go to is a Saturday: the Sunday after it
	// is among the few days of the page of the soonest days (the proposal itself is
	// weeks later, as its answer window asks, and its page starts around it)
	f.clock.Add(7 * 24 * time.Hour)
	sunday := f.svc.today().AddDate(0, 0, minNoticeDays)
	if sunday.Before(set.Start) {
		sunday = set.Start
	}
	for sunday.Weekday() != time.Sunday {
		sunday = sunday.AddDate(0, 0, 1)
	}
	day := sunday.Format(time.DateOnly)
	if err := f.st.AddOpening(ctx, &booking.Opening{OfficeID: p.OfficeID, Day: day, OpensMin: 9 * 60, ClosesMin: 12 * 60, SlotMinutes: 20, Counters: 2, Note: "open day"}); err != nil {
		t.Fatal(err)
	}
	tok := f.svc.Token(p)
	days, err := f.svc.ChoicesFrom(ctx, p, 1, f.svc.PageFrom(ctx, p, f.svc.today().Format(time.DateOnly)))
	if err != nil {
		t.Fatal(err)
	}
	var slots []Slot
	for _, d := range days {
		slots = append(slots, d.Times...)
	}
	var pick *Slot
	for i, s := range slots {
		if s.OfficeID == p.OfficeID && s.At.Format(time.DateOnly) == day {
			pick = &slots[i]
		}
	}
	if pick == nil {
		t.Fatalf("the exceptional opening on %s is not offered: %+v", day, slots)
	}
	if h, m := pick.At.Hour(), pick.At.Minute(); h*60+m < 9*60 || h*60+m+20 > 12*60 {
		t.Fatalf("offered %02d:%02d, outside the opening", h, m)
	}
	if _, err := f.svc.Change(ctx, tok, pick.ID); err != nil {
		t.Fatal(err)
	}
	if b := dayBookings(t, f, p.OfficeID, day)[p.CF]; b == nil || !b.Start.Equal(pick.At) {
		t.Fatalf("booking on the opening: %+v", b)
	}
}

// BenchmarkCalendars is what reading the booking calendar adds to each plan and
// re-plan: the eleven demo offices over 26 weeks.
func BenchmarkCalendars(b *testing.B) {
	f := newFixtureB(b, 30, 200)
	ctx := context.Background()
	set, _ := f.st.CampaignSettings(ctx)
	set.Weeks = 26
	caps, err := f.svc.Capacities(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		cals, err := f.svc.calendars(ctx, set, caps, set.Start, set.Weeks, []string{store.ProposalProposed}, nil)
		if err != nil || len(cals) != len(caps) {
			b.Fatal(err)
		}
	}
}

// TestConfirmRefusesClosedDay: a proposal whose day the admin closed after sending it
// cannot be confirmed there; the link stays open for another time.
func TestConfirmRefusesClosedDay(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	p := f.proposals(t, "state = ?", store.ProposalProposed)[0]
	if err := f.st.AddClosure(ctx, &booking.Closure{OfficeID: p.OfficeID, Day: p.Day, Note: "lavori"}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Confirm(ctx, f.svc.Token(p), false)
	if model.ErrorCode(err) != model.EINVALID || !strings.Contains(model.ErrorMessage(err), "closed") {
		t.Fatalf("confirm on a closed day: %v", err)
	}
	if v, err := f.svc.Open(ctx, f.svc.Token(p)); err != nil || len(v.Slots) == 0 {
		t.Fatalf("link after the refusal: %v", err)
	}
}

// TestSyncFollowsClerk: a clerk cancels one campaign booking and moves another from
// the agenda; the sync puts the first citizen back for the re-plan and gives the
// second proposal its new time.
func TestSyncFollowsClerk(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	e := withEngine(t, f)
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	ps := f.proposals(t, "state = ?", store.ProposalProposed)
	p1, p2 := ps[0], ps[len(ps)-1]
	if p1.Household == p2.Household {
		t.Fatal("fixture: pick two households")
	}
	for _, p := range []*store.CampaignProposal{p1, p2} {
		if _, err := f.svc.Confirm(ctx, f.svc.Token(p), false); err != nil {
			t.Fatal(err)
		}
	}
	b1 := dayBookings(t, f, p1.OfficeID, p1.Day)[p1.CF]
	b2 := dayBookings(t, f, p2.OfficeID, p2.Day)[p2.CF]
	if _, err := e.Cancel(ctx, b1.ID, 0, "user:clerk"); err != nil {
		t.Fatal(err)
	}
	set, _ := f.st.CampaignSettings(ctx)
	g, err := f.svc.gridOf(ctx, p2.OfficeID, set)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := time.Parse(time.DateOnly, p2.Day)
	var to time.Time
	for d = d.AddDate(0, 0, 1); to.IsZero(); d = d.AddDate(0, 0, 1) {
		if starts := g.day(d); len(starts) > 0 {
			to = f.svc.At(d.Format(time.DateOnly), starts[len(starts)-1].Minute)
		}
	}
	if _, err := e.Move(ctx, b2.ID, 0, to, "user:clerk"); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.SyncBookings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Replan != 1 || res.Moved != 1 {
		t.Fatalf("sync %+v, want one re-plan and one move", res)
	}
	after1, _ := f.st.CampaignProposal(ctx, nil, p1.ID)
	c1, _ := f.st.CampaignCitizen(ctx, p1.CF)
	if after1.State != store.ProposalCancelled || c1.State != store.CitizenNew {
		t.Fatalf("cancelled at the counter: proposal %s, citizen %s", after1.State, c1.State)
	}
	after2, _ := f.st.CampaignProposal(ctx, nil, p2.ID)
	if !f.svc.At(after2.Day, after2.Minute).Equal(to) || after2.State != store.ProposalConfirmed {
		t.Fatalf("moved at the counter: proposal at %s, booking at %s", f.svc.At(after2.Day, after2.Minute), to)
	}
	if res, err := f.svc.SyncBookings(ctx); err != nil || res != (SyncResult{}) {
		t.Fatalf("second sync changed %+v (%v)", res, err)
	}
}
