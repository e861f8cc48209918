package plan

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxWeeks is the longest campaign Params accept.
const maxWeeks = 520

// ReadOffices reads OFFICES.csv: office_id,name,address,lat,lon,capacity_per_week.
// Planning from a file needs the capacity; deriving it from the booking calendar
// is for runs on the imported data. An optional column capacity_weeks gives the
// capacity of the first weeks one by one, separated by ';' (e.g. "400;400;320" for
// a holiday in week 2); the weeks it leaves out have capacity_per_week.
func ReadOffices(r io.Reader, file string) ([]Office, error) {
	t, err := newTable(r, file, "office_id", "lat", "lon", "capacity_per_week")
	if err != nil {
		return nil, err
	}
	bad := &RowErrors{File: file}
	seen := map[string]int{}
	var offices []Office
	err = t.each(bad, func() {
		o := Office{ID: t.get("office_id"), Name: t.get("name"), Line: t.line}
		if o.ID == "" {
			bad.add(t.line, "office_id: empty")
			return
		}
		if prev, dup := seen[o.ID]; dup {
			bad.add(t.line, "office_id: %q already on line %d", o.ID, prev)
			return
		}
		var err error
		if o.Lat, err = parseCoord(t.get("lat"), 90); err != nil {
			bad.add(t.line, "lat: %v", err)
			return
		}
		if o.Lon, err = parseCoord(t.get("lon"), 180); err != nil {
			bad.add(t.line, "lon: %v", err)
			return
		}
		c, err := strconv.Atoi(t.get("capacity_per_week"))
		if err != nil || c < 0 || c > 1_000_000 {
			bad.add(t.line, "capacity_per_week: %q, want a whole number 0-1000000", t.get("capacity_per_week"))
			return
		}
		o.Capacity = c
		if ws := t.get("capacity_weeks"); ws != "" {
			for i, f := range strings.Split(ws, ";") {
				c, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil || c < 0 || c > 1_000_000 {
					bad.add(t.line, "capacity_weeks: week %d: %q, want a whole number 0-1000000", i, f)
					return
				}
				if i >= maxWeeks {
					bad.add(t.line, "capacity_weeks: more than %d weeks", maxWeeks)
					return
				}
				o.Weekly = append(o.Weekly, c)
			}
		}
		seen[o.ID] = t.line
		offices = append(offices, o)
	})
	if err != nil {
		return nil, err
	}
	if bad.Total > 0 {
		return nil, bad
	}
	if len(offices) == 0 {
		return nil, fmt.Errorf("%s: no offices", file)
	}
	return offices, nil
}
