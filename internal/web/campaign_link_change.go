package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/store"
)

// campaignMore is what the link page's change section adds to the view: the page of
// days shown (From, zero for the days around the proposal), where the earlier and
// later pages of each list start (zero: none), and the household's given names for
// the buttons.
type campaignMore struct {
	From                     time.Time
	Solo                     bool // the page was turned from the "only me" list
	Earlier, Later           time.Time
	GroupEarlier, GroupLater time.Time
	Given                    map[int64]string // proposal id → given names
}

// campaignMoreOf reads the page of days the link asks for (?from=YYYY-MM-DD, a plain
// link so that no script is needed, or the forms' hidden from after a refused
// answer), swaps v's alternatives for that page's, and works out the paging links.
// What fails here leaves the days around the proposal and no links: the page still
// answers.
func (s *Server) campaignMoreOf(r *http.Request, v *outreach.View) campaignMore {
	ctx := r.Context()
	var m campaignMore
	from := r.URL.Query().Get("from")
	if r.Method == http.MethodPost {
		from = r.PostForm.Get("from")
	}
	m.Solo = r.URL.Query().Get("solo") != "" || r.Method == http.MethodPost && r.PostForm.Get("action") == "change"
	if m.From = s.Campaign.PageFrom(ctx, v.Proposal, from); !m.From.IsZero() {
		days, err := s.Campaign.ChoicesFrom(ctx, v.Proposal, 1, m.From)
		if err != nil {
			s.Log.Warn("campaign link days", "proposal", v.Proposal.ID, "error", err)
			m.From = time.Time{}
		} else {
			v.Days, v.Slots = days, nil
			for _, d := range days {
				v.Slots = append(v.Slots, d.Times...)
			}
			if len(v.Group) > 0 {
				if v.GroupDays, err = s.Campaign.ChoicesFrom(ctx, v.Proposal, 1+len(v.Group), m.From); err != nil {
					s.Log.Warn("campaign link household days", "proposal", v.Proposal.ID, "error", err)
					v.GroupDays = nil
				}
			}
		}
	}
	var err error
	if m.Earlier, m.Later, err = s.Campaign.Pages(ctx, v.Proposal, v.Days, m.From); err != nil {
		s.Log.Warn("campaign link pages", "proposal", v.Proposal.ID, "error", err)
	}
	if len(v.Group) > 0 {
		if m.GroupEarlier, m.GroupLater, err = s.Campaign.Pages(ctx, v.Proposal, v.GroupDays, m.From); err != nil {
			s.Log.Warn("campaign link pages", "proposal", v.Proposal.ID, "error", err)
		}
	}
	m.Given = map[int64]string{}
	for _, ms := range [][]outreach.Member{v.Household, v.Group} {
		for _, x := range ms {
			if c, err := s.Store.CampaignCitizen(ctx, x.Proposal.CF); err == nil {
				m.Given[x.Proposal.ID] = c.GivenNames
			}
		}
	}
	return m
}

// campaignAlso is the confirmed household members the mover ticked to move too.
func campaignAlso(r *http.Request) []int64 {
	var out []int64
	for _, v := range r.PostForm["also"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// Together names ms for a button, by given names ("Mario, Anna e Sara"): "(4 + 1)"
// told an elderly reader nothing of whom the button confirms. Where two share a given
// name, or it is unknown, the full names are used.
func (d campaignLinkPage) Together(p page, ms []outreach.Member) string {
	names := make([]string, len(ms))
	seen := map[string]int{}
	for i, m := range ms {
		names[i] = d.More.Given[m.Proposal.ID]
		seen[names[i]]++
	}
	for i, m := range ms {
		if names[i] == "" || seen[names[i]] > 1 {
			names[i] = m.Name
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + p.T(" e ", " and ") + names[len(names)-1]
}

// Waiting is the group's members still awaiting an answer: a household move takes them.
func (d campaignLinkPage) Waiting() []outreach.Member {
	var out []outreach.Member
	for _, m := range d.Group {
		if m.Proposal.State != store.ProposalConfirmed {
			out = append(out, m)
		}
	}
	return out
}

// Confirmed is the group's members who confirmed their own time: they stay unless
// the mover ticks them.
func (d campaignLinkPage) Confirmed() []outreach.Member {
	var out []outreach.Member
	for _, m := range d.Group {
		if m.Proposal.State == store.ProposalConfirmed {
			out = append(out, m)
		}
	}
	return out
}

// pageDay is a paging link's from value.
func pageDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// FromDay is the page's from as the forms carry it back, empty for the days around
// the proposal.
func (m campaignMore) FromDay() string { return pageDay(m.From) }
