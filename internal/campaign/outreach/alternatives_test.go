package outreach

import (
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/store"
)

// TestChoicesAroundTheProposal: the link page of a proposal weeks away offers days
// of the proposal's own week and after it, and a couple just before it, not only
// the soonest days (who is away until then could only decline); Pages' later link
// pages forward through the campaign's weeks, each page from its day on, up to the
// campaign's last week; a household's pages keep the all-fit rule.
func TestChoicesAroundTheProposal(t *testing.T) {
	f, _, byHH := sentFixture(t)
	ctx := context.Background()
	var p *store.CampaignProposal
	for _, m := range byHH {
		if len(m) == 1 && (p == nil || m[0].Week > p.Week) {
			p = m[0]
		}
	}
	w, err := f.svc.window(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if w.week.Sub(w.first) < 14*24*time.Hour {
		t.Fatalf("fixture: the latest proposal (week %d, %s) is not weeks away from the first day a change may go to (%s)",
			p.Week, p.Day, w.first.Format(time.DateOnly))
	}
	v, err := f.svc.Open(ctx, f.svc.Token(p))
	if err != nil {
		t.Fatal(err)
	}
	utc := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC) }
	var before, during int
	for _, d := range v.Days {
		day := utc(d.Date)
		if day.Before(w.first) || !day.Before(w.end) {
			t.Fatalf("day %s outside %s…%s", day.Format(time.DateOnly), w.first.Format(time.DateOnly), w.end.Format(time.DateOnly))
		}
		if !d.Same {
			continue
		}
		if day.Before(w.week) {
			before++
			if w.week.Sub(day) > 7*24*time.Hour {
				t.Fatalf("earlier day %s is not just before the proposal's week %s", day.Format(time.DateOnly), w.week.Format(time.DateOnly))
			}
		} else {
			during++
		}
	}
	if during == 0 || before == 0 || before > pageEarlierDays || during > pageOwnDays {
		t.Fatalf("own office: %d days before the proposal's week, %d from it on (proposal %s): %v", before, during, p.Day, dates(v.Days))
	}

	// later pages: forward, no day twice, up to the campaign's last week
	seen := map[string]bool{}
	for _, d := range v.Days {
		seen[d.Date.Format(time.DateOnly)+d.Office] = true
	}
	earlier, later, err := f.svc.Pages(ctx, p, v.Days, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if earlier.IsZero() || !earlier.Before(w.week) || later.IsZero() {
		t.Fatalf("pages around the proposal: earlier %v, later %v", earlier, later)
	}
	var last time.Time
	for n := 0; !later.IsZero(); n++ {
		if n > 20 {
			t.Fatal("the later pages do not end")
		}
		from := later
		days, err := f.svc.ChoicesFrom(ctx, p, 1, from)
		if err != nil {
			t.Fatal(err)
		}
		if len(days) == 0 {
			t.Fatalf("page from %s is empty", from.Format(time.DateOnly))
		}
		for _, d := range days {
			day := utc(d.Date)
			k := day.Format(time.DateOnly) + d.Office
			if day.Before(from) || seen[k] && d.Same {
				t.Fatalf("page from %s offers %s at %s (seen %v)", from.Format(time.DateOnly), k, d.Office, seen[k])
			}
			seen[k] = true
			if day.After(last) {
				last = day
			}
		}
		var back time.Time
		if back, later, err = f.svc.Pages(ctx, p, days, from); err != nil {
			t.Fatal(err)
		}
		if back.IsZero() || !back.Before(from) {
			t.Fatalf("page from %s: earlier %v", from.Format(time.DateOnly), back)
		}
	}
	set, _ := f.st.CampaignSettings(ctx)
	if weekOf(set.Start, last) != set.Weeks-1 {
		t.Fatalf("the later pages stop at %s, campaign ends %s", last.Format(time.DateOnly), w.end.Format(time.DateOnly))
	}

	// a household's later page: every time fits them all
	hh := households(byHH)[0]
	days, err := f.svc.ChoicesFrom(ctx, hh[0], len(hh), w.week.AddDate(0, 0, 14))
	if err != nil || len(days) == 0 {
		t.Fatalf("household page: %v (%v)", days, err)
	}
	for _, d := range days {
		for _, sl := range d.Times {
			if len(sl.Each) != len(hh) {
				t.Fatalf("household choice %s places %d of %d", sl.ID, len(sl.Each), len(hh))
			}
		}
	}

	// a from the link carries: a day too close starts at the first allowed, past
	// the campaign or malformed is the page around the proposal
	if got := f.svc.PageFrom(ctx, p, f.svc.today().Format(time.DateOnly)); !got.Equal(w.first) {
		t.Fatalf("PageFrom(today) = %v, want %v", got, w.first)
	}
	for _, bad := range []string{w.end.Format(time.DateOnly), "2026-13-01", "", "x"} {
		if got := f.svc.PageFrom(ctx, p, bad); !got.IsZero() {
			t.Fatalf("PageFrom(%q) = %v", bad, got)
		}
	}
}

func dates(days []Day) []string {
	var out []string
	for _, d := range days {
		out = append(out, d.Date.Format(time.DateOnly)+" "+d.Office)
	}
	return out
}
