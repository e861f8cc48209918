package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/campaign/plan"
	"github.com/sportello/sportello/internal/campaign/register"
	"github.com/sportello/sportello/internal/store"
	"github.com/sportello/sportello/internal/testdb"
)

func syntheticCitizens(n int) []register.Citizen {
	syn := plan.NewSynthetic(n, 7, true)
	cs := make([]register.Citizen, len(syn.People))
	for i, p := range syn.People {
		cs[i] = register.Citizen{CF: p.CF, FamilyName: fmt.Sprintf("Rossi%d", i), GivenNames: "Anna", Sex: "F",
			Birth: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), Household: p.Household, Address: "Via Roma 1",
			Postcode: fmt.Sprintf("201%02d", i%50), Lat: p.Lat, Lon: p.Lon, CardType: "paper", CardExpiry: p.Due,
			Email: fmt.Sprintf("p%d@example.it", i), Due: p.Due, Line: i + 2}
	}
	return cs
}

func citizenCount(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.QueryRow(context.Background(), `SELECT COUNT(*) FROM campaign_citizens`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportAllOrNothingInChunks: an import staged in many small transactions that
// stops before its batch is applied leaves campaign_citizens exactly as it was (no
// row added, none updated); the same import run again applies everything, and a
// third run writes nothing.
func TestImportAllOrNothingInChunks(t *testing.T) {
	defer func(n int) { *store.ImportChunk = n }(*store.ImportChunk)
	*store.ImportChunk = 7
	st := testdb.Open(t)
	cs := syntheticCitizens(100)
	if _, err := st.ImportCitizens(context.Background(), cs[:40], nil); err != nil {
		t.Fatal(err)
	}
	changed := append([]register.Citizen(nil), cs...)
	changed[0].Address = "Via Nuova 2"
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := st.ImportCitizens(ctx, changed, func(int) {
		if calls++; calls == 3 {
			cancel() // stop half-way through the staging
		}
	})
	if err == nil {
		t.Fatal("an import stopped half-way reported success")
	}
	if n := citizenCount(t, st); n != 40 {
		t.Fatalf("%d citizens after a stopped import, want the 40 from before", n)
	}
	if c, _ := st.CampaignCitizen(context.Background(), cs[0].CF); c.Address != cs[0].Address {
		t.Fatalf("a stopped import updated a row: %q", c.Address)
	}
	res, err := st.ImportCitizens(context.Background(), changed, nil)
	if err != nil || res != (store.ImportResult{Added: 60, Updated: 1, Unchanged: 39}) {
		t.Fatalf("import again: %+v %v", res, err)
	}
	if n := citizenCount(t, st); n != 100 {
		t.Fatalf("%d citizens, want 100", n)
	}
	if c, _ := st.CampaignCitizen(context.Background(), cs[0].CF); c.Address != "Via Nuova 2" || c.State != store.CitizenNew {
		t.Fatalf("updated row: %q %q", c.Address, c.State)
	}
	res, err = st.ImportCitizens(context.Background(), changed, nil)
	if err != nil || res != (store.ImportResult{Unchanged: 100}) {
		t.Fatalf("idempotent import: %+v %v", res, err)
	}
}

// BenchmarkImportMilan imports 82,142 citizens into an empty campaign. ns/op is the
// whole import; longest-stage-ms and apply-ms are the longest transactions, what a
// booking made meanwhile may wait for the write lock.
func BenchmarkImportMilan(b *testing.B) {
	cs := syntheticCitizens(82142)
	var stage, apply time.Duration
	for b.Loop() {
		b.StopTimer()
		st := testdb.Open(b)
		b.StartTimer()
		res, s, a, err := st.ImportCitizensTimed(context.Background(), cs)
		if err != nil || res.Added != len(cs) {
			b.Fatalf("%+v %v", res, err)
		}
		stage, apply = s, a
	}
	b.ReportMetric(float64(stage.Milliseconds()), "longest-stage-ms")
	b.ReportMetric(float64(apply.Milliseconds()), "apply-ms")
}
