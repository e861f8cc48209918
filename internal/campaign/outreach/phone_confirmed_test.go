package outreach

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/phonebot"
	"github.com/sportello/sportello/internal/store"
)

// dial keys code and birth year in, then keys, and returns the dialogue with every
// prompt it said after the year.
func dial(t *testing.T, f *fixture, code string, keys ...string) (*phonebot.Dialog, []phonebot.Prompt) {
	t.Helper()
	d := phonebot.New(&phonebot.Guard{Backend: Phone{S: f.svc}}, f.svc.Loc)
	d.Start()
	var said []phonebot.Prompt
	for i, k := range append([]string{code + "#", "1960#"}, keys...) {
		p, err := d.Input(context.Background(), k)
		if err != nil {
			t.Fatalf("keys %q: %v", k, err)
		}
		if i > 0 {
			said = append(said, p)
		}
	}
	return d, said
}

// spoken is how the line reads a time: "lunedì 2 febbraio alle 9 e 20".
func spoken(at time.Time) string {
	clock := fmt.Sprint(at.Hour())
	if at.Minute() != 0 {
		clock += fmt.Sprintf(" e %d", at.Minute())
	}
	days := []string{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"}
	months := []string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}
	return fmt.Sprintf("%s %d %s alle %s", days[at.Weekday()], at.Day(), months[at.Month()-1], clock)
}

// TestPhoneReadsConfirmed: a citizen whose relative moved the household calls with
// their letter's code: the line reads the appointment as it stands now (day, time,
// office), changes nothing, offers 1 to hear it again and 3 for an operator, and
// says goodbye to a caller who has heard it and keys nothing; past the answer's
// deadline it still reads it, and once its time has passed the code matches nothing.
func TestPhoneReadsConfirmed(t *testing.T) {
	f, _, byHH := sentFixture(t)
	ctx := context.Background()
	hh := households(byHH)[0]
	v, err := f.svc.Open(ctx, f.svc.Token(hh[0]))
	if err != nil || len(v.GroupDays) == 0 {
		t.Fatalf("household choices: %v", err)
	}
	last := v.GroupDays[len(v.GroupDays)-1]
	if _, err := f.svc.ChangeHousehold(ctx, f.svc.Token(hh[0]), last.Times[len(last.Times)-1].ID); err != nil {
		t.Fatal(err)
	}
	moved, _ := f.st.CampaignProposal(ctx, nil, hh[1].ID)
	if moved.State != store.ProposalConfirmed || moved.Day == hh[1].Day && moved.Minute == hh[1].Minute {
		t.Fatalf("fixture: the relative is %s at %s %d, was %s %d", moved.State, moved.Day, moved.Minute, hh[1].Day, hh[1].Minute)
	}
	at := f.svc.At(moved.Day, moved.Minute)
	o, err := f.st.OfficeByID(ctx, moved.OfficeID)
	if err != nil {
		t.Fatal(err)
	}
	readsIt := func(p phonebot.Prompt) {
		t.Helper()
		if p.ID != "booked" || p.Digits != 1 {
			t.Fatalf("prompt %s (%d keys), want the confirmed appointment read back", p.ID, p.Digits)
		}
		wantLines(t, "read-back", p.Text, "confermato", spoken(at.In(f.svc.Loc)), o.Name, "prema 1", "prema 3")
	}
	unchanged := func() {
		t.Helper()
		after, _ := f.st.CampaignProposal(ctx, nil, moved.ID)
		if after.State != store.ProposalConfirmed || after.OfficeID != moved.OfficeID || after.Day != moved.Day || after.Minute != moved.Minute || after.Nonce != moved.Nonce {
			t.Fatalf("the call changed the confirmed appointment: %+v", after)
		}
	}

	// 3: an operator, to change or cancel
	d, said := dial(t, f, moved.LetterCode, "3")
	readsIt(said[0])
	if d.State() != phonebot.ToOperator {
		t.Fatalf("3 on a confirmed appointment: %s", d.State())
	}
	unchanged()

	// 1 reads it again, 2 is not a choice here, silence twice is goodbye
	d, said = dial(t, f, moved.LetterCode, "1", "2", "", "")
	readsIt(said[1])
	if !strings.HasPrefix(said[2].Text, "Scelta non valida") || d.State() != phonebot.Goodbye {
		t.Fatalf("after 1, 2 and silence: %q, %s", said[2].Text, d.State())
	}
	unchanged()

	// past the answer's deadline, before the appointment: still read
	if !moved.Deadline.Before(at) {
		t.Fatalf("fixture: deadline %v not before the appointment %v", moved.Deadline, at)
	}
	f.clock.Add(moved.Deadline.Sub(f.clock.Now()) + time.Minute)
	_, said = dial(t, f, moved.LetterCode)
	readsIt(said[0])

	// the appointment's time has passed: nothing to read
	f.clock.Add(at.Sub(f.clock.Now()) + time.Minute)
	if _, said = dial(t, f, moved.LetterCode); said[0].ID != "no_match" {
		t.Fatalf("after the appointment: %s %q", said[0].ID, said[0].Text)
	}
}
