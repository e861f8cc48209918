package outreach

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/sportello/sportello/internal/store"
)

// Alternatives lists free slots a citizen may move p to: first at the proposal's own
// office, then at the two nearest others, each on different days, with the live
// office-week capacity and per-slot parallelism respected.
func (s *Service) Alternatives(ctx context.Context, p *store.CampaignProposal, maxSlots int) ([]Slot, error) {
	set, err := s.Store.CampaignSettings(ctx)
	if err != nil {
		return nil, err
	}
	caps, err := s.Capacities(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.Store.CampaignCitizen(ctx, p.CF)
	if err != nil {
		return nil, err
	}
	usage, err := s.Store.CampaignWeekUsage(ctx, nil)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(caps, func(i, j int) bool {
		if (caps[i].Office.ID == p.OfficeID) != (caps[j].Office.ID == p.OfficeID) {
			return caps[i].Office.ID == p.OfficeID
		}
		return dist(c.Lat, c.Lon, caps[i].Office.Lat, caps[i].Office.Lon) < dist(c.Lat, c.Lon, caps[j].Office.Lat, caps[j].Office.Lon)
	})
	var out []Slot
	for i, oc := range caps {
		if i > 2 || len(out) >= maxSlots {
			break
		}
		quota := maxSlots / 4
		if i == 0 {
			quota = maxSlots / 2
		}
		found := 0
		g, err := s.gridOf(ctx, oc.Office.ID, set)
		if err != nil {
			return nil, err
		}
		par := g.parallel(oc.PerWeek)
		for d := s.today().AddDate(0, 0, minNoticeDays); found < quota && weekOf(set.Start, d) < set.Weeks; d = d.AddDate(0, 0, 1) {
			w := weekOf(set.Start, d)
			// the day's starts from the booking calendar: none on a closure
			times := g.day(d)
			if w < 0 || len(times) == 0 || usage[store.CellKey{Office: oc.Office.ID, Week: w}] >= oc.PerWeek {
				continue
			}
			day := d.Format(time.DateOnly)
			if oc.Office.ID == p.OfficeID && day == p.Day {
				continue
			}
			slots, err := s.Store.CampaignSlotUsage(ctx, nil, oc.Office.ID, day)
			if err != nil {
				return nil, err
			}
			// what the booking calendar holds there, online bookings included
			midnight := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, s.Loc)
			booked, err := s.Store.SlotUsage(ctx, oc.Office.ID, midnight, midnight.AddDate(0, 0, 1))
			if err != nil {
				return nil, err
			}
			// offer the free time nearest the proposal's own: who was proposed the
			// afternoon probably prefers an afternoon
			first := 0
			for i, t := range times {
				if abs(t.Minute-p.Minute) < abs(times[first].Minute-p.Minute) {
					first = i
				}
			}
			for k := range times {
				t := times[(first+k)%len(times)]
				m := t.Minute
				if slots[m] < min(par, t.Capacity) && booked[s.At(day, m).UnixMicro()] < t.Capacity {
					out = append(out, Slot{ID: slotID(oc.Office.ID, day, m), OfficeID: oc.Office.ID, Office: oc.Office.Name,
						Address: oc.Office.Address, At: s.At(day, m), Same: oc.Office.ID == p.OfficeID})
					found++
					break
				}
			}
		}
	}
	return out, nil
}

// dist is the great-circle distance in metres.
func dist(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371000
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
