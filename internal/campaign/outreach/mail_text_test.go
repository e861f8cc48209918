package outreach

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/bring"
	"github.com/sportello/sportello/internal/store"
)

// firstEmailed sends the plan and returns an e-mailed proposal and its citizen's
// address; the send's mails are left in f.mail.
func firstEmailed(t *testing.T, f *fixture) (*store.CampaignProposal, string) {
	t.Helper()
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
	p := f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelEmail)[0]
	c, _ := f.st.CampaignCitizen(ctx, p.CF)
	return p, c.Email
}

// TestProposalMailBringAndPhone: the proposal e-mail asks for what the letter asks
// for (photo and fee, in both languages), gives the phone line's number with the
// code when there is a line, and without one prints no phone instruction at all; the
// code then goes with the short /campagna address, where it is still of use. The
// confirmation e-mail asks for the same things.
func TestProposalMailBringAndPhone(t *testing.T) {
	for _, phone := range []string{"", "02 02 02"} {
		t.Run("phone="+phone, func(t *testing.T) {
			f := newFixture(t, 30, 200)
			f.svc.Phone = phone
			p, addr := firstEmailed(t, f)
			ms := f.mailsTo(addr)
			if len(ms) != 1 {
				t.Fatalf("%d proposal mails", len(ms))
			}
			text := ms[0].Text
			code := FormatCode(p.LetterCode)
			wantLines(t, "proposal", text, bring.IT, bring.EN, "https://comune.example/campagna e inserisca il codice personale "+code,
				"go to https://comune.example/campagna and enter your personal code "+code)
			if phone != "" {
				wantLines(t, "proposal with a phone line", text, "chiami il 02 02 02", "digiti il codice personale "+code, "call 02 02 02", "enter your personal code "+code+" and your year of birth, then 1")
			} else {
				for _, bad := range []string{"telefon", "phone", "chiami"} {
					if strings.Contains(strings.ToLower(text), bad) {
						t.Fatalf("proposal without a phone line mentions %q:\n%s", bad, text)
					}
				}
			}
			if _, err := f.svc.Confirm(context.Background(), f.svc.Token(p), false); err != nil {
				t.Fatal(err)
			}
			if err := f.q.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
			ms = f.mailsTo(addr)
			if len(ms) != 1 {
				t.Fatalf("%d confirmation mails", len(ms))
			}
			wantLines(t, "confirmation", ms[0].Text, "confermato", bring.IT, bring.EN)
		})
	}
}

// TestReminderSaysWhatIsNew: the reminder opens, right after the greeting, with the
// news (no answer yet, how many days are left, until when), in both languages.
func TestReminderSaysWhatIsNew(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	p, addr := firstEmailed(t, f)
	f.mailsTo(addr) // the proposal
	f.clock.Add(11 * 24 * time.Hour)
	if n, err := f.svc.Remind(ctx); err != nil || n == 0 {
		t.Fatalf("remind %d %v", n, err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	ms := f.mailsTo(addr)
	if len(ms) != 1 {
		t.Fatalf("%d reminders", len(ms))
	}
	// the days from the comune's today to the deadline's day, counted by the calendar
	now, dl := f.clock.Now().In(f.svc.Loc), p.Deadline.In(f.svc.Loc)
	left := 0
	for d := time.Date(now.Year(), now.Month(), now.Day(), 12, 0, 0, 0, f.svc.Loc); d.Format(time.DateOnly) < dl.Format(time.DateOnly); d = d.AddDate(0, 0, 1) {
		left++
	}
	if left < 2 {
		t.Fatalf("fixture: %d days left", left)
	}
	m := ms[0]
	if !strings.HasPrefix(m.Subject, "Promemoria / Reminder:") {
		t.Fatalf("subject %q", m.Subject)
	}
	paras := strings.Split(m.Text, "\n\n")
	wantIT := "non abbiamo ancora ricevuto la sua risposta. Le restano " + strconv.Itoa(left) + " giorni per rispondere, fino al " + dl.Format("02/01/2006")
	if len(paras) < 2 || !strings.HasPrefix(paras[1], wantIT) {
		t.Fatalf("reminder does not open with %q:\n%s", wantIT, m.Text)
	}
	wantLines(t, "reminder", m.Text, "we have not received your answer yet. You have "+strconv.Itoa(left)+" days left to answer, until "+dl.Format("2 January 2006"))
	en := strings.Split(m.Text, "---\n\n")
	if len(en) != 2 || !strings.HasPrefix(strings.SplitN(en[1], "\n\n", 3)[1], "we have not received your answer yet.") {
		t.Fatalf("English part does not open with the news:\n%s", m.Text)
	}
}

// TestReproposalMailSaysItReplaces: after expiry and re-plan the new e-mail is not the
// first one again: its subject says it is a new proposal and its body opens with the
// earlier one (its day, its appointment) not confirmed and cancelled; the calendar
// file moves the same event (same UID, higher SEQUENCE).
func TestReproposalMailSaysItReplaces(t *testing.T) {
	f := newFixture(t, 60, 200)
	ctx := context.Background()
	firstEmailed(t, f)
	f.mail.mu.Lock()
	f.mail.sent = nil
	f.mail.mu.Unlock()
	f.clock.Add(26 * 24 * time.Hour) // past every deadline
	if _, err := f.svc.Expire(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	var p *store.CampaignProposal
	var prev store.ProposalAttempt
	for _, q := range f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelEmail) {
		if as, _ := f.st.CampaignProposalAttempts(ctx, nil, q.ID); len(as) == 1 && as[0].Channel == store.ChannelEmail {
			p, prev = q, as[0]
			break
		}
	}
	if p == nil {
		t.Fatal("no e-mailed proposal re-proposed in place")
	}
	c, _ := f.st.CampaignCitizen(ctx, p.CF)
	ms := f.mailsTo(c.Email)
	if len(ms) != 1 {
		t.Fatalf("%d mails for the re-proposal", len(ms))
	}
	m := ms[0]
	if !strings.Contains(m.Subject, "nuova proposta") || !strings.Contains(m.Subject, "new appointment proposal") {
		t.Fatalf("re-proposal subject %q", m.Subject)
	}
	pat := f.svc.At(prev.Day, prev.Minute)
	paras := strings.Split(m.Text, "\n\n")
	wantIT := "Nuova proposta: la precedente del " + itDay(prev.SentAt.In(f.svc.Loc)) + " (appuntamento di " + itDate(pat) + ", ore " + pat.Format("15:04") + ") non è stata confermata ed è stata annullata."
	if len(paras) < 2 || !strings.HasPrefix(paras[1], wantIT) {
		t.Fatalf("re-proposal does not open with %q:\n%s", wantIT, m.Text)
	}
	wantLines(t, "re-proposal", m.Text, "New proposal: the previous one of "+prev.SentAt.In(f.svc.Loc).Format("2 January 2006")+" (appointment on "+pat.Format("Monday 2 January 2006"))
	wantLines(t, "re-proposal ICS", icsOf(t, m), "UID:campaign-"+strconv.FormatInt(p.ID, 10)+"@sportello", "SEQUENCE:1", "STATUS:TENTATIVE")
}
