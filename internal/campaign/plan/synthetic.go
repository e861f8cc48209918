package plan

import (
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/sportello/sportello/internal/codicefiscale"
)

// milanOffices are ten registry offices spread over Milan's municipi; their
// positions are approximate, which is all a synthetic instance needs.
var milanOffices = [...]struct {
	id       string
	lat, lon float64
}{
	{"MI-CENTRO", 45.4601, 9.1930},
	{"MI-M2-ZARA", 45.4958, 9.1962},
	{"MI-M3-SANSOVINO", 45.4794, 9.2221},
	{"MI-M4-OGLIO", 45.4420, 9.2279},
	{"MI-M5-TIBALDI", 45.4433, 9.1762},
	{"MI-M6-LEGIONI", 45.4467, 9.1302},
	{"MI-M7-PARAVIA", 45.4640, 9.1302},
	{"MI-M8-QUARENGHI", 45.4978, 9.1370},
	{"MI-M9-BALDINUCCI", 45.5112, 9.1709},
	{"MI-M4-ROGOREDO", 45.4337, 9.2380},
}

// Synthetic is a generated instance: a Milan-like population in households
// around the ten offices, due dates over the campaign and weekly capacities that
// total capacityFactor × demand, unevenly spread over the offices so that the
// optimum must trade distance against lateness.
type Synthetic struct {
	People  []Person
	Offices []Office
	Params  Params
}

// NewSynthetic generates n people deterministically from seed over 26 weeks from
// 2026-01-05. With codes set every person gets a valid, random codice fiscale
// (slow for millions, and not needed for benchmarks).
func NewSynthetic(n int, seed uint64, codes bool) *Synthetic {
	r := rand.New(rand.NewPCG(seed, 0x5e110))
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	const weeks = 26
	s := &Synthetic{Params: Params{Start: start, Weeks: weeks, Weights: DefaultWeights()}}
	// Larger populations spread over a larger area, like a bigger city would.
	spread := math.Sqrt(float64(max(n, 82142)) / 82142)
	const centreLat, centreLon = 45.4642, 9.1900
	latKm, lonKm := 1/111.2, 1/(111.2*math.Cos(centreLat*math.Pi/180))
	hh := 0
	for len(s.People) < n {
		size := householdSize(r)
		size = min(size, n-len(s.People))
		// Residences: a dense core and suburbs, 3.2 km standard deviation.
		dx, dy := r.NormFloat64()*3.2*spread, r.NormFloat64()*3.2*spread
		lat, lon := centreLat+dy*latKm, centreLon+dx*lonKm
		due := start.AddDate(0, 0, r.IntN(7*34)-7*4) // 4 weeks overdue to 30 weeks ahead
		adultAge := 20 + r.IntN(70)
		id := "H" + strconv.Itoa(hh)
		for i := 0; i < size; i++ {
			p := Person{Household: id, Lat: lat, Lon: lon, Due: due}
			if size > 1 && r.IntN(20) == 0 { // someone whose card falls due on its own date
				p.Due = start.AddDate(0, 0, r.IntN(7*34)-7*4)
			}
			age := adultAge + r.IntN(5) - 2
			if i >= 2 {
				age = 1 + r.IntN(18)
			}
			p.Birth = start.AddDate(-age, 0, -r.IntN(365))
			p.Frail = age >= 80 && r.IntN(4) == 0
			if codes {
				p.CF = syntheticCode(r, p.Birth, i%2 == 1)
			} else {
				p.CF = id + "-" + strconv.Itoa(i)
			}
			s.People = append(s.People, p)
		}
		hh++
	}
	// Demand by nearest office, then capacities skewed by ±30% around it.
	demand := make([]float64, len(milanOffices))
	for _, p := range s.People {
		best, bestD := 0, math.Inf(1)
		for o, of := range milanOffices {
			if d := distance(p.Lat, p.Lon, of.lat, of.lon); d < bestD {
				best, bestD = o, d
			}
		}
		demand[best]++
	}
	skew := make([]float64, len(milanOffices))
	var total float64
	for o := range skew {
		skew[o] = (demand[o] + 1) * (0.7 + 0.6*r.Float64())
		total += skew[o]
	}
	weekly := 1.10 * float64(n) / weeks
	for o, of := range milanOffices {
		s.Offices = append(s.Offices, Office{
			ID: of.id, Name: of.id, Lat: of.lat, Lon: of.lon,
			Capacity: int(math.Ceil(weekly * skew[o] / total)),
		})
	}
	return s
}

// householdSize follows roughly the Italian census: half the households are one
// person, 1.9 people on average.
func householdSize(r *rand.Rand) int {
	x := r.Float64()
	switch {
	case x < 0.50:
		return 1
	case x < 0.75:
		return 2
	case x < 0.89:
		return 3
	case x < 0.97:
		return 4
	}
	return 5
}

// syntheticCode makes a valid code for a made-up person by trying check
// characters: the package deliberately offers no way to compute one.
func syntheticCode(r *rand.Rand, birth time.Time, female bool) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, 16)
	for i := 0; i < 6; i++ {
		b[i] = letters[r.IntN(26)]
	}
	y := birth.Year() % 100
	b[6], b[7] = byte('0'+y/10), byte('0'+y%10)
	b[8] = "ABCDEHLMPRST"[birth.Month()-1]
	d := birth.Day()
	if female {
		d += 40
	}
	b[9], b[10] = byte('0'+d/10), byte('0'+d%10)
	b[11] = letters[r.IntN(26)]
	for i := 12; i < 15; i++ {
		b[i] = byte('0' + r.IntN(10))
	}
	for _, c := range []byte(letters) {
		b[15] = c
		if codicefiscale.Valid(string(b)) {
			break
		}
	}
	return string(b)
}
