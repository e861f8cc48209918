package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/config"
	"github.com/sportello/sportello/internal/mail/smtptest"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// extractWithNewcomer splits campaignCSV(t, 60) into a register of the first n people
// and the same register plus one later person without e-mail in a household none of
// them belongs to: the next extract with one new citizen. It returns both and the
// newcomer's codice fiscale.
func extractWithNewcomer(t *testing.T, n int) (before, after, cf string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(campaignCSV(t, 60), "\n"), "\n")
	households := map[string]bool{}
	for _, l := range lines[1 : n+1] {
		households[strings.Split(l, ",")[5]] = true
	}
	before = strings.Join(lines[:n+1], "\n") + "\n"
	for _, l := range lines[n+1:] {
		f := strings.Split(l, ",")
		if !households[f[5]] && f[13] == "" {
			return before, before + l + "\n", f[0]
		}
	}
	t.Fatal("no newcomer without e-mail in a household of its own")
	return
}

// TestCampaignLettersPrintedOnce: the steps of the report. Import, plan, send and
// download the letters; import again with one new citizen without e-mail, plan, send:
// the download holds that one letter, not the first batch again; the page lists both
// batches with their envelopes, and the first one downloads again on purpose.
func TestCampaignLettersPrintedOnce(t *testing.T) {
	sink := smtptest.Start(t)
	a := apptest.New(t, apptest.Options{Configure: func(c *config.Config) { c.SMTPAddr = sink.Addr }})
	ctx := context.Background()
	admin := a.Client(t)
	a.Login(t, admin, "boss", a.CreateUser(t, "boss", model.RoleAdmin))
	before, after, newcomer := extractWithNewcomer(t, 45)

	campaignUpload(t, a, admin, before)
	campaignTask(t, a, admin, "/op/campagna/piano")
	if p := campaignTask(t, a, admin, "/op/campagna/invio"); !strings.Contains(p, "15 lettere da stampare") {
		t.Fatalf("first send:\n%s", p)
	}
	if z := campaignGet(t, admin, a.URL+"/op/campagna/lettere.zip", http.StatusOK); !strings.HasPrefix(z, "PK") {
		t.Fatal("the first batch is not a ZIP")
	}
	batches, err := a.Store.LetterBatches(ctx)
	if err != nil || len(batches) != 1 || batches[0].People != 15 {
		t.Fatalf("after the first download: %+v %v", batches, err)
	}
	first := batches[0]
	// nothing sent since: nothing new to print, and the page says so
	if p := campaignGet(t, admin, a.URL+"/op/campagna/lettere.zip", http.StatusNotFound); !strings.Contains(p, "nessuna nuova lettera da stampare") {
		t.Fatalf("second download with nothing new:\n%s", p)
	}

	campaignUpload(t, a, admin, after)
	campaignTask(t, a, admin, "/op/campagna/piano")
	if p := campaignTask(t, a, admin, "/op/campagna/invio"); !strings.Contains(p, "0 e-mail in coda, 1 lettere da stampare") {
		t.Fatalf("second send:\n%s", p)
	}
	if z := campaignGet(t, admin, a.URL+"/op/campagna/lettere.zip", http.StatusOK); !strings.HasPrefix(z, "PK") {
		t.Fatal("the second batch is not a ZIP")
	}
	batches, _ = a.Store.LetterBatches(ctx)
	if len(batches) != 2 || batches[0].Letters != 1 || batches[0].People != 1 {
		t.Fatalf("the second batch is not the newcomer's one letter: %+v", batches)
	}
	ps, err := a.Store.BatchLetterProposals(ctx, batches[0].ID)
	if err != nil || len(ps) != 1 || ps[0].CF != newcomer {
		t.Fatalf("the second batch holds %d proposals (%v), want the newcomer's", len(ps), err)
	}
	es, _ := a.Store.ListAudit(ctx, store.AuditFilter{Object: "campaign"})
	if len(es) == 0 || es[0].Action != "campaign.letters" || !strings.Contains(es[0].Detail, ": 1 letters, 1 people") {
		t.Fatalf("the download is not audited with its size: %+v", es)
	}

	// the page lists the batches, newest first, by envelopes, each downloadable again
	page := campaignGet(t, admin, a.URL+"/op/campagna", http.StatusOK)
	env := regexp.MustCompile(`data-testid="batch-envelopes">(\d+)<`).FindAllStringSubmatch(page, -1)
	if len(env) != 2 || env[0][1] != "1" || env[1][1] != itoa(int64(first.Letters)) {
		t.Fatalf("batches on the page %v, want 1 and %d envelopes:\n%s", env, first.Letters, page)
	}
	if !strings.Contains(page, `href="/op/campagna/lettere.zip?lotto=`+itoa(first.ID)+`"`) {
		t.Fatal("the first batch has no download-again link")
	}
	if z := campaignGet(t, admin, a.URL+"/op/campagna/lettere.zip?lotto="+itoa(first.ID), http.StatusOK); !strings.HasPrefix(z, "PK") {
		t.Fatal("the first batch does not download again")
	}
	if after, _ := a.Store.LetterBatches(ctx); len(after) != 2 {
		t.Fatalf("downloading a batch again recorded a batch: %+v", after)
	}
	campaignGet(t, admin, a.URL+"/op/campagna/lettere.zip?lotto=9999", http.StatusNotFound)
}
