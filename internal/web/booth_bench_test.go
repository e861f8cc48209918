package web_test

import (
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/sportello/sportello/internal/apptest"
	"github.com/sportello/sportello/internal/booth/boothtest"
	"github.com/sportello/sportello/internal/ratelimit"
)

// BenchmarkGuidance is the kiosk's loop: one 640×480 JPEG frame posted to the running
// app, guidance back. It reports the median and 90th percentile from frame sent to
// guidance received, over HTTP on loopback, as the kiosk sees it.
func BenchmarkGuidance(b *testing.B) {
	a := apptest.New(b)
	a.Web.GuidanceLimit = ratelimit.New(1<<30, time.Second) // measure the work, not the limiter
	token := provisionBooth(b, a, "Bench")
	src := boothtest.Load(b, boothtest.CompliantPortrait())
	// A landscape 640×480 camera frame with the portrait in the middle, as a booth
	// camera delivers it.
	frame := boothtest.JPEG(b, boothtest.Pad(boothtest.Resize(src, 360, 480), 640, 480), 85)
	c := a.Client(b)
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, body := photoPostRaw(b, c, a.URL+"/api/v1/booth/guidance", token, "image/jpeg", frame)
		durs = append(durs, time.Since(start))
		if res.StatusCode != http.StatusOK {
			b.Fatalf("guidance: %d %s", res.StatusCode, body)
		}
	}
	b.StopTimer()
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(durs[len(durs)*9/10].Microseconds())/1000, "ms-p90")
}
