package web

import (
	"net/http"
	"time"

	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/ratelimit"
)

// CampaignDeps is what the campaign pages need: the outreach service (plan, send,
// answer, letters), filled by app.wireCampaign. Without it the campaign routes are off.
type CampaignDeps struct {
	Campaign *outreach.Service

	campaignImports *campaignImports
	campaignTasks   *campaignTasks
	campaignLimit   *ratelimit.Limiter // personal-link answers per client address
}

// campaignRoutes adds the campaign admin pages and the citizens' personal link.
func (s *Server) campaignRoutes(mux *http.ServeMux) {
	if s.Campaign == nil {
		return
	}
	s.campaignImports = newCampaignImports()
	s.campaignTasks = newCampaignTasks()
	s.campaignLimit = ratelimit.New(30, 10*time.Minute)
	admin := func(h http.HandlerFunc) http.Handler { return s.requireRole(model.RoleAdmin, h) }
	mux.Handle("GET /op/campagna", admin(s.campaignDashboard))
	mux.Handle("POST /op/campagna/import", admin(s.campaignImportStart))
	mux.Handle("GET /op/campagna/import/{id}", admin(s.campaignImportStatus))
	mux.Handle("GET /op/campagna/import/{id}/revisione.csv", admin(s.campaignImportReview))
	mux.Handle("GET /op/campagna/attivita/{id}", admin(s.campaignTaskStatus))
	mux.Handle("POST /op/campagna/impostazioni", admin(s.campaignSettingsSave))
	mux.Handle("POST /op/campagna/capacita", admin(s.campaignCapacitySave))
	mux.Handle("POST /op/campagna/piano", admin(s.campaignPlan))
	mux.Handle("POST /op/campagna/invio", admin(s.campaignSend))
	mux.Handle("POST /op/campagna/promemoria", admin(s.campaignRemind))
	mux.Handle("POST /op/campagna/scadenze", admin(s.campaignExpire))
	mux.Handle("POST /op/campagna/cittadino", admin(s.campaignCitizenState))
	mux.Handle("GET /op/campagna/lettere.zip", admin(s.campaignLetters))
	mux.Handle("GET /op/campagna/lettere-promemoria.zip", admin(s.campaignReminderLetters))
	mux.Handle("GET /op/campagna/export/{table}", admin(s.campaignExport))
	// registry clerks record outcomes (campaign_outcomes.go); the campaign itself is the admin's
	mux.Handle("GET /op/campagna/esiti", s.requireRole("", s.campaignOutcomes))
	mux.Handle("POST /op/campagna/esiti", s.requireRole("", s.campaignOutcomesUpload))
	mux.Handle("POST /op/campagna/esiti/cittadino", s.requireRole("", s.campaignOutcomeOne))
	// any member of staff answers a citizen's call, as with booking search
	mux.Handle("GET /op/campagna/cittadini", s.requireRole("", s.campaignCitizenSearch))
	mux.Handle("GET /op/campagna/cittadini/{ref}", s.requireRole("", s.campaignCitizenRecord))

	// The personal link: no login, the signed token is the credential. A letter's
	// code and the birth year lead to it too, for those who cannot scan the QR.
	mux.HandleFunc("GET /campagna", s.campaignCodeForm)
	mux.HandleFunc("POST /campagna", s.campaignCodeSubmit)
	mux.HandleFunc("GET /c/{token}", s.campaignLink)
	mux.HandleFunc("POST /c/{token}", s.campaignAnswer)
}

// campaignAPIPaths is the campaign part of the OpenAPI document: the campaign has no
// JSON API yet; its surfaces are the admin pages and the personal link.
func (s *Server) campaignAPIPaths() map[string]any { return nil }
