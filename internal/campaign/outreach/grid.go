package outreach

import (
	"context"
	"time"

	"github.com/sportello/sportello/internal/store"
)

// The campaign's default counter day, used for an office without opening hours.
const (
	dayOpen  = 8*60 + 30
	dayClose = 16*60 + 30
)

// grid is when an office takes campaign appointments: per weekday, the start minutes
// of its opening periods cut into MinutesPerApp slots.
type grid struct {
	days  [7][]int
	total int // slots per week
}

func (s *Service) gridOf(ctx context.Context, officeID int64, set *store.CampaignSettings) (*grid, error) {
	hours, err := s.Store.OpeningHours(ctx, officeID)
	if err != nil {
		return nil, err
	}
	g := &grid{}
	add := func(wd time.Weekday, opens, closes int) {
		for m := opens; m+set.MinutesPerApp <= closes; m += set.MinutesPerApp {
			g.days[wd] = append(g.days[wd], m)
			g.total++
		}
	}
	for _, h := range hours {
		add(h.Weekday, h.OpensMin, h.ClosesMin)
	}
	if len(hours) == 0 {
		for wd := time.Monday; wd <= time.Friday; wd++ {
			add(wd, dayOpen, dayClose)
		}
	}
	return g, nil
}

// has reports whether minute starts a slot on that weekday.
func (g *grid) has(wd time.Weekday, minute int) bool {
	for _, m := range g.days[wd] {
		if m == minute {
			return true
		}
	}
	return false
}

// parallel is how many people one slot time takes: the weekly capacity spread over
// the week's slots, at least one.
func (g *grid) parallel(perWeek int) int {
	return max(1, (perWeek+g.total-1)/max(g.total, 1))
}

// minNoticeDays is how far ahead a citizen may move an appointment: the office
// prepares the day's applications, and the 72-hour rule needs the same margin.
const minNoticeDays = 3
