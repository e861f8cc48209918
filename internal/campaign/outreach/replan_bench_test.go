package outreach

import (
	"context"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/store"
)

// BenchmarkReplanMilan is issue 5's re-plan at Milan size: 82,142 citizens planned
// and sent, 55% confirm, the rest expire at the deadline and are re-planned on the
// capacity left. It reports the optimiser's time (solve-ms) apart from the whole
// expiry pass with its database work (the b.N time).
func BenchmarkReplanMilan(b *testing.B) {
	ctx := context.Background()
	var solve, planned, expired float64
	for b.Loop() {
		b.StopTimer()
		f := newFixtureB(b, 82142, 82142*11/10/26/11+1)
		if _, err := f.svc.Plan(ctx, KindPlan); err != nil {
			b.Fatal(err)
		}
		if _, err := f.svc.Send(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := f.st.Exec(ctx, `UPDATE campaign_proposals SET state = ? WHERE id % 100 < 55`, store.ProposalConfirmed); err != nil {
			b.Fatal(err)
		}
		f.clock.Add(21 * 24 * time.Hour)
		b.StartTimer()
		res, err := f.svc.Expire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		solve, planned, expired = float64(res.Run.Millis), float64(res.Run.Planned), float64(res.Expired)
	}
	b.ReportMetric(solve, "solve-ms")
	b.ReportMetric(expired, "expired")
	b.ReportMetric(planned, "replanned")
}
