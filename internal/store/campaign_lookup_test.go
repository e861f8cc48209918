package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/model"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

// TestHomeVisitCandidatesAll: the export asks for every candidate (limit 0) and gets
// all of them, past the page's 200; the count agrees.
func TestHomeVisitCandidatesAll(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	cs := syntheticCitizens(230)
	for i := range cs {
		cs[i].Frail = true
	}
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	all, err := st.HomeVisitCandidates(ctx, 0)
	if err != nil || len(all) != len(cs) {
		t.Fatalf("all: %d rows, %v; want %d", len(all), err, len(cs))
	}
	page, err := st.HomeVisitCandidates(ctx, 200)
	if err != nil || len(page) != 200 {
		t.Fatalf("page: %d rows, %v", len(page), err)
	}
	if n, err := st.CountHomeVisitCandidates(ctx); err != nil || n != len(cs) {
		t.Fatalf("count %d, %v", n, err)
	}
}

// TestCampaignCitizenLookup: a clerk finds a citizen by code in any case or by words
// of the names; LIKE's wildcards typed by the clerk match themselves only; the
// pseudonym is stable, resolves to the citizen, and does not carry the code.
func TestCampaignCitizenLookup(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	cs := syntheticCitizens(30)
	cs[3].FamilyName, cs[3].GivenNames = "De Luca", "Maria Grazia"
	cs[4].FamilyName = "Bianchi_x"
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	got, err := st.SearchCampaignCitizens(ctx, strings.ToLower(cs[3].CF), 10)
	if err != nil || len(got) != 1 || got[0].CF != cs[3].CF {
		t.Fatalf("by code: %v, %v", got, err)
	}
	got, err = st.SearchCampaignCitizens(ctx, "luca grazia", 10)
	if err != nil || len(got) != 1 || got[0].CF != cs[3].CF {
		t.Fatalf("by name: %v, %v", got, err)
	}
	if got, _ = st.SearchCampaignCitizens(ctx, "rossi1", 5); len(got) != 5 {
		t.Fatalf("limit: %d rows", len(got))
	}
	if got, _ = st.SearchCampaignCitizens(ctx, "_", 50); len(got) != 1 || got[0].CF != cs[4].CF {
		t.Fatalf("an underscore matched %d rows, want the one with it in the name", len(got))
	}
	ref, err := st.CitizenRef(ctx, cs[3].CF)
	if err != nil || strings.Contains(strings.ToUpper(ref), cs[3].CF[:6]) {
		t.Fatalf("ref %q, %v", ref, err)
	}
	if again, _ := st.CitizenRef(ctx, strings.ToLower(cs[3].CF)); again != ref {
		t.Fatalf("ref not stable: %q then %q", ref, again)
	}
	c, err := st.CitizenByRef(ctx, ref)
	if err != nil || c.CF != cs[3].CF {
		t.Fatalf("resolve: %v, %v", c, err)
	}
	if _, err := st.CitizenByRef(ctx, "c00000000000000000000"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("unknown ref: %v", err)
	}
}

// TestUnplannableReasons: before any run everyone waits for the first plan; after a
// run, who was waiting is capacity short and who was imported later is not.
func TestUnplannableReasons(t *testing.T) {
	ctx := context.Background()
	st := testdb.Open(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	st.Now = func() time.Time { return now }
	cs := syntheticCitizens(12)
	if _, err := st.ImportCitizens(ctx, cs[:10], nil); err != nil {
		t.Fatal(err)
	}
	us, err := st.UnplannableCitizens(ctx)
	if err != nil || len(us) != 10 || us[0].Reason != store.UnplannedNoRun {
		t.Fatalf("%v, %v", us, err)
	}
	run := &store.CampaignRun{CreatedAt: now.Add(time.Minute), Kind: "plan", People: 10, Unplanned: 10, Done: true}
	if err := st.InsertCampaignRun(ctx, st.Writer(), run); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour) // the two more are imported after the run
	if _, err := st.ImportCitizens(ctx, cs, nil); err != nil {
		t.Fatal(err)
	}
	us, err = st.UnplannableCitizens(ctx)
	if err != nil || len(us) != 12 {
		t.Fatalf("%d, %v", len(us), err)
	}
	late := map[string]bool{cs[10].CF: true, cs[11].CF: true}
	for _, u := range us {
		want := store.UnplannedCapacity
		if late[u.CF] {
			want = store.UnplannedAfterRun
		}
		if u.Reason != want || u.HouseholdWaiting < 1 {
			t.Errorf("%s: %s (household %d), want %s", u.CF, u.Reason, u.HouseholdWaiting, want)
		}
	}
}
