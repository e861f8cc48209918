package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/campaign/outreach"
	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/codicefiscale"
)

// TestCampaignSkipsHolidays plans the demo comune (Milan) over the week of Sant'Ambrogio
// (Tuesday 7 December 2027, the patron saint's day) and the Immacolata (Wednesday 8),
// far enough ahead for the campaign to plan into whatever today is: the
// booking calendar's weekly hours are open both days, yet nobody is proposed there.
func TestCampaignSkipsHolidays(t *testing.T) {
	a := apptest.New(t)
	ctx := context.Background()
	set, err := a.Store.CampaignSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.Start, set.Weeks = time.Date(2027, 12, 6, 0, 0, 0, 0, time.UTC), 1
	set.Deadline = set.Start.AddDate(0, 0, 7)
	if err := a.Store.SaveCampaignSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	syn := plan.NewSynthetic(300, 5, true)
	var cs []register.Citizen
	for i, p := range syn.People {
		c, _ := codicefiscale.Parse(p.CF)
		birth, sex, _ := c.Birth(time.Now())
		cs = append(cs, register.Citizen{CF: p.CF, FamilyName: "Verdi", GivenNames: fmt.Sprint("Luca", i), Sex: string(rune(sex)), Birth: birth,
			Household: p.Household, Address: "Via Roma 1", Postcode: "20100", Lat: p.Lat, Lon: p.Lon, CardType: "paper", Due: set.Start, Line: i + 2})
	}
	if _, err := a.Store.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Web.Campaign.Plan(ctx, outreach.KindPlan); err != nil {
		t.Fatal(err)
	}
	ps, err := a.Store.CampaignProposals(ctx, nil, "1 = 1")
	if err != nil {
		t.Fatal(err)
	}
	days := map[string]int{}
	for _, p := range ps {
		days[p.Day]++
	}
	if days["2027-12-07"] > 0 || days["2027-12-08"] > 0 || days["2027-12-06"] == 0 || days["2027-12-09"] == 0 {
		t.Fatalf("proposals per day: %v", days)
	}
}
