package outreach

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testenv"
)

// TestLetterQRLeadsToProposal prints the letters of a send, rasterises the first
// page as a mail house would print it (pdftoppm), reads the QR code back (zbarimg)
// and opens the proposal with the link it carries. The first letter is a household's
// without e-mail: one envelope naming everyone with their own time and phone code,
// whose QR link confirms the whole household at once.
func TestLetterQRLeadsToProposal(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	hh := letterHousehold(t, f)
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	b, err := f.svc.Letters(ctx, &buf)
	if err != nil {
		t.Fatalf("letters %v", err)
	}
	n := b.Letters
	letters := f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelLetter)
	if want := len(letters) - len(hh) + 1; n != want {
		t.Fatalf("%d letters for %d letter proposals, want %d: the household of %d in one", n, len(letters), want, len(hh))
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(zr.File) != 1 {
		t.Fatalf("zip: %v", err)
	}
	rc, _ := zr.File[0].Open()
	pdfData, _ := io.ReadAll(rc)
	rc.Close()
	pdftoppm := testenv.LookPath(t, "pdftoppm")
	zbarimg := testenv.LookPath(t, "zbarimg")
	dir := t.TempDir()
	pdfPath := filepath.Join(dir, "letters.pdf")
	if err := os.WriteFile(pdfPath, pdfData, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdftoppm, "-r", "150", "-f", "1", "-l", "1", "-png", pdfPath, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	// with nothing set, the day paper cards stop being valid is the campaign's deadline
	set, _ := f.st.CampaignSettings(ctx)
	txt, err := exec.Command(testenv.LookPath(t, "pdftotext"), "-f", "1", "-l", "1", pdfPath, "-").Output()
	front := strings.Join(strings.Fields(string(txt)), " ")
	if want := "dal " + itDay(set.Deadline) + " la carta"; err != nil || !strings.Contains(front, want) {
		t.Fatalf("letter lacks %q (%v):\n%s", want, err, txt)
	}
	for _, p := range f.proposals(t, "household = ? AND state = ?", hh[0].Household, store.ProposalProposed) {
		c, _ := f.st.CampaignCitizen(ctx, p.CF)
		at := f.svc.At(p.Day, p.Minute).Format("15:04")
		for _, want := range []string{c.GivenNames + " " + c.FamilyName, FormatCode(p.LetterCode), at} {
			if !strings.Contains(front, want) {
				t.Fatalf("the household letter lacks %s's %q:\n%s", p.CF, want, front)
			}
		}
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page-*.png"))
	if len(pages) != 1 {
		t.Fatalf("pages %v", pages)
	}
	out, err := exec.Command(zbarimg, "-q", "--raw", pages[0]).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	link := strings.TrimSpace(string(out))
	token, ok := strings.CutPrefix(link, "https://comune.example/c/")
	if !ok {
		t.Fatalf("QR holds %q", link)
	}
	v, err := f.svc.Open(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if v.Proposal.Channel != store.ChannelLetter || v.Proposal.Household != hh[0].Household || len(v.Household) != len(hh)-1 {
		t.Fatalf("the first letter's QR opens a %s proposal of household %q with %d others, want household %q and %d",
			v.Proposal.Channel, v.Proposal.Household, len(v.Household), hh[0].Household, len(hh)-1)
	}
	// letters come sorted by postcode: the first page belongs to the lowest one
	for _, p := range letters {
		c, _ := f.st.CampaignCitizen(ctx, p.CF)
		if c.Postcode < v.Citizen.Postcode {
			t.Fatalf("first letter has postcode %s, but %s exists", v.Citizen.Postcode, c.Postcode)
		}
	}
	if dir := os.Getenv("SPORTELLO_SCREENSHOTS"); dir != "" {
		data, _ := os.ReadFile(pages[0])
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "campaign_letter_front.png"), data, 0o644)
	}
	// the QR's link answers for the household: everyone is confirmed in one go
	res, err := f.svc.Confirm(ctx, token, true)
	if err != nil || res.Count != len(hh) {
		t.Fatalf("household confirm through the letter: %v, %+v", err, res)
	}
	if left := f.proposals(t, "household = ? AND state <> ?", hh[0].Household, store.ProposalConfirmed); len(left) != 0 {
		t.Fatalf("%d of the household left unconfirmed", len(left))
	}
}

// letterHousehold turns the fixture's largest household into one without e-mail at
// one address with the lowest postcode, so that its letter is the batch's first,
// and returns its members.
func letterHousehold(t *testing.T, f *fixture) []register.Citizen {
	t.Helper()
	size := map[string]int{}
	for _, c := range f.cs {
		size[c.Household]++
	}
	best := f.cs[0].Household
	for _, c := range f.cs {
		if size[c.Household] > size[best] {
			best = c.Household
		}
	}
	if size[best] < 3 {
		t.Fatalf("the fixture's largest household has %d people", size[best])
	}
	var hh []register.Citizen
	for i := range f.cs {
		if c := &f.cs[i]; c.Household == best {
			c.Email, c.Address, c.Postcode = "", "Via Manin 7", "20099"
			hh = append(hh, *c)
		}
	}
	if _, err := f.st.ImportCitizens(context.Background(), f.cs, nil); err != nil {
		t.Fatal(err)
	}
	return hh
}

// TestReminderLetters: the letter channel's reminder follows the e-mail schedule. No
// batch before ReminderDays; after it, one batch with every unanswered letter
// proposal (not the answered, not the e-mailed), whose PDF names the citizens;
// printed once, so the next batch is empty.
func TestReminderLetters(t *testing.T) {
	f := newFixture(t, 30, 200)
	ctx := context.Background()
	if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Send(ctx); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.svc.ReminderLetters(ctx, &buf); err == nil {
		t.Fatal("a reminder batch before ReminderDays")
	}
	letters := f.proposals(t, "state = ? AND channel = ?", store.ProposalProposed, store.ChannelLetter)
	if len(letters) < 2 {
		t.Fatalf("%d letter proposals, the fixture should make a third of them letters", len(letters))
	}
	// one letter citizen answers by phone before the reminder
	if _, err := f.svc.Confirm(ctx, f.svc.Token(letters[0]), false); err != nil {
		t.Fatal(err)
	}
	set, _ := f.st.CampaignSettings(ctx)
	f.clock.Add(time.Duration(set.ReminderDays)*24*time.Hour + time.Hour)
	// those whose deadline (72 hours before an early appointment) has passed are
	// about to expire, not to be reminded
	due := f.proposals(t, "state = ? AND channel = ? AND deadline > ?", store.ProposalProposed, store.ChannelLetter, store.Micros(f.clock.Now()))
	if len(due) == 0 {
		t.Fatal("no letter proposal left to remind")
	}
	// one letter per household at an address among those due
	envelopes := map[string]bool{}
	for _, p := range due {
		c, _ := f.st.CampaignCitizen(ctx, p.CF)
		envelopes[c.Household+"|"+c.Postcode+"|"+c.Address] = true
	}
	n, err := f.svc.ReminderLetters(ctx, &buf)
	if err != nil || n != len(envelopes) {
		t.Fatalf("reminder letters %d %v, want %d for %d people", n, err, len(envelopes), len(due))
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil || len(zr.File) == 0 {
		t.Fatalf("zip: %v", err)
	}
	for _, p := range due {
		p = f.proposals(t, "id = ?", p.ID)[0]
		if p.Reminders != 1 || p.RemindedAt.IsZero() {
			t.Fatalf("letter proposal %d not marked reminded: %+v", p.ID, p)
		}
	}
	if p := f.proposals(t, "id = ?", letters[0].ID)[0]; p.Reminders != 0 {
		t.Fatal("the confirmed citizen was reminded")
	}
	buf.Reset()
	if n, err := f.svc.ReminderLetters(ctx, &buf); err == nil || n != 0 {
		t.Fatalf("second batch %d %v, want none", n, err)
	}
}
