package store

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/campaign/register"
)

// What a re-import found about a citizen (ImportReview.Kind). The first three the
// import settles itself; the others are for the project office.
const (
	// ReviewHasCIE: the register now records a CIE; the case is closed as has_cie and
	// an unconfirmed proposal (planned, or sent and unanswered) is cancelled.
	ReviewHasCIE = "has_cie"
	// ReviewPaperAgain: a has_cie citizen is paper again (a corrected extract): back
	// to new, planned by the next plan.
	ReviewPaperAgain = "paper_again"
	// ReviewMovedReplan: moved before the proposal was sent; the proposal is
	// cancelled and the next plan places the citizen from the new address.
	ReviewMovedReplan = "moved_replan"
	// ReviewHasCIEBooked: the register records a CIE but the citizen holds a confirmed
	// appointment or a home visit. It is not cancelled by a file: the office asks the
	// citizen and records the outcome (declined frees the slot and the booking).
	ReviewHasCIEBooked = "has_cie_booked"
	// ReviewMovedSent: moved after the proposal was sent (or confirmed, or a home
	// visit set); the office offers a nearer office or checks the visit's address.
	ReviewMovedSent = "moved_sent"
	// ReviewAbsent: in the campaign but not in this extract. Never deleted: an
	// extract may be partial; the office records deceased, emigrated or untraceable
	// (the outcome upload takes this list) or ignores it for a partial extract.
	ReviewAbsent = "absent"
)

// ImportReview is one citizen the project office should know about after an import.
type ImportReview struct {
	Kind   string
	CF     string
	Name   string // family and given names
	State  string // the campaign state before the import
	Metres int    // how far the residence moved (moves only)
}

// movedMetres is how far a residence must move to count as a move: closer than that
// the nearest office rarely changes, and geocoding a corrected address moves the point
// by tens of metres without anyone moving.
const movedMetres = 1000

// importChange is a changed row the campaign may have to act on.
type importChange struct {
	kind   string // ReviewHasCIE, ReviewPaperAgain or ReviewMovedReplan, before the state is known
	cf     string
	name   string
	metres int
}

// changeOf says whether the new row c of a citizen matters to the campaign.
func changeOf(old priorCitizen, c *register.Citizen) (importChange, bool) {
	ch := importChange{cf: c.CF, name: c.FamilyName + " " + c.GivenNames}
	switch {
	case old.cardType != register.CardCIE && c.CardType == register.CardCIE:
		ch.kind = ReviewHasCIE
	case old.cardType == register.CardCIE && c.CardType != register.CardCIE:
		ch.kind = ReviewPaperAgain
	default:
		m := greatCircle(old.lat, old.lon, c.Lat, c.Lon)
		if m < movedMetres {
			return ch, false
		}
		ch.kind, ch.metres = ReviewMovedReplan, int(math.Round(m))
	}
	return ch, true
}

// importReconcile applies, in the import's transaction, what the changed rows settle,
// judged on the states as they are now (a citizen may have confirmed since the file
// was read), and returns the reviews.
func (s *Store) importReconcile(ctx context.Context, tx *Tx, now time.Time, changes []importChange) ([]ImportReview, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	states := make(map[string]string, len(changes))
	for i := 0; i < len(changes); i += proposalInsertRows {
		chunk := changes[i:min(i+proposalInsertRows, len(changes))]
		args := make([]any, len(chunk))
		for j, ch := range chunk {
			args[j] = ch.cf
		}
		rows, err := tx.Query(ctx, `SELECT cf, state FROM campaign_citizens WHERE cf IN (`+campaignPlaceholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var cf, st string
			if err := rows.Scan(&cf, &st); err != nil {
				rows.Close()
				return nil, err
			}
			states[cf] = st
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var out []ImportReview
	var toCIE, toNew, replan []string
	for _, ch := range changes {
		st := states[ch.cf]
		r := ImportReview{Kind: ch.kind, CF: ch.cf, Name: ch.name, State: st, Metres: ch.metres}
		switch ch.kind {
		case ReviewHasCIE:
			switch st {
			case CitizenNew, CitizenPlanned, CitizenProposed:
				toCIE = append(toCIE, ch.cf)
			case CitizenConfirmed, CitizenHomeVisit:
				r.Kind = ReviewHasCIEBooked
			default: // issued, declined, deceased…: already closed, the CIE is no news
				continue
			}
		case ReviewPaperAgain:
			if st != CitizenHasCIE {
				continue
			}
			toNew = append(toNew, ch.cf)
		case ReviewMovedReplan:
			switch st {
			case CitizenPlanned:
				replan = append(replan, ch.cf)
			case CitizenProposed, CitizenConfirmed, CitizenHomeVisit:
				r.Kind = ReviewMovedSent
			default: // new: the next plan reads the new address anyway
				continue
			}
		}
		out = append(out, r)
	}
	cancel := func(cfs []string, proposalStates ...string) error {
		return inChunks(cfs, func(chunk []any) error {
			args := []any{ProposalCancelled, Micros(now)}
			for _, st := range proposalStates {
				args = append(args, st)
			}
			_, err := tx.Exec(ctx, `UPDATE campaign_proposals SET state = ?, decided_at = ?, decided_via = 'register'
				WHERE state IN (`+campaignPlaceholders(len(proposalStates))+`) AND cf IN (`+campaignPlaceholders(len(chunk))+`)`, append(args, chunk...)...)
			return err
		})
	}
	setState := func(cfs []string, to string) error {
		return inChunks(cfs, func(chunk []any) error {
			_, err := tx.Exec(ctx, `UPDATE campaign_citizens SET state = ?, updated_at = ? WHERE cf IN (`+campaignPlaceholders(len(chunk))+`)`,
				append([]any{to, Micros(now)}, chunk...)...)
			return err
		})
	}
	if err := cancel(toCIE, ProposalPlanned, ProposalProposed); err != nil {
		return nil, err
	}
	if err := setState(toCIE, CitizenHasCIE); err != nil {
		return nil, err
	}
	if err := setState(toNew, CitizenNew); err != nil {
		return nil, err
	}
	if err := cancel(replan, ProposalPlanned); err != nil {
		return nil, err
	}
	if err := setState(replan, CitizenNew); err != nil {
		return nil, err
	}
	return out, nil
}

// inChunks calls fn with the codes a few hundred at a time, as IN-list arguments.
func inChunks(cfs []string, fn func(chunk []any) error) error {
	for i := 0; i < len(cfs); i += proposalInsertRows {
		part := cfs[i:min(i+proposalInsertRows, len(cfs))]
		args := make([]any, len(part))
		for j, cf := range part {
			args[j] = cf
		}
		if err := fn(args); err != nil {
			return err
		}
	}
	return nil
}

// absentees lists the citizens whose case is open and whom the extract does not have,
// by name; a closed case (issued, deceased, has_cie…) missing is no news.
func absentees(prior map[string]priorCitizen, seen map[string]bool) []ImportReview {
	open := map[string]bool{CitizenNew: true, CitizenPlanned: true, CitizenProposed: true, CitizenConfirmed: true, CitizenHomeVisit: true}
	var out []ImportReview
	for cf, p := range prior {
		if !seen[cf] && open[p.state] {
			out = append(out, ImportReview{Kind: ReviewAbsent, CF: cf, Name: p.name, State: p.state})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].CF < out[j].CF
	})
	return out
}

// greatCircle is the distance in metres between two WGS84 points.
func greatCircle(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// HouseholdNewcomers are those of cfs still without a proposal (state new) whose
// household has proposals sent (awaiting an answer or confirmed): who
// outreach.JoinHouseholds places next to their household.
func (s *Store) HouseholdNewcomers(ctx context.Context, cfs []string) ([]string, error) {
	var out []string
	err := inChunks(cfs, func(chunk []any) error {
		rows, err := s.Query(ctx, `SELECT c.cf FROM campaign_citizens c WHERE c.state = ? AND c.cf IN (`+campaignPlaceholders(len(chunk))+`)
			AND EXISTS (SELECT 1 FROM campaign_proposals p WHERE p.household = c.household AND p.state IN (?, ?))`,
			append(append([]any{CitizenNew}, chunk...), ProposalProposed, ProposalConfirmed)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var cf string
			if err := rows.Scan(&cf); err != nil {
				return err
			}
			out = append(out, cf)
		}
		return rows.Err()
	})
	return out, err
}
