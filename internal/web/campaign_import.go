package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// campaignImport is one upload being imported in the background, so a city-sized
// extract does not hold a request open; its page refreshes until it is done.
type campaignImport struct {
	mu sync.Mutex
	v  campaignImportView
}

// campaignImportView is an import's state as its page shows it.
type campaignImportView struct {
	ID         string
	Phase      string // reading, storing, done, failed
	Rows       int
	Percent    int
	Stored     int
	Total      int
	Result     store.ImportResult
	Reviews    []store.ImportReview // what the office should know (the page shows the first reviewsShown)
	Counts     map[string]int       // reviews by kind
	Join       outreach.JoinResult  // newcomers placed beside their household, or not
	JoinFailed bool
	Bad        []register.RowError
	Err        string
	Started    time.Time
	Finished   time.Time
}

func (ci *campaignImport) snapshot() campaignImportView {
	ci.mu.Lock()
	defer ci.mu.Unlock()
	return ci.v
}

func (ci *campaignImport) update(f func(*campaignImportView)) {
	ci.mu.Lock()
	f(&ci.v)
	ci.mu.Unlock()
}

type campaignImports struct {
	mu   sync.Mutex
	byID map[string]*campaignImport
}

func newCampaignImports() *campaignImports {
	return &campaignImports{byID: map[string]*campaignImport{}}
}

// campaignImportStart takes the uploaded extract and imports it in the background.
func (s *Server) campaignImportStart(w http.ResponseWriter, r *http.Request) {
	limitBody(w, r, register.MaxBytes)
	f, _, err := r.FormFile("citizens")
	if err != nil {
		s.campaignFail(w, r, model.FieldError("citizens", "choose the CSV file of the register extract"))
		return
	}
	defer f.Close()
	raw, err := io.ReadAll(f)
	if err != nil {
		s.campaignFail(w, r, model.Errorf(model.ETOOLARGE, "the file could not be read: %v", err))
		return
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	ci := &campaignImport{v: campaignImportView{ID: hex.EncodeToString(b[:]), Phase: "reading", Started: s.Store.Now()}}
	id := ci.v.ID
	s.campaignImports.mu.Lock()
	s.campaignImports.byID[id] = ci
	s.campaignImports.mu.Unlock()
	if err := s.audit(r, "campaign.import", "campaign_import:"+id, fmt.Sprintf("%d bytes", len(raw))); err != nil {
		s.fail(w, r, err)
		return
	}
	actor := "user:" + userOf(r).Username
	go s.runCampaignImport(ci, raw, actor)
	http.Redirect(w, r, "/op/campagna/import/"+id, http.StatusSeeOther)
}

// runCampaignImport outlives the request, so it runs on its own context.
func (s *Server) runCampaignImport(ci *campaignImport, raw []byte, actor string) {
	ctx := context.Background()
	id := ci.snapshot().ID
	// due dates the extract leaves empty follow the campaign's paper-invalid day, the
	// one letters and e-mails quote (register.Policy)
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		s.Log.Error("campaign import failed", "import", id, "error", err)
		ci.update(func(ci *campaignImportView) {
			ci.Phase, ci.Err, ci.Finished = "failed", model.ErrorMessage(err), s.Store.Now()
		})
		return
	}
	cs, err := register.Parse(raw, register.Options{Policy: register.PolicyFor(set.PaperInvalidDay()), ProgressEvery: 2000, Progress: func(p register.Progress) {
		ci.update(func(ci *campaignImportView) { ci.Rows, ci.Percent = p.Rows, int(100*p.Bytes/max(p.Total, 1)) })
	}})
	var bad *register.Errors
	if errors.As(err, &bad) {
		ci.update(func(ci *campaignImportView) { ci.Phase, ci.Bad, ci.Finished = "failed", bad.Rows, s.Store.Now() })
		return
	}
	ci.update(func(ci *campaignImportView) { ci.Phase, ci.Total = "storing", len(cs) })
	rep, err := s.Store.ImportCitizensReport(ctx, cs, func(done int) { ci.update(func(ci *campaignImportView) { ci.Stored = done }) })
	if err != nil {
		s.Log.Error("campaign import failed", "import", id, "error", err)
		ci.update(func(ci *campaignImportView) {
			ci.Phase, ci.Err, ci.Finished = "failed", model.ErrorMessage(err), s.Store.Now()
		})
		return
	}
	// a newcomer to a household whose proposals are out joins it now, before a plan
	// would place them alone; the import stands if this fails, the page says so
	join, joinErr := s.Campaign.JoinHouseholds(ctx, rep.AddedCFs)
	if joinErr != nil {
		s.Log.Error("campaign household join", "import", id, "error", joinErr)
	}
	res := rep.ImportResult
	counts := map[string]int{}
	for _, v := range rep.Reviews {
		counts[v.Kind]++
	}
	detail := fmt.Sprintf("%d added, %d updated, %d unchanged; has_cie %d, moved %d, flagged %d, absent %d; household joins %d, not placed %d",
		res.Added, res.Updated, res.Unchanged, counts[store.ReviewHasCIE], counts[store.ReviewMovedReplan],
		counts[store.ReviewHasCIEBooked]+counts[store.ReviewMovedSent], counts[store.ReviewAbsent], len(join.Joined), len(join.Unplaced))
	if err := s.Store.Audit(ctx, &model.AuditEntry{Actor: actor, Action: "campaign.import.done", Object: "campaign_import:" + id, Detail: detail}); err != nil {
		s.Log.Error("campaign import audit", "error", err)
	}
	s.Log.Info("campaign import done", "import", id, "added", res.Added, "updated", res.Updated, "unchanged", res.Unchanged)
	ci.update(func(ci *campaignImportView) {
		ci.Phase, ci.Result, ci.Reviews, ci.Counts, ci.Join, ci.Finished = "done", res, rep.Reviews, counts, join, s.Store.Now()
		ci.JoinFailed = joinErr != nil
	})
}

// campaignImportStatus shows progress; the Refresh header reloads the page each second
// while the import runs, which needs no JavaScript.
func (s *Server) campaignImportStatus(w http.ResponseWriter, r *http.Request) {
	s.campaignImports.mu.Lock()
	ci := s.campaignImports.byID[r.PathValue("id")]
	s.campaignImports.mu.Unlock()
	if ci == nil {
		s.campaignFail(w, r, model.Errorf(model.ENOTFOUND, "no such import (imports are kept until the server restarts)"))
		return
	}
	snap := ci.snapshot()
	if langOf(r) != "en" {
		snap.Bad, snap.Err = campaignRowsIT(snap.Bad), campaignTextIT(snap.Err)
	}
	if snap.Phase == "reading" || snap.Phase == "storing" {
		w.Header().Set("Refresh", "1")
	}
	if len(snap.Reviews) > reviewsShown {
		snap.Reviews = snap.Reviews[:reviewsShown]
	}
	s.render(w, r, http.StatusOK, "campaign_import.html", campaignImportPage{snap, reviewLabels(langOf(r))})
}
