package plan

import (
	"fmt"

	"github.com/sportello/sportello/internal/campaign/flow"
)

// lp is the optimum of the flow relaxation with its proof.
type lp struct {
	res *flow.Result
	// bound is the lower bound the potentials prove for the full model (every
	// household to every office and week), in cost units, penalties included.
	bound     int64
	unplanned int64 // people the relaxation leaves out (capacity short)
	rounds    int   // solves until no excluded arc had a negative reduced cost
	priced    int   // excluded arcs priced in the last round
	added     int   // arcs pricing added back over all rounds
}

// maxRounds stops pricing from looping forever on a bug; one or two rounds are
// the rule, since the K nearest offices hold the optimum almost always.
const maxRounds = 50

// solveLP solves the restricted model, prices every excluded arc of the full
// model with the duals, adds back the households' offices with a negative reduced
// cost and resumes from the optimal basis until none is left: then the
// restricted optimum is the optimum of the full model.
func (m *model) solveLP() (*lp, error) {
	out := &lp{}
	nO := len(m.offices)
	pred, upper, err := m.startTree()
	if err != nil {
		return nil, err
	}
	sv, err := flow.NewSolverFromTree(m.g, pred, upper)
	if err != nil {
		return nil, fmt.Errorf("plan: min-cost flow: %w", err)
	}
	for {
		out.rounds++
		res, err := sv.Solve()
		if err != nil {
			return nil, fmt.Errorf("plan: min-cost flow: %w", err)
		}
		bound, err := m.bound(res.Potential)
		if err != nil {
			return nil, err
		}
		pi := res.Potential
		var missing []int
		out.priced = 0
		for h := range m.hhs {
			hh := &m.hhs[h]
			size := int64(len(hh.members))
			for o := 0; o < nO; o++ {
				if m.hasArc[h*nO+o] {
					continue
				}
				neg := false
				for t := hh.lo; t <= hh.hi; t++ {
					out.priced++
					if rc := m.unitCost(h, o, t) + pi[h] - pi[m.owNode(o, t)]; rc < 0 {
						bound += size * rc
						neg = true
					}
				}
				if neg {
					missing = append(missing, h*nO+o)
				}
			}
		}
		if len(missing) == 0 || out.rounds == maxRounds {
			out.res, out.bound = res, bound
			for _, a := range m.overArc {
				out.unplanned += res.Flow[a]
			}
			return out, nil
		}
		var addErr error
		add := func(from, to int, capacity, cost int64) int {
			m.g.AddArc(from, to, capacity, cost)
			a, err := sv.AddArc(from, to, capacity, cost)
			if err != nil {
				addErr = err
			}
			out.added++
			return a
		}
		for _, x := range missing {
			m.hasArc[x] = true
			m.addWindow(x/nO, x%nO, add)
		}
		if addErr != nil {
			return nil, fmt.Errorf("plan: min-cost flow: %w", addErr)
		}
	}
}

// bound is the Lagrangian lower bound that potentials pi prove on the graph, with
// each household arc's capacity taken as the household's size: that constraint is
// redundant (a household sends no more than it has), so the bound holds for the
// model, and it keeps the bound finite while pricing.
func (m *model) bound(pi []int64) (int64, error) {
	var b int64
	for v, s := range m.g.Supply {
		b -= s * pi[v]
	}
	g := m.g
	for a := range g.From {
		rc := g.Cost[a] + pi[g.From[a]] - pi[g.To[a]]
		if rc >= 0 {
			continue
		}
		c := g.Cap[a]
		if h := m.arcHH[a]; h >= 0 {
			c = g.Supply[h]
		} else if c == flow.Inf {
			return 0, fmt.Errorf("plan: an open arc has a negative reduced cost; solver bug")
		}
		b += c * rc
	}
	return b, nil
}
