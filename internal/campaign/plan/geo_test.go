package plan

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The plan's costs round distances to hundredths of a point: distanceCos must give
// the textbook haversine's value bit for bit, or a plan could change with it.
func TestDistanceCosIsHaversine(t *testing.T) {
	haversine := func(lat1, lon1, lat2, lon2 float64) float64 { // distance as it was
		const rad = math.Pi / 180
		p1, p2 := lat1*rad, lat2*rad
		dp, dl := (lat2-lat1)*rad, (lon2-lon1)*rad
		a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
		return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(a)))
	}
	r := rand.New(rand.NewPCG(5, 5))
	for range 100000 {
		lat1, lon1 := 45+r.Float64(), 9+r.Float64()
		lat2, lon2 := 45+r.Float64(), 9+r.Float64()
		if r.IntN(10) == 0 {
			lat2, lon2 = r.Float64()*180-90, r.Float64()*360-180
		}
		want := haversine(lat1, lon1, lat2, lon2)
		if got := distance(lat1, lon1, lat2, lon2); got != want {
			t.Fatalf("distance(%v,%v,%v,%v) = %v, want %v", lat1, lon1, lat2, lon2, got, want)
		}
		if got := distanceCos(lat1, lon1, math.Cos(lat1*rad), lat2, lon2, math.Cos(lat2*rad)); got != want {
			t.Fatalf("distanceCos(%v,%v,%v,%v) = %v, want %v", lat1, lon1, lat2, lon2, got, want)
		}
	}
}
