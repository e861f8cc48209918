package store

import (
	"context"
	"errors"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// demoOffices are Milan's registry offices that issue the CIE, from the public list in
// PRODUCT.md §1 (comune.milano.it "Carta d'identità"; MilanoToday, Nov 2020), leaving out
// those reported closed. Coordinates were placed by hand from the street address and are
// approximate (a few hundred metres): good for a demo map link and distances, not for
// navigation. Counter numbers are a demo assumption (no public figure per office; Milan
// had 68 workstations in all in 2018, PRODUCT.md §7).
var demoOffices = []model.Office{
	{Code: "larga", Name: "Anagrafe centrale - Via Larga", Address: "Via Larga 12, 20122 Milano", Municipio: "1", Lat: 45.4606, Lon: 9.1937, Phone: "02 02 02", Counters: 12},
	{Code: "padova", Name: "Delegazione Via Padova", Address: "Via Padova 118, 20127 Milano", Municipio: "2", Lat: 45.4985, Lon: 9.2290, Phone: "02 02 02", Counters: 4},
	{Code: "sansovino", Name: "Delegazione Via Sansovino", Address: "Via Sansovino 9, 20133 Milano", Municipio: "3", Lat: 45.4833, Lon: 9.2240, Phone: "02 02 02", Counters: 4},
	{Code: "oglio", Name: "Delegazione Via Oglio", Address: "Via Oglio 18, 20139 Milano", Municipio: "4", Lat: 45.4420, Lon: 9.2170, Phone: "02 02 02", Counters: 4},
	{Code: "tibaldi", Name: "Delegazione Viale Tibaldi", Address: "Viale Tibaldi 41, 20136 Milano", Municipio: "5", Lat: 45.4455, Lon: 9.1790, Phone: "02 02 02", Counters: 4},
	{Code: "legioni-romane", Name: "Delegazione Viale Legioni Romane", Address: "Viale Legioni Romane 54, 20147 Milano", Municipio: "6", Lat: 45.4560, Lon: 9.1270, Phone: "02 02 02", Counters: 4},
	{Code: "stovani", Name: "Delegazione Piazzale Stovani", Address: "Piazzale Stovani 3, 20146 Milano", Municipio: "7", Lat: 45.4510, Lon: 9.1400, Phone: "02 02 02", Counters: 3},
	{Code: "accursio", Name: "Delegazione Piazzale Accursio", Address: "Piazzale Accursio 5, 20156 Milano", Municipio: "8", Lat: 45.4890, Lon: 9.1470, Phone: "02 02 02", Counters: 4},
	{Code: "quarenghi", Name: "Delegazione Via Quarenghi", Address: "Via Quarenghi 21, 20151 Milano", Municipio: "8", Lat: 45.5020, Lon: 9.1260, Phone: "02 02 02", Counters: 3},
	{Code: "de-benedetti", Name: "Delegazione Largo De Benedetti", Address: "Largo De Benedetti 1, 20125 Milano", Municipio: "9", Lat: 45.5120, Lon: 9.2010, Phone: "02 02 02", Counters: 3},
	{Code: "baldinucci", Name: "Delegazione Via Baldinucci", Address: "Via Baldinucci 76, 20158 Milano", Municipio: "9", Lat: 45.5060, Lon: 9.1640, Phone: "02 02 02", Counters: 3},
}

// demoHours returns an office's weekly periods. The usual set was Monday–Friday
// 8:30–15:30; Via Larga's older hours were 8:30–13:00 and 14:30–15:30, Thursday until
// 19:00, Saturday 8:30–11:30 (PRODUCT.md §1). Slots last 20 minutes (PRODUCT.md §7).
func demoHours(o *model.Office) []model.OpeningHours {
	const slot = 20
	var hs []model.OpeningHours
	add := func(wd time.Weekday, from, to int) {
		hs = append(hs, model.OpeningHours{OfficeID: o.ID, Weekday: wd, OpensMin: from, ClosesMin: to, SlotMinutes: slot, Counters: o.Counters})
	}
	for wd := time.Monday; wd <= time.Friday; wd++ {
		if o.Code != "larga" {
			add(wd, 8*60+30, 15*60+30)
			continue
		}
		add(wd, 8*60+30, 13*60)
		if wd == time.Thursday {
			add(wd, 14*60+30, 19*60)
		} else {
			add(wd, 14*60+30, 15*60+30)
		}
	}
	if o.Code == "larga" {
		add(time.Saturday, 8*60+30, 11*60+30)
	}
	return hs
}

// SeedDemo fills an empty database with the demo comune (Milan's offices and hours) once;
// it reports whether it seeded. The settings key makes it a no-op on later starts even
// if an admin deletes every office.
func (s *Store) SeedDemo(ctx context.Context) (bool, error) {
	if _, err := s.Setting(ctx, "demo_seeded"); err == nil {
		return false, nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return false, err
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := s.SetSetting(ctx, tx, "comune_name", "Comune di Milano"); err != nil {
			return err
		}
		for i := range demoOffices {
			o := demoOffices[i]
			o.Active = true
			if err := s.CreateOffice(ctx, tx, &o); err != nil {
				return err
			}
			for _, h := range demoHours(&o) {
				if err := s.AddOpeningHours(ctx, tx, &h); err != nil {
					return err
				}
			}
		}
		return s.SetSetting(ctx, tx, "demo_seeded", s.Now().UTC().Format(time.RFC3339))
	})
	return err == nil, err
}
