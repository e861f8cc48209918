package outreach

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/jobs"
	"github.com/sportello/sportello/internal/mail"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// clock is a controllable clock shared by the store, the queue and the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// fakeMailer records messages and bounces addresses starting with "bounce".
type fakeMailer struct {
	mu        sync.Mutex
	sent      []*mail.Message
	failFirst int // temporary failures before anything goes through
}

type bounce struct{}

func (bounce) Error() string  { return "550 5.1.1 mailbox unknown" }
func (bounce) IsTemp() bool   { return false }
func (bounce) ErrorCode() int { return 550 }

func (f *fakeMailer) Send(_ context.Context, m *mail.Message) error {
	if strings.HasPrefix(m.To[0], "bounce") {
		return bounce{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failFirst > 0 {
		f.failFirst--
		return fmt.Errorf("421 4.3.0 relay busy")
	}
	f.sent = append(f.sent, m)
	return nil
}

type fixture struct {
	st    *store.Store
	q     *jobs.Queue
	svc   *Service
	clock *clock
	mail  *fakeMailer
	cs    []register.Citizen
}

// newFixture imports n synthetic citizens (every third without e-mail, one bouncing)
// into a fresh database with the demo offices, and a campaign starting next Monday.
func newFixture(t *testing.T, n int, perWeek int) *fixture {
	t.Helper()
	return newFixtureB(t, n, perWeek)
}

func newFixtureB(t testing.TB, n int, perWeek int) *fixture {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t)
	clk := &clock{t: time.Date(2026, 1, 7, 9, 0, 0, 0, time.UTC)}
	st.Now = clk.Now
	if _, err := st.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	q := jobs.New(st, log)
	fm := &fakeMailer{}
	loc, _ := time.LoadLocation("Europe/Rome")
	svc := New(st, q, fm, log, []byte(strings.Repeat("k", 32)), "https://comune.example", loc)
	svc.Now = clk.Now
	svc.Register(q)
	set := store.DefaultCampaignSettings(clk.Now())
	// 12 weeks: a proposal leaves its citizen the answer window, the 72 hours and
	// the post (earliest), so a plan made today starts in week 3 or 4
	set.Weeks = 12
	if n > 10000 {
		set.Weeks = 26
	}
	if err := st.SaveCampaignSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	offices, _ := st.ListOffices(ctx, true)
	for _, o := range offices {
		if err := st.SetCampaignCapacity(ctx, o.ID, perWeek); err != nil {
			t.Fatal(err)
		}
	}
	syn := plan.NewSynthetic(n, 7, true)
	cs := make([]register.Citizen, len(syn.People))
	for i, p := range syn.People {
		email := fmt.Sprintf("p%d@example.it", i)
		if i%3 == 2 {
			email = ""
		}
		if i == 1 {
			email = "bounce@example.it"
		}
		cs[i] = register.Citizen{CF: p.CF, FamilyName: fmt.Sprintf("Rossi%d", i), GivenNames: "Anna", Sex: "F", Birth: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC),
			Household: p.Household, Address: "Via Roma 1", Postcode: fmt.Sprintf("201%02d", i%50), Lat: p.Lat, Lon: p.Lon, CardType: "paper",
			CardExpiry: p.Due, Email: email, Due: set.Start.AddDate(0, 0, 7*(i%8)), Line: i + 2}
	}
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	return &fixture{st: st, q: q, svc: svc, clock: clk, mail: fm, cs: cs}
}

func (f *fixture) proposals(t *testing.T, where string, args ...any) []*store.CampaignProposal {
	t.Helper()
	ps, err := f.st.CampaignProposals(context.Background(), nil, where, args...)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestImportIdempotentAndStateKept(t *testing.T) {
	f := newFixture(t, 30, 100)
	ctx := context.Background()
	res, err := f.st.ImportCitizens(ctx, f.cs, nil)
	if err != nil || res != (store.ImportResult{Unchanged: 30}) {
		t.Fatalf("re-import = %+v, %v", res, err)
	}
	if err := f.st.SetCitizenState(ctx, f.st.Writer(), f.cs[0].CF, store.CitizenConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	changed := append([]register.Citizen(nil), f.cs...)
	changed[0].Address = "Via Nuova 2"
	res, err = f.st.ImportCitizens(ctx, changed, nil)
	if err != nil || res != (store.ImportResult{Updated: 1, Unchanged: 29}) {
		t.Fatalf("changed import = %+v, %v", res, err)
	}
	c, _ := f.st.CampaignCitizen(ctx, f.cs[0].CF)
	if c.Address != "Via Nuova 2" || c.State != store.CitizenConfirmed {
		t.Fatalf("after update: address %q state %q", c.Address, c.State)
	}
}

func TestPlanSendAnswer(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	run, err := f.svc.Plan(ctx, KindPlan)
	if err != nil {
		t.Fatal(err)
	}
	if run.Planned != 60 || run.Unplanned != 0 {
		t.Fatalf("run %+v", run)
	}
	// households are never split
	byHH := map[string]string{}
	for _, p := range f.proposals(t, "state = ?", store.ProposalPlanned) {
		k := fmt.Sprint(p.OfficeID, p.Day)
		if prev, ok := byHH[p.Household]; ok && prev != k {
			t.Fatalf("household %s split", p.Household)
		}
		byHH[p.Household] = k
	}
	sent, err := f.svc.Send(ctx)
	if err != nil || sent.Emails+sent.Letters != 60 {
		t.Fatalf("send %+v %v", sent, err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.mail.sent) != sent.Emails-1 {
		t.Fatalf("mails %d, want %d (one bounced)", len(f.mail.sent), sent.Emails-1)
	}
	bounced, _ := f.st.CampaignCitizen(ctx, f.cs[1].CF)
	if !bounced.EmailBad {
		t.Fatal("bounce did not mark the address")
	}
	if ps := f.proposals(t, "cf = ?", f.cs[1].CF); ps[0].Channel != store.ChannelLetter {
		t.Fatal("bounced citizen not moved to letters")
	}
	m := f.mail.sent[0]
	if len(m.Attachments) != 1 || !strings.Contains(string(m.Attachments[0].Data), "BEGIN:VEVENT") || !strings.Contains(m.Text, "https://comune.example/c/") {
		t.Fatalf("message lacks ICS or link: %s", m.Text)
	}

	ps := f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelEmail)
	tests := []struct {
		name   string
		act    func(tok string) (*Result, error)
		state  string
		reused bool
	}{
		{"confirm", func(tok string) (*Result, error) { return f.svc.Confirm(ctx, tok, false) }, store.ProposalConfirmed, true},
		{"decline", func(tok string) (*Result, error) { return f.svc.Decline(ctx, tok) }, store.ProposalDeclined, true},
		{"change", func(tok string) (*Result, error) {
			v, err := f.svc.Open(ctx, tok)
			if err != nil {
				return nil, err
			}
			if len(v.Slots) == 0 {
				return nil, fmt.Errorf("no alternatives")
			}
			return f.svc.Change(ctx, tok, v.Slots[len(v.Slots)-1].ID)
		}, store.ProposalConfirmed, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := f.svc.Token(ps[i])
			res, err := tt.act(tok)
			if err != nil {
				t.Fatal(err)
			}
			if res.State != tt.state {
				t.Fatalf("state %s, want %s", res.State, tt.state)
			}
			if _, err := f.svc.Open(ctx, tok); model.ErrorCode(err) != model.EUNAUTHORIZED {
				t.Fatalf("used link still opens: %v", err)
			}
		})
	}
	// a forged token fails. One character in the middle is changed: the last one of a
	// base64 text can carry unused bits, so changing it may decode to the same bytes.
	good := f.svc.Token(ps[3])
	mid, swap := len(good)/2, byte('A')
	if good[mid] == 'A' {
		swap = 'B'
	}
	bad := good[:mid] + string(swap) + good[mid+1:]
	if _, err := f.svc.Open(ctx, bad); model.ErrorCode(err) != model.EUNAUTHORIZED {
		t.Fatalf("forged link: %v", err)
	}
}

func TestExpiryAndReplan(t *testing.T) {
	f := newFixture(t, 90, 20)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	all := f.proposals(t, "state = ?", store.ProposalProposed)
	// a third confirm, a few decline, the rest stay silent
	for i, p := range all {
		switch {
		case i%3 == 0:
			if _, err := f.svc.Confirm(ctx, f.svc.Token(p), false); err != nil {
				t.Fatal(err)
			}
		case i%10 == 1:
			if _, err := f.svc.Decline(ctx, f.svc.Token(p)); err != nil {
				t.Fatal(err)
			}
		}
	}
	silent := len(f.proposals(t, "state = ?", store.ProposalProposed))
	// reminders after ReminderDays
	f.clock.Add(11 * 24 * time.Hour)
	n, err := f.svc.Remind(ctx)
	if err != nil || n == 0 {
		t.Fatalf("remind %d %v", n, err)
	}
	if n2, _ := f.svc.Remind(ctx); n2 != 0 {
		t.Fatalf("second remind sent %d", n2)
	}
	// before the answer window closes only proposals whose appointment is within
	// 72 hours expire, and each of them had its deadline passed
	early, err := f.svc.Expire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range expiredAttempts(t, f) {
		if p.Deadline.After(f.clock.Now()) || f.svc.At(p.Day, p.Minute).Sub(f.clock.Now()) > 72*time.Hour {
			t.Fatalf("expired early: %+v", p)
		}
	}
	for _, p := range f.proposals(t, "state = ? AND run_id = ?", store.ProposalProposed, all[0].RunID) {
		if !p.Deadline.After(f.clock.Now()) {
			t.Fatalf("past its deadline but not expired: %+v", p)
		}
	}
	if early.Expired > 0 && early.Run == nil {
		t.Fatal("early expiry without a re-plan")
	}
	f.clock.Add(10 * 24 * time.Hour)
	// every original silent proposal is past its answer window now, plus any early
	// re-planned one whose appointment is near
	silent = len(f.proposals(t, "state = ? AND deadline <= ?", store.ProposalProposed, store.Micros(f.clock.Now())))
	if silent == 0 {
		t.Fatal("nothing to expire")
	}
	res, err := f.svc.Expire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.Expired != silent || res.Run == nil || res.Run.Kind != KindReplan {
		t.Fatalf("expire %+v, want %d expired and a re-plan", res, silent)
	}
	if res.Run.Planned+res.Run.Unplanned != silent {
		t.Fatalf("re-plan covered %d+%d of %d", res.Run.Planned, res.Run.Unplanned, silent)
	}
	// re-planned proposals start after now, are live, and no office-week is over capacity
	caps, _ := f.svc.Capacities(ctx)
	after, _ := f.st.CampaignWeekUsage(ctx, nil)
	for k, used := range after {
		for _, c := range caps {
			if c.Office.ID == k.Office && used > c.PerWeek {
				t.Fatalf("office %d week %d: %d > %d", k.Office, k.Week, used, c.PerWeek)
			}
		}
	}
	today := f.svc.today().Format(time.DateOnly)
	for _, p := range f.proposals(t, "run_id = ?", res.Run.ID) {
		if p.Day <= today || p.State != store.ProposalProposed || !p.Deadline.After(f.clock.Now()) {
			t.Fatalf("re-planned proposal %+v", p)
		}
	}
	// the link of an attempt that expired and was re-proposed says so; the new one works
	checkSupersededLinks(t, f, res.Run.ID)
}

func TestPhoneBackend(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	ph := Phone{S: f.svc}
	p := f.proposals(t, "state = ?", store.ProposalProposed)[0]
	tests := []struct {
		name string
		code string
		year int
		ok   bool
	}{
		{"right code and year", p.LetterCode, 1960, true},
		{"wrong year", p.LetterCode, 1961, false},
		{"unknown code", "00000000", 1960, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ph.Find(ctx, tt.code, tt.year)
			if tt.ok != (err == nil) {
				t.Fatalf("Find = %v, %v", got, err)
			}
		})
	}
	prop, _ := ph.Find(ctx, p.LetterCode, 1960)
	alts, err := ph.Alternatives(ctx, prop.ID, 4)
	if err != nil || len(alts) == 0 {
		t.Fatalf("alternatives %v %v", alts, err)
	}
	if err := ph.Confirm(ctx, prop.ID, alts[0]); err != nil {
		t.Fatal(err)
	}
	after, _ := f.st.CampaignProposal(ctx, nil, p.ID)
	if after.State != store.ProposalConfirmed || after.DecidedVia != ViaPhone || slotID(after.OfficeID, after.Day, after.Minute) != alts[0].ID {
		t.Fatalf("after phone confirm: %+v", after)
	}
	// found again, it is the confirmed appointment to read back, not one to answer
	if got, err := ph.Find(ctx, p.LetterCode, 1960); err != nil || !got.Confirmed || got.Slot.ID != alts[0].ID {
		t.Fatalf("a confirmed proposal on the line: %+v, %v", got, err)
	}
}

func TestLettersPDF(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.Send(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	b, err := f.svc.Letters(ctx, &buf)
	if err != nil || b.People != res.Letters || !strings.HasPrefix(buf.String(), "PK") {
		t.Fatalf("letters %+v for %d proposals, %v", b, res.Letters, err)
	}
}

func TestConfirmHousehold(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	// the first household with more than one member
	byHH := map[string][]*store.CampaignProposal{}
	for _, p := range f.proposals(t, "state = ?", store.ProposalProposed) {
		byHH[p.Household] = append(byHH[p.Household], p)
	}
	var hh []*store.CampaignProposal
	for _, ps := range byHH {
		if len(ps) > 1 {
			hh = ps
			break
		}
	}
	if hh == nil {
		t.Fatal("no household with two members in the fixture")
	}
	v, err := f.svc.Open(ctx, f.svc.Token(hh[0]))
	if err != nil || len(v.Household) != len(hh)-1 {
		t.Fatalf("view lists %d others, want %d (%v)", len(v.Household), len(hh)-1, err)
	}
	res, err := f.svc.Confirm(ctx, f.svc.Token(hh[0]), true)
	if err != nil || res.Count != len(hh) {
		t.Fatalf("confirmed %d of %d (%v)", res.Count, len(hh), err)
	}
	for _, p := range hh {
		after, _ := f.st.CampaignProposal(ctx, nil, p.ID)
		c, _ := f.st.CampaignCitizen(ctx, p.CF)
		if after.State != store.ProposalConfirmed || c.State != store.CitizenConfirmed {
			t.Fatalf("member %d: %s / %s", p.ID, after.State, c.State)
		}
		// every member's own link is spent too
		if _, err := f.svc.Open(ctx, f.svc.Token(p)); model.ErrorCode(err) != model.EUNAUTHORIZED {
			t.Fatalf("member link still opens: %v", err)
		}
	}
}

func TestMailPacer(t *testing.T) {
	p := newPacer(3) // one message every 20 s
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if at := p.slot(1, now); !at.IsZero() {
		t.Fatalf("first message deferred to %v", at)
	}
	var due []time.Time
	for key := int64(2); key <= 6; key++ {
		due = append(due, p.slot(key, now))
	}
	for i, at := range due {
		if want := now.Add(time.Duration(i+1) * 20 * time.Second); !at.Equal(want) {
			t.Fatalf("message %d booked for %v, want %v", i+2, at, want)
		}
	}
	// a job that comes back early keeps its time; on time it goes, once
	if at := p.slot(3, now.Add(30*time.Second)); !at.Equal(due[1]) {
		t.Fatalf("early return rebooked to %v", at)
	}
	if at := p.slot(3, due[1]); !at.IsZero() {
		t.Fatalf("on time still deferred to %v", at)
	}
	if len(p.booked) != 4 {
		t.Fatalf("%d bookings kept, want 4", len(p.booked))
	}
	// a newcomer queues after everyone already booked
	if at := p.slot(7, due[1]); !at.Equal(now.Add(120 * time.Second)) {
		t.Fatalf("newcomer booked for %v", at)
	}
}

func TestTokenByCode(t *testing.T) {
	f := newFixture(t, 12, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	p := f.proposals(t, "state = ?", store.ProposalProposed)[0]
	tests := []struct {
		name, code string
		year       int
		want       string // error code, "" for success
	}{
		{"match", p.LetterCode[:4] + " " + p.LetterCode[4:], 1960, ""},
		{"wrong year", p.LetterCode, 1961, model.ENOTFOUND},
		{"short", "1234", 1960, model.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := f.svc.TokenByCode(ctx, tt.code, tt.year)
			if model.ErrorCode(err) != tt.want {
				t.Fatalf("err %v, want %q", err, tt.want)
			}
			if tt.want == "" && tok != f.svc.Token(p) {
				t.Fatal("wrong token")
			}
		})
	}
}

// TestMailRetried: a relay that refuses for a while delays the proposals; the queue
// retries them after its backoff and every one is delivered once.
func TestMailRetried(t *testing.T) {
	f := newFixture(t, 9, 200)
	ctx := context.Background()
	f.mail.failFirst = 3
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	sent, err := f.svc.Send(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.mail.sent) != sent.Emails-1-3 { // one bounced, three refused for now
		t.Fatalf("first pass delivered %d of %d", len(f.mail.sent), sent.Emails)
	}
	f.clock.Add(time.Minute)
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(f.mail.sent) != sent.Emails-1 {
		t.Fatalf("after the backoff %d of %d delivered", len(f.mail.sent), sent.Emails-1)
	}
}

// TestConcurrentPlans: an admin's plan and the hourly re-plan racing never give one
// citizen two proposals (on PostgreSQL the losing transaction gets a conflict).
func TestConcurrentPlans(t *testing.T) {
	f := newFixture(t, 40, 200)
	ctx := context.Background()
	errs := make(chan error, 2)
	for _, kind := range []string{KindReplan, KindReplan} {
		go func() { _, err := f.svc.Plan(ctx, kind); errs <- err }()
	}
	ok := 0
	for i := 0; i < 2; i++ {
		err := <-errs
		switch model.ErrorCode(err) {
		case "":
			ok++
		case model.ECONFLICT, model.EINVALID: // lost the race, or found nobody left
		default:
			t.Fatal(err)
		}
	}
	if ok == 0 {
		t.Fatal("neither plan succeeded")
	}
	seen := map[string]bool{}
	for _, p := range f.proposals(t, "state IN ('planned', 'proposed', 'confirmed')") {
		if seen[p.CF] {
			t.Fatalf("two open proposals for one citizen")
		}
		seen[p.CF] = true
	}
	if len(seen) != 40 {
		t.Fatalf("%d citizens planned, want 40", len(seen))
	}
}
