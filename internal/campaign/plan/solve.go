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
const maxRounds = 20

// solveLP solves the restricted model, prices every excluded arc of the full
// model with the duals, adds back the ones with negative reduced cost and solves
// again until none is left: then the restricted optimum is the full optimum.
func (m *model) solveLP() (*lp, error) {
	out := &lp{}
	nO := len(m.offices)
	for {
		out.rounds++
		res, err := flow.Solve(m.g)
		if err != nil {
			return nil, fmt.Errorf("plan: min-cost flow: %w", err)
		}
		bound, ok := m.g.DualBound(res.Potential)
		if !ok {
			return nil, fmt.Errorf("plan: the duals do not price the model; solver bug")
		}
		pi := res.Potential
		var missing []int
		out.priced = 0
		for gi := range m.groups {
			gr := &m.groups[gi]
			node := clampWeek(gr.due, m.weeks)
			entry := m.entryU(gr.due)
			for o := 0; o < nO; o++ {
				if m.hasArc[gi*nO+o] {
					continue
				}
				out.priced++
				rc := m.distU[gi*nO+o] + entry + pi[gi] - pi[m.owNode(o, node)]
				if rc < 0 {
					bound += int64(gr.size) * rc
					missing = append(missing, gi*nO+o)
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
		out.added += len(missing)
		for _, x := range missing {
			m.hasArc[x] = true
		}
		m.build()
	}
}
