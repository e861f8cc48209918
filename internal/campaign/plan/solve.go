package plan

import (
	"context"
	"fmt"
	"runtime"

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
	unpinned  int   // pinned households pricing turned back into nodes
	proven    bool  // the last pricing found nothing to put back
}

// maxRounds stops pricing from looping forever on a bug; a few rounds are the
// rule, since the K nearest offices hold the optimum almost always.
const maxRounds = 50

// violations are what pricing found: offices to add to household nodes
// (household×office) and pinned households to turn into nodes.
type violations struct {
	missing []int
	unpin   []int
}

// solveLP solves the restricted model, prices every arc of the full model that
// the restriction left out with the duals, puts back what has a negative reduced
// cost and solves again until nothing is left: then the restricted optimum is the
// optimum of the full model, and the bound proves it.
func (m *model) solveLP(ctx context.Context) (*lp, error) {
	out := &lp{}
	nO := len(m.offices)
	var sv *flow.Solver
	for {
		if sv == nil {
			pred, upper, err := m.startTree()
			if err != nil {
				return nil, err
			}
			if sv, err = flow.NewSolverFromTree(m.g, pred, upper); err != nil {
				return nil, fmt.Errorf("plan: min-cost flow: %w", err)
			}
		}
		out.rounds++
		res, err := sv.SolveContext(ctx)
		if err != nil {
			return nil, fmt.Errorf("plan: min-cost flow: %w", err)
		}
		bound, err := m.bound(res.Potential)
		if err != nil {
			return nil, err
		}
		extra, v := m.price(res.Potential, &out.priced)
		bound += extra
		if (len(v.missing) == 0 && len(v.unpin) == 0) || out.rounds == maxRounds {
			out.res, out.bound = res, bound
			out.proven = len(v.missing) == 0 && len(v.unpin) == 0
			for _, a := range m.overArc {
				out.unplanned += res.Flow[a]
			}
			return out, nil
		}
		for _, x := range v.missing {
			m.hasArc[x] = true
		}
		if len(v.unpin) > 0 {
			// New nodes change the numbering: build again and restart from a
			// fresh warm start. Pinning afresh at the new prices instead looks
			// cheaper but oscillates: the few free households cannot absorb the
			// pinned loads, prices swing and ever more households get pinned wrong.
			prev := m.saveBasis(res, v.unpin)
			for _, h := range v.unpin {
				c := int(m.pin[h])
				m.hasArc[h*nO+c/m.weeks] = true // its pinned arc starts the next solve
				m.pin[h] = -1
			}
			out.unpinned += len(v.unpin)
			m.startY = m.prices(res.Potential) // before build renumbers the nodes
			m.build()
			sv = nil
			// Resume from the optimal basis, the unpinned households hanging on
			// their pinned arcs; if that basis does not map, start afresh.
			if pred, upper, ok := m.mapBasis(prev, v.unpin); ok {
				if s, err := flow.NewSolverFromTree(m.g, pred, upper); err == nil {
					sv = s
				}
			}
			continue
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
		for _, x := range v.missing {
			m.addWindow(x/nO, x%nO, add)
		}
		if addErr != nil {
			return nil, fmt.Errorf("plan: min-cost flow: %w", addErr)
		}
	}
}

// price computes the reduced cost of every arc of the full model that is not in
// the graph: the window arcs of household nodes to offices without arcs, and
// every arc of a pinned household, whose potential is the one that prices its
// pinned arc at zero. It returns the negative part of the Lagrangian bound over
// those arcs (each with the household's size as capacity) and what to put back.
func (m *model) price(pi []int64, priced *int) (int64, violations) {
	nO, W := len(m.offices), m.weeks
	type part struct {
		extra  int64
		priced int
		v      violations
	}
	parts := make([]part, runtime.GOMAXPROCS(0))
	parallel(len(m.hhs), len(parts), func(worker, from, to int) {
		pt := &parts[worker]
		for h := from; h < to; h++ {
			hh := &m.hhs[h]
			size := int64(len(hh.members))
			var piH int64
			pinned := m.pin[h] >= 0
			if pinned {
				c := int(m.pin[h])
				piH = pi[m.owNode(c/W, c%W)] - m.unitCost(h, c/W, c%W)
				pt.extra += size * m.unitCost(h, c/W, c%W) // the pinned flow's own cost
			} else {
				piH = pi[m.node[h]]
			}
			bad := false
			for o := 0; o < nO; o++ {
				if !pinned && m.hasArc[h*nO+o] {
					continue
				}
				neg := false
				for t := hh.lo; t <= hh.hi; t++ {
					if pinned && int(m.pin[h]) == o*W+t {
						continue
					}
					pt.priced++
					if rc := m.unitCost(h, o, t) + piH - pi[m.owNode(o, t)]; rc < 0 {
						pt.extra += size * rc
						neg = true
					}
				}
				if neg {
					bad = true
					if pinned {
						m.hasArc[h*nO+o] = true
					} else {
						pt.v.missing = append(pt.v.missing, h*nO+o)
					}
				}
			}
			if pinned && bad {
				pt.v.unpin = append(pt.v.unpin, h)
			}
		}
	})
	var extra int64
	var v violations
	*priced = 0
	for _, pt := range parts {
		extra += pt.extra
		*priced += pt.priced
		v.missing = append(v.missing, pt.v.missing...)
		v.unpin = append(v.unpin, pt.v.unpin...)
	}
	return extra, v
}

// bound is the Lagrangian lower bound that potentials pi prove on the graph, with
// each household arc's capacity taken as the household's size: that constraint is
// redundant (a household sends no more than it has), so the bound holds for the
// model, and it keeps the bound finite while pricing. Pinned households' supply
// sits at their cell; price adds their own cost and their other arcs.
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
			c = int64(len(m.hhs[h].members))
		} else if c == flow.Inf {
			return 0, fmt.Errorf("plan: an open arc has a negative reduced cost; solver bug")
		}
		b += c * rc
	}
	return b, nil
}

// basis is an optimal basis in terms that survive a rebuild: arc keys (see
// arcKey) instead of arc indices, households instead of nodes.
type basis struct {
	hh    map[int32]int64 // household → key of its tree arc (absent: artificial)
	ow    []int64         // office-week nodes and the sink → key, 0 for artificial
	upper []int64
	// pinCell is the cell each household about to be unpinned was pinned to.
	pinCell map[int32]int32
}

// arcKey names an arc independently of the graph's numbering: household arcs by
// household and cell (positive), office arcs by their rank among office arcs
// (negative).
func (m *model) arcKey(a int) int64 {
	if h := m.arcHH[a]; h >= 0 {
		cell := int64(int(m.g.To[a]) - len(m.nodeHH))
		return int64(h)*int64(len(m.offices)*m.weeks) + cell + 1
	}
	return -int64(a - m.officeBase + 1)
}

func (m *model) saveBasis(res *flow.Result, unpin []int) basis {
	b := basis{hh: make(map[int32]int64, len(m.nodeHH)), ow: make([]int64, len(m.offices)*m.weeks+1),
		pinCell: make(map[int32]int32, len(unpin))}
	for _, h := range unpin {
		b.pinCell[int32(h)] = m.pin[h]
	}
	for v, a := range res.Tree {
		if a < 0 {
			continue
		}
		if v < len(m.nodeHH) {
			b.hh[m.nodeHH[v]] = m.arcKey(int(a))
		} else {
			b.ow[v-len(m.nodeHH)] = m.arcKey(int(a))
		}
	}
	for _, a := range res.Upper {
		b.upper = append(b.upper, m.arcKey(int(a)))
	}
	return b
}

// mapBasis translates a saved basis to the rebuilt graph, hanging each newly
// unpinned household on the arc to the cell it was pinned to: that arc carries
// exactly the supply the cell held for it, so every other tree flow stays.
func (m *model) mapBasis(b basis, unpinned []int) ([]int32, []int32, bool) {
	W := m.weeks
	cells := int64(len(m.offices) * W)
	want := make(map[int64]int32, len(b.hh)+len(b.ow)+len(b.upper)+len(unpinned))
	for _, k := range b.hh {
		want[k] = -1
	}
	for _, k := range b.ow {
		if k != 0 {
			want[k] = -1
		}
	}
	for _, k := range b.upper {
		want[k] = -1
	}
	pinKey := make(map[int32]int64, len(unpinned))
	for _, h := range unpinned {
		k := int64(h)*cells + int64(b.pinCell[int32(h)]) + 1
		pinKey[int32(h)] = k
		want[k] = -1
	}
	for a := range m.arcHH {
		if _, ok := want[m.arcKey(a)]; ok {
			want[m.arcKey(a)] = int32(a)
		}
	}
	pred := make([]int32, m.g.Nodes())
	for v := range pred {
		pred[v] = -1
	}
	for v, h := range m.nodeHH {
		k, ok := b.hh[h]
		if !ok {
			k, ok = pinKey[h]
		}
		if ok {
			if pred[v] = want[k]; pred[v] < 0 {
				return nil, nil, false
			}
		}
	}
	base := len(m.nodeHH)
	for i, k := range b.ow {
		if k != 0 {
			if pred[base+i] = want[k]; pred[base+i] < 0 {
				return nil, nil, false
			}
		}
	}
	upper := make([]int32, 0, len(b.upper))
	for _, k := range b.upper {
		if want[k] < 0 {
			return nil, nil, false
		}
		upper = append(upper, want[k])
	}
	return pred, upper, true
}
