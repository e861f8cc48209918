package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/model"
)

// An exceptional opening an admin adds is stamped with the next release instant and the
// setup page says when citizens will see it.
func TestBookingOpeningShowsRelease(t *testing.T) {
	a := apptest.New(t)
	pw := a.CreateUser(t, "alice", model.RoleAdmin)
	admin := a.Client(t)
	a.Login(t, admin, "alice", pw)
	ctx := context.Background()
	o, err := a.Store.OfficeByCode(ctx, "sansovino")
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.Store.BookingSettings(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation(a.Config.Location)
	if err != nil {
		t.Fatal(err)
	}
	before := st.NextRelease(a.Store.Now(), loc)
	day := time.Now().In(loc).AddDate(0, 0, 20).Format("2006-01-02")
	form := url.Values{"day": {day}, "opens": {"09:00"}, "closes": {"11:00"}, "slot_minutes": {"20"}, "counters": {"2"}, "note": {"open day"}}
	if code, body, _ := post(t, admin, a.URL+"/op/prenotazioni/uffici/sansovino/opening-add", form); code != 303 {
		t.Fatalf("opening-add %d %.600s", code, body)
	}
	after := st.NextRelease(a.Store.Now(), loc)
	ops, err := a.Store.Openings(ctx, o.ID, day, day)
	if err != nil || len(ops) != 1 {
		t.Fatalf("openings %v %v", ops, err)
	}
	if v := ops[0].VisibleFrom; !v.Equal(before) && !v.Equal(after) {
		t.Fatalf("opening visible from %v, want the next release %v", v, after)
	}
	code, body, _ := get(t, admin, a.URL+"/op/prenotazioni/uffici/sansovino")
	v := ops[0].VisibleFrom.In(loc)
	want := "visibile ai cittadini dalle " + v.Format("15:04") + " del " + v.Format("02/01")
	if code != 200 || !strings.Contains(body, want) || strings.Count(body, `data-testid="pending-release"`) != 1 {
		t.Fatalf("setup page %d lacks %q once: %.2000s", code, want, body)
	}
}
