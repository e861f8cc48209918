package app_test

import (
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
)

// Every periodic job a feature registers is really scheduled when the server runs:
// photo expiry in particular, which the retention rule depends on.
func TestSchedulesRun(t *testing.T) {
	a := apptest.New(t)
	want := map[string]bool{"sessions.cleanup": false, "audit.checkpoint": false, "photos.expire": false, "booking.sweep": false, "campaign.remind": false, "campaign.expire": false}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		rows, err := a.Store.Query(t.Context(), `SELECT DISTINCT kind FROM jobs`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			rows.Scan(&k)
			if _, ok := want[k]; ok {
				want[k] = true
			}
		}
		rows.Close()
		all := true
		for _, v := range want {
			all = all && v
		}
		if all {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("scheduled kinds seen: %v", want)
}
