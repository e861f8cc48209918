package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/sportello/sportello/internal/booking"
	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
)

// citizenResult is one search hit, named in addresses by its pseudonym.
type citizenResult struct {
	*store.CampaignCitizen
	Ref string
}

type citizenSearchData struct {
	Q        string
	Searched bool
	Results  []citizenResult
	More     bool // the search found more than it shows: the clerk adds a word
	Labels   map[string]string
}

// citizenSearchLimit is how many hits a search shows; a name shared by more people
// needs another word (a given name) rather than a longer list.
const citizenSearchLimit = 50

// campaignCitizenSearch is the clerk's lookup for a citizen on the phone ("when is
// my appointment?"): by codice fiscale or by words of the names. One hit opens the
// citizen's record at once.
func (s *Server) campaignCitizenSearch(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	d := &citizenSearchData{Q: strings.TrimSpace(r.URL.Query().Get("q")), Labels: map[string]string{}}
	for _, st := range append(store.CitizenStates, store.CitizenHasCIE) {
		d.Labels[st] = stateLabel(lang, st)
	}
	if d.Q != "" {
		d.Searched = true
		cs, err := s.Store.SearchCampaignCitizens(ctx, d.Q, citizenSearchLimit+1)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(cs) > citizenSearchLimit {
			cs, d.More = cs[:citizenSearchLimit], true
		}
		for _, c := range cs {
			ref, err := s.Store.CitizenRef(ctx, c.CF)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			d.Results = append(d.Results, citizenResult{c, ref})
		}
		// a search shows names and codes: audited, the query masked as booking search does
		if err := s.audit(r, "campaign.citizen_search", "", fmt.Sprintf("%s, %d found", booking.MaskCF(d.Q), len(cs))); err != nil {
			s.fail(w, r, err)
			return
		}
		if len(d.Results) == 1 {
			http.Redirect(w, r, "/op/campagna/cittadini/"+d.Results[0].Ref, http.StatusSeeOther)
			return
		}
	}
	s.render(w, r, http.StatusOK, "campaign_citizen_search.html", d)
}

// citizenProposal is a proposal on the citizen's record, with its office's name, its
// booking and the attempts it replaced.
type citizenProposal struct {
	*store.CampaignProposal
	Office   string
	Time     string
	Booking  *booking.Booking
	Attempts []store.ProposalAttempt
}

type citizenRecordData struct {
	Citizen   *store.CampaignCitizen
	Ref       string
	Proposals []citizenProposal
	History   []*model.AuditEntry // the audit entries about the citizen and its proposals, newest first
	Labels    map[string]string
	Offices   map[int64]string
}

// campaignCitizenRecord shows one citizen's campaign record: state, proposals with
// their bookings and earlier attempts, and what was done about them. Every view is
// audited: it is a citizen's personal data.
func (s *Server) campaignCitizenRecord(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	ref := r.PathValue("ref")
	c, err := s.Store.CitizenByRef(ctx, ref)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			err = model.Errorf(model.ENOTFOUND, "no citizen with that codice fiscale in the campaign")
		}
		s.campaignFail(w, r, err)
		return
	}
	if err := s.audit(r, "campaign.citizen_view", "campaign_citizen:"+ref, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	d := &citizenRecordData{Citizen: c, Ref: ref, Labels: map[string]string{}, Offices: map[int64]string{}}
	for _, st := range append(store.CitizenStates, store.CitizenHasCIE, store.ChannelEmail, store.ChannelLetter, store.ProposalExpired, store.ProposalCancelled) {
		d.Labels[st] = stateLabel(lang, st)
	}
	if d.Proposals, err = s.citizenProposals(ctx, c.CF); err != nil {
		s.fail(w, r, err)
		return
	}
	objects := []string{"campaign_citizen:" + ref}
	for _, p := range d.Proposals {
		objects = append(objects, "campaign_proposal:"+itoa(p.ID))
		if p.Booking != nil {
			objects = append(objects, "booking:"+itoa(p.Booking.ID))
		}
	}
	for _, o := range objects {
		es, err := s.Store.ListAudit(ctx, store.AuditFilter{Object: o, Limit: 100})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.History = append(d.History, es...)
	}
	sortAuditNewestFirst(d.History)
	s.render(w, r, http.StatusOK, "campaign_citizen.html", d)
}

func (s *Server) citizenProposals(ctx context.Context, cf string) ([]citizenProposal, error) {
	ps, err := s.Store.CampaignProposals(ctx, nil, `cf = ?`, cf)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	out := make([]citizenProposal, 0, len(ps))
	for i := len(ps) - 1; i >= 0; i-- { // newest first: the one the citizen asks about
		p := ps[i]
		cp := citizenProposal{CampaignProposal: p, Time: fmt.Sprintf("%02d:%02d", p.Minute/60, p.Minute%60)}
		if _, ok := names[p.OfficeID]; !ok {
			o, err := s.Store.OfficeByID(ctx, p.OfficeID)
			if err != nil && !errors.Is(err, model.ErrNotFound) {
				return nil, err
			}
			if o != nil {
				names[p.OfficeID] = o.Name
			}
		}
		cp.Office = names[p.OfficeID]
		id, err := s.Store.CampaignBookingID(ctx, nil, p.ID)
		if err != nil {
			return nil, err
		}
		if id != 0 {
			if cp.Booking, err = s.Store.BookingByID(ctx, s.Store.Reader(), id); err != nil {
				return nil, err
			}
		}
		if cp.Attempts, err = s.Store.CampaignProposalAttempts(ctx, nil, p.ID); err != nil {
			return nil, err
		}
		out = append(out, cp)
	}
	return out, nil
}

func sortAuditNewestFirst(es []*model.AuditEntry) {
	for i := 1; i < len(es); i++ { // a few dozen entries: insertion sort by id
		for j := i; j > 0 && es[j].ID > es[j-1].ID; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// citizenNotice is what the page tells the operator after an outcome cancelled a
// confirmed appointment: the citizen was e-mailed, must be phoned, or (deceased,
// emigrated, untraceable) is not told.
type citizenNotice struct {
	Kind string // citizen_mailed, citizen_phone, citizen_unnotified
	Ref  string // the citizen's record, where the phone number is
}

// notifiedStates are the outcomes after which the citizen hears that the appointment
// is cancelled: a home visit replaces it, "to plan" brings a new proposal, a refusal
// by phone gets its confirmation. Deceased, emigrated or untraceable people are not
// written to.
var notifiedStates = map[string]bool{store.CitizenHomeVisit: true, store.CitizenNew: true, store.CitizenDeclined: true}

// confirmedBookings are the bookings the citizen's confirmed proposals hold, read
// before an outcome cancels them.
func (s *Server) confirmedBookings(ctx context.Context, cf string) ([]int64, error) {
	ps, err := s.Store.CampaignProposals(ctx, nil, `cf = ? AND state = ?`, cf, store.ProposalConfirmed)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, p := range ps {
		id, err := s.Store.CampaignBookingID(ctx, nil, p.ID)
		if err != nil {
			return nil, err
		}
		if id != 0 {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// notifyCancelled sends the booking's cancellation e-mail for the bookings the
// outcome cancelled and says which notice the page shows ("" when none was
// cancelled).
func (s *Server) notifyCancelled(ctx context.Context, state string, booked []int64) (string, error) {
	if s.Booking == nil || len(booked) == 0 {
		return "", nil
	}
	kind := ""
	for _, id := range booked {
		if !notifiedStates[state] {
			b, err := s.Store.BookingByID(ctx, s.Store.Reader(), id)
			if err != nil {
				return "", err
			}
			if b.State == booking.StateCancelled {
				kind = "citizen_unnotified"
			}
			continue
		}
		cancelled, mailed, err := s.Booking.NotifyCampaignCancelled(ctx, id)
		if err != nil {
			return "", err
		}
		switch {
		case cancelled && !mailed:
			kind = "citizen_phone" // one booking without e-mail is enough to phone
		case mailed && kind == "":
			kind = "citizen_mailed"
		}
	}
	if kind == "citizen_mailed" && s.Queue != nil {
		s.Queue.Wake()
	}
	return kind, nil
}

// citizenNoticeOf reads the notice back from the address the outcome redirected to.
func (s *Server) citizenNoticeOf(r *http.Request) *citizenNotice {
	q := r.URL.Query()
	switch k := q.Get("done"); k {
	case "citizen_mailed", "citizen_phone", "citizen_unnotified":
		return &citizenNotice{Kind: k, Ref: q.Get("c")}
	}
	return nil
}
