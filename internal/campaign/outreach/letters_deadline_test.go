package outreach

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testenv"
)

// letterTexts is the text of every PDF of a letters ZIP, whitespace folded.
func letterTexts(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	pdftotext := testenv.LookPath(t, "pdftotext")
	dir := t.TempDir()
	var all []string
	for i, zf := range zr.File {
		rc, _ := zf.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		path := filepath.Join(dir, strings.Repeat("x", i+1)+".pdf")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(pdftotext, path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		all = append(all, strings.Join(strings.Fields(string(out)), " "))
	}
	return strings.Join(all, " ")
}

var answerBy = regexp.MustCompile(`[Rr]ispond\w+ entro il (\d{1,2} \p{L}+ \d{4})`)

// TestLetterDeadlineFromPrint: letters printed 10 days after the send (and a bounced
// e-mail moved to letters) give every citizen the whole answer window from the
// letter's arrival, and the stored deadline, which the expiry acts on, is the
// printed one. A household whose appointment is by then too close for that is not
// printed with a date gone or nearly gone: it falls due, the expiry re-plans it on a
// later slot, and the next run prints it with a full window.
func TestLetterDeadlineFromPrint(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	loc := f.svc.Loc
	set, _ := f.st.CampaignSettings(ctx)
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// the bounce moved cs[1] to letters: its deadline is a letter's, post included
	sent := f.clock.Now().In(loc)
	bounced := f.proposals(t, "cf = ?", f.cs[1].CF)[0]
	endOf := func(d time.Time, days int) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day()+days, 23, 59, 59, 0, loc)
	}
	if bounced.Channel != store.ChannelLetter || !bounced.Deadline.Equal(f.svc.answerBy(endOf(sent, set.PostalDays+set.ConfirmDays), bounced)) {
		t.Fatalf("bounced proposal %s deadline %v, want a letter's from %v", bounced.Channel, bounced.Deadline.In(loc), sent)
	}

	// ten days at the printer: the early appointments no longer leave the window, the later do
	f.clock.Add(10 * 24 * time.Hour)
	printed := f.clock.Now().In(loc)
	want := endOf(printed, set.PostalDays+set.ConfirmDays)
	var buf bytes.Buffer
	b, err := f.svc.Letters(ctx, &buf)
	if err != nil {
		t.Fatal(err)
	}
	inBatch, err := f.st.BatchLetterProposals(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	held := f.proposals(t, "state = ? AND channel = ? AND deadline <= ?", store.ProposalProposed, store.ChannelLetter, store.Micros(f.clock.Now()))
	if len(inBatch) == 0 || len(held) == 0 {
		t.Fatalf("%d printed, %d held: the fixture should have both", len(inBatch), len(held))
	}
	var bouncedIn bool
	for _, p := range inBatch {
		if !p.Deadline.Equal(want) {
			t.Fatalf("printed proposal %d (appointment %s) stored deadline %v, want %v", p.ID, p.Day, p.Deadline.In(loc), want)
		}
		bouncedIn = bouncedIn || p.ID == bounced.ID
	}
	text := letterTexts(t, buf.Bytes())
	dates := answerBy.FindAllStringSubmatch(text, -1)
	if len(dates) != b.Letters { // the Italian side of each
		t.Fatalf("%d answer dates in %d letters:\n%s", len(dates), b.Letters, text)
	}
	for _, d := range dates {
		if d[1] != itDay(want) {
			t.Fatalf("a letter printed on %s says answer by %s, want %s (post %d days + window %d)", itDay(printed), d[1], itDay(want), set.PostalDays, set.ConfirmDays)
		}
	}
	// held: due now, for the expiry and its re-plan; then printed with a full window
	first := f.svc.earliest(set, store.ChannelLetter)
	heldIDs := map[int64]bool{}
	for _, p := range held {
		heldIDs[p.ID] = true
		if day, _ := time.Parse(time.DateOnly, p.Day); !day.Before(first) {
			t.Fatalf("proposal %d on %s held, but it leaves the window (earliest %s)", p.ID, p.Day, first.Format(time.DateOnly))
		}
	}
	if !bouncedIn && !heldIDs[bounced.ID] {
		t.Fatalf("the bounced citizen's letter neither printed nor held")
	}
	if _, err := f.svc.Expire(ctx); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	b2, err := f.svc.Letters(ctx, &buf)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := f.st.BatchLetterProposals(ctx, b2.ID)
	seen := 0
	for _, p := range again {
		if !heldIDs[p.ID] {
			continue
		}
		seen++
		if day, _ := time.Parse(time.DateOnly, p.Day); day.Before(first) || !p.Deadline.Equal(want) {
			t.Fatalf("re-planned letter %d on %s deadline %v, want from %s and %v", p.ID, p.Day, p.Deadline.In(loc), first.Format(time.DateOnly), want)
		}
	}
	if seen != len(held) {
		t.Fatalf("%d of %d held letters re-planned and printed", seen, len(held))
	}
	for _, d := range answerBy.FindAllStringSubmatch(letterTexts(t, buf.Bytes()), -1) {
		if d[1] != itDay(want) {
			t.Fatalf("re-planned letter says answer by %s, want %s", d[1], itDay(want))
		}
	}
}
