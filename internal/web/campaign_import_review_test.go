package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/mail/smtptest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// TestCampaignImportReviewPage: after a send, the next extract has one citizen who
// now holds a CIE, one missing and one who moved about 2.2 km. The import page says
// what the register settled and what the office must review, in Italian, with the
// distance; its CSV has one line each, shaped for the outcome upload (codice_fiscale;
// outcome;date first), and the absent citizen's line, filled in, records the outcome.
func TestCampaignImportReviewPage(t *testing.T) {
	sink := smtptest.Start(t)
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.SMTPAddr = sink.Addr }})
	ctx := context.Background()
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	lines := strings.Split(strings.TrimSuffix(campaignCSV(t, 30), "\n"), "\n")
	campaignUpload(t, a, admin, strings.Join(lines, "\n")+"\n")
	campaignTask(t, a, admin, "/op/campagna/piano")
	campaignTask(t, a, admin, "/op/campagna/invio")

	// three people of different households, all sent a proposal still unanswered
	field := func(i, col int) string { return strings.Split(lines[i], ",")[col] }
	var picked []int
	households := map[string]bool{}
	for i := 1; i < len(lines) && len(picked) < 3; i++ {
		if !households[field(i, 5)] {
			households[field(i, 5)] = true
			picked = append(picked, i)
		}
	}
	cie, gone, moved := picked[0], picked[1], picked[2]
	for _, i := range picked {
		if c, err := a.Store.CampaignCitizen(ctx, field(i, 0)); err != nil || c.State != store.CitizenProposed {
			t.Fatalf("%s before the re-import: %+v %v", field(i, 0), c, err)
		}
	}
	next := append([]string(nil), lines...)
	next[cie] = strings.Replace(next[cie], ",paper,", ",cie,", 1)
	f := strings.Split(next[moved], ",")
	lat, _ := strconv.ParseFloat(f[8], 64)
	f[8] = fmt.Sprintf("%.6f", lat+0.02) // 0.02° of latitude is 2.2 km
	next[moved] = strings.Join(f, ",")
	next = append(next[:gone], next[gone+1:]...)
	page := campaignUpload(t, a, admin, strings.Join(next, "\n")+"\n")

	for _, want := range []string{
		`data-testid="review-has_cie">ha già la CIE: pratica chiusa, proposta non confermata annullata: <strong>1</strong>`,
		`data-testid="review-absent">assente dall&#39;estratto: se l&#39;estratto è completo, registrare deceduto, emigrato o irreperibile: <strong>1</strong>`,
		`data-testid="review-moved_sent">trasferito dopo l&#39;invio: proporre uno sportello più vicino o verificare l&#39;indirizzo della visita: <strong>1</strong>`,
		field(cie, 0), field(gone, 0), field(moved, 0),
	} {
		if !strings.Contains(page, want) {
			t.Fatalf("import page lacks %q:\n%s", want, page)
		}
	}
	m := regexp.MustCompile(`\((\d+) m\)`).FindStringSubmatch(page)
	if metres, _ := strconv.Atoi(append(m, "", "")[1]); metres < 2000 || metres > 2500 {
		t.Fatalf("the move's distance is not on the page (want about 2224 m): %v", m)
	}
	// the register settled the CIE: the case is closed and the proposal cancelled
	if c, _ := a.Store.CampaignCitizen(ctx, field(cie, 0)); c.State != store.CitizenHasCIE {
		t.Fatalf("the CIE holder is %q", c.State)
	}
	if open, _ := a.Store.CampaignProposals(ctx, nil, `cf = ? AND state IN ('planned', 'proposed', 'confirmed')`, field(cie, 0)); len(open) != 0 {
		t.Fatalf("the CIE holder keeps %d open proposals", len(open))
	}
	// the absent and the moved are left to the office
	for _, i := range []int{gone, moved} {
		if c, _ := a.Store.CampaignCitizen(ctx, field(i, 0)); c.State != store.CitizenProposed {
			t.Fatalf("%s changed to %q by the file", field(i, 0), c.State)
		}
	}

	link := regexp.MustCompile(`href="(/op/campagna/import/[^"/]+/revisione\.csv)"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatalf("no review CSV link:\n%s", page)
	}
	body := campaignGet(t, admin, a.URL+link[1], http.StatusOK)
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("review CSV: %v\n%s", err, body)
	}
	if strings.Join(rows[0], ";") != "codice_fiscale;outcome;date;name;review;state;moved_m;note" || len(rows) != 4 {
		t.Fatalf("review CSV:\n%s", body)
	}
	byCF := map[string][]string{}
	for _, row := range rows[1:] {
		byCF[row[0]] = row
	}
	for i, kind := range map[int]string{cie: store.ReviewHasCIE, gone: store.ReviewAbsent, moved: store.ReviewMovedSent} {
		row := byCF[field(i, 0)]
		if row == nil || row[4] != kind || row[5] != store.CitizenProposed || row[1] != "" || row[7] == "" {
			t.Fatalf("review CSV row of %s: %q, want %s", field(i, 0), row, kind)
		}
	}
	if m, _ := strconv.Atoi(byCF[field(moved, 0)][6]); m < 2000 || m > 2500 {
		t.Fatalf("moved_m %q, want about 2224", byCF[field(moved, 0)][6])
	}

	// the absent's line filled in and uploaded as outcomes records it
	row := byCF[field(gone, 0)]
	row[1] = "emigrato"
	upload := "codice_fiscale;outcome;date;name;review;state;moved_m;note\n" + strings.Join(row, ";") + "\n"
	if p := outcomesUpload(t, a, admin, upload, http.StatusOK); !strings.Contains(p, `<span data-testid="outcome-changed">1</span>`) {
		t.Fatalf("the review line did not upload as an outcome:\n%s", p)
	}
	if c, _ := a.Store.CampaignCitizen(ctx, field(gone, 0)); c.State != store.CitizenEmigrated {
		t.Fatalf("the absent citizen is %q after the upload", c.State)
	}
}
