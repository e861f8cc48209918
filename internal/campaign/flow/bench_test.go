package flow

import (
	"math/rand/v2"
	"testing"
)

// transport is a transportation instance shaped like the campaign model: many
// small sources, each with arcs to a few of a handful of sinks.
func transport(sources, sinks, arcsPer int) *Graph {
	r := rand.New(rand.NewPCG(1, 2))
	g := NewGraph(sources+sinks+1, sources*arcsPer+sinks)
	var total int64
	for s := 0; s < sources; s++ {
		g.Supply[s] = int64(1 + r.IntN(4))
		total += g.Supply[s]
		for k := 0; k < arcsPer; k++ {
			g.AddArc(s, sources+r.IntN(sinks), Inf, int64(r.IntN(100000)))
		}
	}
	for t := 0; t < sinks; t++ {
		g.AddArc(sources+t, sources+sinks, total*11/10/int64(sinks)+1, 0)
	}
	g.Supply[sources+sinks] = -total
	return g
}

func BenchmarkSolveTransport(b *testing.B) {
	for _, bc := range []struct {
		name                    string
		sources, sinks, arcsPer int
	}{
		{"10k-sources", 10000, 260, 3},
		{"40k-sources", 40000, 260, 3},
	} {
		g := transport(bc.sources, bc.sinks, bc.arcsPer)
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				res, err := Solve(g)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(res.Pivots), "pivots")
			}
		})
	}
}
