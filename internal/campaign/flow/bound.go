package flow

// ReducedCost is the reduced cost of an arc from u to v of cost c under pi.
func ReducedCost(c int64, pi []int64, u, v int) int64 { return c + pi[u] - pi[v] }

// DualBound returns the Lagrangian lower bound that potentials pi prove on the
// cost of every feasible flow of g:
//
//	-Σ supply(v)·pi(v) + Σ cap(a)·min(0, reduced cost(a)).
//
// Any pi gives a valid bound (weak duality); optimal potentials give the optimum.
// ok is false when an uncapacitated arc has a negative reduced cost, which makes
// the bound minus infinity.
func (g *Graph) DualBound(pi []int64) (bound int64, ok bool) {
	for v, b := range g.Supply {
		bound -= b * pi[v]
	}
	for a := range g.From {
		rc := g.Cost[a] + pi[g.From[a]] - pi[g.To[a]]
		if rc >= 0 {
			continue
		}
		if g.Cap[a] == Inf {
			return 0, false
		}
		bound += g.Cap[a] * rc
	}
	return bound, true
}
