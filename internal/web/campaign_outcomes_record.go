package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/sportello/sportello/internal/model"
)

// Every outcome, from the admin dashboard's form, the clerks' one-citizen form or
// their list, goes through recordOutcome (one) or confirmedBookings and
// outcomeRecorded around the list's single write: the audit names the citizen by the store's
// pseudonym (store.CitizenRef), never the codice fiscale in clear, and a confirmed
// appointment the outcome cancels is notified by the booking module's rule
// (notifyCancelled: e-mail, or phone them; no notice for deceased, emigrated or
// untraceable). Two forms with two copies of this had drifted: the clerks' form
// audited but never told the citizen.

// outcomeDone is what recording an outcome did, for the page that follows.
type outcomeDone struct {
	Ref    string // the citizen's pseudonym, for the record page (phone number)
	Notice string // citizen_mailed, citizen_phone, citizen_unnotified; "" when no booking was cancelled
}

// recordOutcome records state (and a home visit's day) for the citizen cf: the
// outcome, its audit entry and the notice of a cancelled appointment. An unknown
// codice fiscale is model.ENOTFOUND.
func (s *Server) recordOutcome(r *http.Request, cf, state, visitDay string) (outcomeDone, error) {
	ctx := r.Context()
	cf = strings.ToUpper(strings.TrimSpace(cf))
	booked, err := s.confirmedBookings(ctx, cf) // before the outcome cancels them
	if err != nil {
		return outcomeDone{}, err
	}
	if err := s.Campaign.SetOutcome(ctx, cf, state, visitDay); err != nil {
		if errors.Is(err, model.ErrNotFound) || model.ErrorCode(err) == model.ENOTFOUND {
			err = model.Errorf(model.ENOTFOUND, "no citizen with that codice fiscale in the campaign")
		}
		return outcomeDone{}, err
	}
	return s.outcomeRecorded(r, cf, state, state, booked)
}

// outcomeRecorded audits a recorded outcome under the citizen's pseudonym (detail is
// what the entry says) and sends the notice of the bookings it cancelled.
func (s *Server) outcomeRecorded(r *http.Request, cf, state, detail string, booked []int64) (outcomeDone, error) {
	ctx := r.Context()
	ref, err := s.Store.CitizenRef(ctx, cf)
	if err != nil {
		return outcomeDone{}, err
	}
	if err := s.audit(r, "campaign.citizen_state", "campaign_citizen:"+ref, detail); err != nil {
		return outcomeDone{}, err
	}
	notice, err := s.notifyCancelled(ctx, state, booked)
	if err != nil {
		return outcomeDone{}, err
	}
	// without a mail server the notice only reaches the log: the page must not say
	// the citizen was e-mailed, the office phones them instead
	if notice == "citizen_mailed" && !s.mailConfigured() {
		notice = "citizen_phone"
	}
	return outcomeDone{Ref: ref, Notice: notice}, nil
}

// isNotice tells a notice kind from the other values of the pages' done parameter.
func isNotice(k string) bool {
	return k == "citizen_mailed" || k == "citizen_phone" || k == "citizen_unnotified"
}

// outcomeStateValid reports whether state is one of states.
func outcomeStateValid(state string, states []string) bool {
	for _, st := range states {
		if st == state {
			return true
		}
	}
	return false
}
