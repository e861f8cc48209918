package plan

import "math"

const earthRadius = 6371008.8 // metres, IUGG mean radius

const rad = math.Pi / 180

// distance is the great-circle (haversine) distance in metres.
func distance(lat1, lon1, lat2, lon2 float64) float64 {
	return distanceCos(lat1, lon1, math.Cos(lat1*rad), lat2, lon2, math.Cos(lat2*rad))
}

// distanceCos is distance with each latitude's cosine given: planning measures
// every person to every office, and the cosines, computed once per person and per
// office, are two of the seven trigonometric calls. Each sine is computed once and
// squared, the same operations in the same order, so the result is distance's bit
// for bit.
func distanceCos(lat1, lon1, cos1, lat2, lon2, cos2 float64) float64 {
	dp, dl := (lat2-lat1)*rad, (lon2-lon1)*rad
	sp, sl := math.Sin(dp/2), math.Sin(dl/2)
	a := sp*sp + cos1*cos2*sl*sl
	return 2 * earthRadius * math.Asin(math.Min(1, math.Sqrt(a)))
}
